"""``mesoclinic backup``: a consistent copy of the live database, and a manifest to check it by.

A backup is a folder with the database (``database.sqlite3``, made with SQLite's
online backup API, or ``database.pgdump``, ``pg_dump``'s custom format) the private files (patients' photos, ``files/``, ``private_files.py``) and ``manifest.json``:
the rows in every table, the applied migrations and the triggers *of that copy*, when and by
which version it was made, and the copy's SHA-256. ``restore`` checks the restored database
against it. Both copies are taken while the practice keeps working:

- SQLite: the backup API copies pages inside one read transaction, so the copy is the database
  at one instant; in WAL mode a reader never blocks the writers (reference/security-reliability
  §4: a plain file copy of a live database can be corrupt).
- PostgreSQL: the counts are taken in a REPEATABLE READ transaction whose snapshot ``pg_dump``
  shares (``--snapshot``), so they describe exactly the rows in the dump.

The manifest is written last: a folder without one is an unfinished backup.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import sqlite3
import subprocess
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from importlib import metadata
from pathlib import Path
from typing import Any

from django.db.backends.base.base import BaseDatabaseWrapper

from mesoclinic.operations import databases, private_files
from mesoclinic.operations.databases import Database, Vendor

MANIFEST = "manifest.json"
FORMAT = "mesoclinic-backup/1"
DATA_FILES: dict[str, str] = {"sqlite": "database.sqlite3", "postgresql": "database.pgdump"}

Report = Callable[[str], None]


class BackupError(RuntimeError):
    """A backup or restore that cannot go on; the message says why and what to do."""


@dataclass
class Manifest:
    """What a backup holds, to check a restore against."""

    vendor: Vendor
    data_file: str
    sha256: str
    size_bytes: int
    tables: dict[str, int]
    migrations: list[str]
    triggers: list[str]
    # private file root (setting name) -> {relative path -> SHA-256}; empty in backups made
    # before photos were carried
    files: dict[str, dict[str, str]] = field(default_factory=dict)
    created_at: str = field(default_factory=lambda: dt.datetime.now(dt.UTC).isoformat())
    app_version: str = field(default_factory=lambda: app_version())
    format: str = FORMAT

    @property
    def total_rows(self) -> int:
        return sum(self.tables.values())

    def write(self, folder: Path) -> None:
        text = json.dumps(asdict(self), indent=2, sort_keys=True) + "\n"
        (folder / MANIFEST).write_text(text, encoding="utf-8")

    @classmethod
    def read(cls, folder: Path) -> Manifest:
        path = folder / MANIFEST
        if not path.is_file():
            raise BackupError(
                f"{folder} has no {MANIFEST}: it is not a mesoclinic backup, or its backup "
                "did not finish."
            )
        raw: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
        if raw.get("format") != FORMAT:
            raise BackupError(f"{path} is of format {raw.get('format')!r}, not {FORMAT}.")
        return cls(**raw)


def app_version() -> str:
    try:
        return metadata.version("mesoclinic")
    except metadata.PackageNotFoundError:
        return "unknown"


def sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def backup(connection: BaseDatabaseWrapper, folder: Path, report: Report) -> Manifest:
    """Copy the database of ``connection`` into ``folder`` (new, or empty) with its manifest."""
    if folder.exists() and (not folder.is_dir() or any(folder.iterdir())):
        raise BackupError(f"{folder} already exists and is not an empty folder; name a new one.")
    vendor = connection.vendor
    if vendor not in DATA_FILES:
        raise BackupError(f"Backups support SQLite and PostgreSQL, not {vendor}.")
    if vendor == "postgresql":
        databases.tool("pg_dump")  # before anything is created: a clear error if it is missing
    folder.mkdir(parents=True, exist_ok=True)
    data_file = DATA_FILES[vendor]
    partial = folder / f"{data_file}.partial"
    if vendor == "sqlite":
        snapshot = _sqlite_backup(connection, partial, report)
    else:
        snapshot = _postgres_backup(connection, partial, report)
    partial.rename(folder / data_file)
    # After the snapshot: every file its rows name was written before they were committed.
    files = private_files.copy_out(folder, sha256, report)
    report("computing the copy's SHA-256")
    manifest = Manifest(
        vendor=vendor,  # type: ignore[arg-type]  # checked against DATA_FILES above
        data_file=data_file,
        sha256=sha256(folder / data_file),
        size_bytes=(folder / data_file).stat().st_size,
        files=files,
        **snapshot,
    )
    manifest.write(folder)
    return manifest


def _snapshot(cursor: Any, vendor: str) -> dict[str, Any]:
    return {
        "tables": databases.row_counts(cursor, vendor),
        "migrations": databases.applied_migrations(cursor, vendor),
        "triggers": databases.triggers(cursor, vendor),
    }


def _sqlite_backup(connection: BaseDatabaseWrapper, target: Path, report: Report) -> dict[str, Any]:
    connection.ensure_connection()
    source: sqlite3.Connection = connection.connection
    page_count = source.execute("PRAGMA page_count").fetchone()[0]
    step = max(1024, page_count // 10)
    reported = [-1]

    def progress(_status: int, remaining: int, total: int) -> None:
        percent = 100 * (total - remaining) // max(total, 1)
        if percent // 10 > reported[0]:
            reported[0] = percent // 10
            report(f"copied {total - remaining} of {total} pages ({percent} %)")

    destination = sqlite3.connect(target, isolation_level=None)
    # One read transaction around the whole copy: every step then reads the same snapshot,
    # and writes by the running app (to the WAL) neither block it nor make it start over.
    opened = not source.in_transaction
    try:
        if opened:
            source.execute("BEGIN DEFERRED")
            source.execute("SELECT COUNT(*) FROM sqlite_master").fetchone()
        report(f"copying {page_count} pages with SQLite's online backup API")
        source.backup(destination, pages=step, progress=progress, sleep=0)
        # A self-contained file: no -wal beside it.
        destination.execute("PRAGMA journal_mode=DELETE")
        report("checking the copy (PRAGMA integrity_check)")
        check = destination.execute("PRAGMA integrity_check").fetchone()[0]
        if check != "ok":
            raise BackupError(f"The copy failed SQLite's integrity check: {check}")
        report("counting rows in the copy")
        return _snapshot(destination.cursor(), "sqlite")
    finally:
        if opened and source.in_transaction:
            source.execute("COMMIT")
        destination.close()


def run_streaming(command: list[str], env: dict[str, str], progress: Callable[[str], None]) -> None:
    """Run a PostgreSQL client program, passing each line of its ``--verbose`` output to
    ``progress``, and raise BackupError with its last lines if it fails."""
    lines: list[str] = []
    with subprocess.Popen(
        command, env=env, stderr=subprocess.PIPE, stdout=subprocess.DEVNULL, text=True
    ) as process:
        assert process.stderr is not None
        for line in process.stderr:
            lines.append(line.rstrip())
            progress(line.rstrip())
    if process.returncode != 0:
        tail = "\n".join(line for line in lines[-15:] if line)
        raise BackupError(f"{Path(command[0]).name} failed (exit {process.returncode}):\n{tail}")


def table_progress(report: Report, marker: str) -> Callable[[str], None]:
    """Report the tables pg_dump/pg_restore work through (their verbose lines name them)."""

    def progress(line: str) -> None:
        if marker in line:
            report("table " + line.split(marker, 1)[1].strip().strip('"').replace('"', ""))

    return progress


def _postgres_backup(
    connection: BaseDatabaseWrapper, target: Path, report: Report
) -> dict[str, Any]:
    pg_dump = databases.tool("pg_dump")
    database = Database.from_settings(connection.settings_dict, "postgresql")
    reader = database.connect()
    try:
        cursor = reader.cursor()
        cursor.execute("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
        cursor.execute("SELECT pg_export_snapshot()")
        snapshot_id = cursor.fetchone()[0]
        report("counting rows (in the snapshot pg_dump will copy)")
        snapshot = _snapshot(cursor, "postgresql")
        report(f"running pg_dump (custom format) of {database.describe()}")
        run_streaming(
            [
                pg_dump,
                "--format=custom",
                "--no-password",
                "--verbose",
                f"--snapshot={snapshot_id}",
                f"--file={target}",
            ],
            database.libpq_env(),
            table_progress(report, "dumping contents of table"),
        )
        cursor.execute("COMMIT")
    finally:
        reader.close()
    report("checking the archive can be read (pg_restore --list)")
    listing = subprocess.run(
        [databases.tool("pg_restore"), "--list", str(target)],
        capture_output=True,
        text=True,
        check=False,
    )
    if listing.returncode != 0:
        raise BackupError(f"pg_restore cannot read the archive: {listing.stderr.strip()}")
    return snapshot
