"""``mesoclinic restore``: a backup into an empty database, then checked against its manifest.

Only into an empty database (no tables at all): a restore never overwrites or mixes with
records already there. After it, the restored database must hold exactly the manifest's rows
per table, its triggers (the immutability triggers among them, ``records/immutability.py``)
and its applied migrations; anything else is reported and the command fails.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass, field
from pathlib import Path

from mesoclinic.operations import databases, private_files
from mesoclinic.operations.backup import (
    BackupError,
    Manifest,
    Report,
    run_streaming,
    sha256,
    table_progress,
)
from mesoclinic.operations.databases import Database

_NAMES = {"sqlite": "SQLite", "postgresql": "PostgreSQL"}


@dataclass
class Verification:
    """How the restored database compares with the backup's manifest."""

    tables: int
    rows: int
    # table -> (rows in the manifest, rows restored); None where the table is missing
    mismatched_counts: dict[str, tuple[int | None, int | None]] = field(default_factory=dict)
    missing_triggers: list[str] = field(default_factory=list)
    unexpected_triggers: list[str] = field(default_factory=list)
    migrations_match: bool = True
    files_restored: int = 0
    missing_files: list[str] = field(default_factory=list)
    applied_migrations: list[str] = field(default_factory=list)
    triggers: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return (
            not self.mismatched_counts
            and not self.missing_triggers
            and not self.unexpected_triggers
            and self.migrations_match
            and not self.missing_files
        )

    def problems(self) -> list[str]:
        found = [
            f"table {table}: {_rows(expected)} in the backup, {_rows(actual)} restored"
            for table, (expected, actual) in sorted(self.mismatched_counts.items())
        ]
        found += [f"trigger {name} is missing" for name in self.missing_triggers]
        found += [f"trigger {name} is not in the backup" for name in self.unexpected_triggers]
        if not self.migrations_match:
            found.append("the applied migrations differ from the backup's")
        found += [f"private file {name} was not restored" for name in self.missing_files]
        return found


def _rows(count: int | None) -> str:
    return "no table" if count is None else f"{count} rows"


def restore(folder: Path, database: Database, report: Report) -> Verification:
    """Restore the backup in ``folder`` into ``database`` (which must be empty) and check it."""
    manifest = Manifest.read(folder)
    data = folder / manifest.data_file
    if not data.is_file():
        raise BackupError(f"{data} is missing: the backup is incomplete.")
    if manifest.vendor != database.vendor:
        raise BackupError(
            f"This is a backup of a {_NAMES[manifest.vendor]} database, and the configured "
            f"database is {_NAMES[database.vendor]}: restore it into a {_NAMES[manifest.vendor]} "
            "database (DATABASE_URL)."
        )
    report(f"checking the copy's SHA-256 ({manifest.size_bytes} bytes)")
    if sha256(data) != manifest.sha256:
        raise BackupError(
            f"{data} does not match the SHA-256 in its manifest: the copy is damaged or was "
            "changed. Use another backup."
        )
    empty, count = databases.is_empty(database)
    if not empty:
        raise BackupError(
            f"{database.describe()} is not empty: it has {count} tables. A restore goes only "
            "into an empty database, so that nothing in it is overwritten or mixed with the "
            "backup. Create a new one (PostgreSQL: createdb NAME; SQLite: a new file name in "
            "DATABASE_URL) and restore into it."
        )
    report("checking the backup's private files (photos) and their folders")
    try:
        private_files.check_restorable(folder, manifest.files, sha256)
    except private_files.FileConflict as error:
        raise BackupError(str(error)) from error
    # Files first: a restored row never names a photo that is not there yet.
    written = private_files.copy_in(folder, manifest.files, report)
    if database.vendor == "sqlite":
        _sqlite_restore(data, database, report)
    else:
        _postgres_restore(data, database, report)
    report("comparing the restored database with the manifest")
    verification = verify(database, manifest)
    verification.files_restored = written
    verification.missing_files = private_files.missing_after_restore(manifest.files, sha256)
    return verification


def _sqlite_restore(data: Path, database: Database, report: Report) -> None:
    source = sqlite3.connect(f"{data.resolve().as_uri()}?mode=ro", uri=True)
    Path(database.name).parent.mkdir(parents=True, exist_ok=True)
    destination = sqlite3.connect(database.name, isolation_level=None)
    try:
        pages = source.execute("PRAGMA page_count").fetchone()[0]
        reported = [-1]

        def progress(_status: int, remaining: int, total: int) -> None:
            percent = 100 * (total - remaining) // max(total, 1)
            if percent // 10 > reported[0]:
                reported[0] = percent // 10
                report(f"restored {total - remaining} of {total} pages ({percent} %)")

        report(f"copying {pages} pages into the {database.describe()}")
        source.backup(destination, pages=max(1024, pages // 10), progress=progress, sleep=0)
        # The app runs the database in WAL mode (settings.py); set it now, before any reader.
        destination.execute("PRAGMA journal_mode=WAL")
        report("checking the restored database (PRAGMA integrity_check)")
        check = destination.execute("PRAGMA integrity_check").fetchone()[0]
        if check != "ok":
            raise BackupError(f"The restored database failed SQLite's integrity check: {check}")
    finally:
        source.close()
        destination.close()


def _postgres_restore(data: Path, database: Database, report: Report) -> None:
    pg_restore = databases.tool("pg_restore")
    report(f"running pg_restore into {database.describe()} (one transaction)")
    run_streaming(
        [
            pg_restore,
            "--exit-on-error",
            "--single-transaction",
            # The restoring role owns what it creates; the original owner may not exist here.
            "--no-owner",
            "--no-privileges",
            "--no-password",
            "--verbose",
            f"--dbname={database.name}",
            str(data),
        ],
        database.libpq_env(),
        table_progress(report, "processing data for table"),
    )
    report("updating the planner's statistics (ANALYZE)")
    connection = database.connect()
    try:
        connection.cursor().execute("ANALYZE")
    finally:
        connection.close()


def verify(database: Database, manifest: Manifest) -> Verification:
    """Compare ``database`` with ``manifest``: rows per table, triggers, applied migrations."""
    connection = database.connect()
    try:
        cursor = connection.cursor()
        counts = databases.row_counts(cursor, database.vendor)
        triggers = databases.triggers(cursor, database.vendor)
        migrations = databases.applied_migrations(cursor, database.vendor)
    finally:
        connection.close()
    mismatched: dict[str, tuple[int | None, int | None]] = {
        table: (manifest.tables.get(table), counts.get(table))
        for table in set(manifest.tables) | set(counts)
        if manifest.tables.get(table) != counts.get(table)
    }
    return Verification(
        tables=len(counts),
        rows=sum(counts.values()),
        mismatched_counts=mismatched,
        missing_triggers=sorted(set(manifest.triggers) - set(triggers)),
        unexpected_triggers=sorted(set(triggers) - set(manifest.triggers)),
        migrations_match=migrations == manifest.migrations,
        applied_migrations=migrations,
        triggers=triggers,
    )
