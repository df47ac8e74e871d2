"""Benchmark: import-registry of a ~100,000-row bundle vs the database's own bulk load.

    .venv/bin/python bench/registry_import.py [--patients N] [--seed S]

Generates a valid synthetic bundle (mesoclinic.registry.synthetic; ~12 rows per patient:
the mix is printed), then for SQLite (a temporary database file) and PostgreSQL (a
temporary database on the server of DATABASE_URL, else postgres://postgres@127.0.0.1:5432)
runs, each in a fresh process on a freshly migrated database:
  1. ``import_registry`` (read, validate every cell and reference, plan, bulk_create in one
     transaction, audit) — the whole command path without the console;
  2. the same import again (nothing changes: the idempotence check's cost);
  3. the database's own bulk load of the same CSV files into plain tables with the same
     columns: SQLite ``executemany`` in one transaction (what the sqlite3 CLI's .import
     does), PostgreSQL ``COPY … FROM STDIN (FORMAT csv)``.
Prints the measured times, rows/s and the ratio. No assertion on time.
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.temp_postgres import temporary_database  # noqa: E402  (needs ROOT on the path)

# Plain tables for the baseline: the bundle's columns, typed as the database would hold them.
BASELINE_TYPES = {
    "id": "TEXT",
    "code": "TEXT",
    "text": "TEXT",
    "currency": "TEXT",
    "integer": "INTEGER",
    "decimal": "NUMERIC",
    "date": "DATE",
    "boolean": "BOOLEAN",
}


def bundle_rows(folder: Path) -> dict[str, int]:
    counts = {}
    for path in sorted(folder.glob("*.csv")):
        with path.open(newline="", encoding="utf-8") as fh:
            counts[path.name] = sum(1 for _ in csv.reader(fh)) - 1
    return counts


def _baseline_tables(vendor: str) -> list[tuple[str, str, list[str]]]:
    from mesoclinic.registry.bundle_format import FILES

    tables = []
    for name, spec in FILES.items():
        table = "bench_" + name.removesuffix(".csv")
        columns = [f"{c.name} {BASELINE_TYPES[c.kind.value]}" for c in spec.columns]
        if name == "patients.csv":
            columns.append("x_note TEXT")
        if name == "adverse_events.csv":
            columns.append("x_narrative TEXT")
        tables.append((name, table, columns))
    return tables


def _bulk_load(folder: Path) -> float:
    """Load the CSV files into plain tables with the database's own bulk path; seconds."""
    from django.db import connection, transaction

    tables = _baseline_tables(connection.vendor)
    with connection.cursor() as cursor:
        for _, table, columns in tables:
            cursor.execute(f"DROP TABLE IF EXISTS {table}")
            cursor.execute(f"CREATE TABLE {table} ({', '.join(columns)})")
    started = time.perf_counter()
    with transaction.atomic(), connection.cursor() as cursor:
        for name, table, columns in tables:
            data = (folder / name).read_bytes()
            if connection.vendor == "postgresql":
                raw = cursor.cursor  # the psycopg cursor under Django's wrapper
                sql = f"COPY {table} FROM STDIN WITH (FORMAT csv, HEADER true)"
                with raw.copy(sql) as copy:
                    copy.write(data)
            else:
                reader = csv.reader(io.StringIO(data.decode("utf-8"), newline=""))
                next(reader)
                marks = ", ".join("?" * len(columns))
                rows = [[cell if cell != "" else None for cell in row] for row in reader]
                cursor.executemany(f"INSERT INTO {table} VALUES ({marks})", rows)
    return time.perf_counter() - started


def child(folder: Path) -> None:
    """Run in a fresh process whose DATABASE_URL names an empty database."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mesoclinic.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from mesoclinic.clinics.models import Clinic
    from mesoclinic.registry.services import import_registry

    call_command("migrate", verbosity=0)
    clinic = Clinic.objects.create(slug="bench", name="Benchmark clinic")
    phases: list[tuple[float, str]] = []
    started = time.perf_counter()

    def progress(message: str) -> None:
        phases.append((time.perf_counter() - started, message))

    first = import_registry(folder, clinic, progress=progress)
    import_s = time.perf_counter() - started
    started_again = time.perf_counter()
    second = import_registry(folder, clinic)
    reimport_s = time.perf_counter() - started_again
    bulk_s = _bulk_load(folder)
    result = {
        "vendor": connection.vendor,
        "version": getattr(connection.Database, "sqlite_version", "")  # type: ignore[attr-defined]
        if connection.vendor == "sqlite"
        else str(getattr(connection, "pg_version", "")),
        "import_s": import_s,
        "reimport_s": reimport_s,
        "bulk_s": bulk_s,
        "summary": first.summary,
        "second": second.summary,
        "phases": [(round(at, 2), message) for at, message in phases],
    }
    print(json.dumps(result))


def _run_child(folder: Path, url: str) -> dict[str, object]:
    env = {**os.environ, "DATABASE_URL": url}
    done = subprocess.run(
        [sys.executable, __file__, "--child", str(folder)],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        raise RuntimeError(done.stderr.strip().splitlines()[-1] if done.stderr else "failed")
    return dict(json.loads(done.stdout.strip().splitlines()[-1]))


def _report(label: str, rows: int, result: dict[str, object]) -> None:
    import_s = float(str(result["import_s"]))
    reimport_s = float(str(result["reimport_s"]))
    bulk_s = float(str(result["bulk_s"]))
    print(f"\n{label} {result['version']}")
    for at, message in result["phases"]:  # type: ignore[attr-defined]
        print(f"    {at:7.2f}s  {message}")
    print(f"  {result['summary']}")
    print(
        f"  import-registry (validate + write, 1 transaction) {import_s:8.2f} s {rows / import_s:10,.0f} rows/s"
    )
    print(
        f"  re-import, nothing changed                        {reimport_s:8.2f} s {rows / reimport_s:10,.0f} rows/s"
    )
    print(
        f"  database bulk load of the same CSV rows           {bulk_s:8.2f} s {rows / bulk_s:10,.0f} rows/s"
    )
    print(f"  ratio: import-registry takes {import_s / bulk_s:.1f}x the bulk load's time")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--patients", type=int, default=8500, help="~12 bundle rows each")
    parser.add_argument("--seed", type=int, default=2024)
    parser.add_argument("--child", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.child)
        return
    from mesoclinic.registry.bundle_writer import write_bundle
    from mesoclinic.registry.synthetic import generate_bundle

    with tempfile.TemporaryDirectory(prefix="mesoclinic-bench-") as tmp:
        folder = Path(tmp) / "bundle"
        write_bundle(generate_bundle(seed=args.seed, patients=args.patients), folder)
        counts = bundle_rows(folder)
        rows = sum(counts.values())
        size_mb = sum(p.stat().st_size for p in folder.iterdir()) / 1e6
        print(f"bundle: {rows:,} rows, {size_mb:.1f} MB (seed {args.seed})")
        for name, count in counts.items():
            print(f"  {name:20} {count:8,} rows")
        sqlite_url = f"sqlite:///{Path(tmp) / 'bench.sqlite3'}"
        _report("SQLite", rows, _run_child(folder, sqlite_url))
        with temporary_database("mesoclinic_bench") as url:
            if url is not None:
                _report("PostgreSQL", rows, _run_child(folder, url))


if __name__ == "__main__":
    main()
