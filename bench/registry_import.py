"""Benchmark: import-registry of a ~100,000-row bundle vs a fair bulk load of the same rows.

    .venv/bin/python bench/registry_import.py [--patients N] [--seed S] [--runs R]

Generates a valid synthetic bundle (mesoclinic.registry.synthetic; ~12 rows per patient:
the mix is printed). Then, for SQLite (a temporary file) and PostgreSQL (a temporary
database on the server of DATABASE_URL, else postgres://postgres@127.0.0.1:5432), it
migrates one empty database and, R times, alternating which goes first, runs each of these
in a fresh process on a fresh copy of it (SQLite: a copy of the file; PostgreSQL:
``CREATE DATABASE … TEMPLATE``):
  import   ``import_registry`` (read, validate every cell and reference, compare with the
           clinic, plan, write in one transaction, audit): the command's path without the
           console; then the same import again (nothing changes: the idempotence check).
  bulk     the baseline: the very rows that import writes, into the same tables (same
           indexes, constraints, foreign keys and triggers), with the database's own bulk
           path in one transaction: one ``executemany`` per table on SQLite, ``COPY … FROM
           STDIN`` per table on PostgreSQL. Everything else is done before its clock starts:
           the bundle read and planned, the keys allocated, and every value converted by
           Django's own ``Field.get_db_prep_save``, so it times the inserts alone. The
           primary key is given where the import gives it (rows other rows refer to) and
           left to the database's sequence where the import leaves it.
Prints every run, the medians, and the import's speed as a share of the bulk load's.
No assertion on time.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.temp_postgres import temporary_database  # noqa: E402  (needs ROOT on the path)

Tables = list[tuple[Any, list[str], list[tuple[Any, ...]]]]


def bundle_rows(folder: Path) -> dict[str, int]:
    counts = {}
    for path in sorted(folder.glob("*.csv")):
        with path.open(newline="", encoding="utf-8") as fh:
            counts[path.name] = sum(1 for _ in csv.reader(fh)) - 1
    return counts


def _setup() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mesoclinic.settings")
    import django

    django.setup()


def _clinic() -> Any:
    from mesoclinic.clinics.models import Clinic

    return Clinic.objects.create(slug="bench", name="Benchmark clinic")


def _planned_tables(folder: Path, clinic: Any) -> Tables:
    """The rows the import would write, each converted for the driver by Django's fields.

    The writer is run with its inserts captured instead of executed (in a transaction
    that is rolled back), which gives the tables, the columns and the values; the columns it
    leaves to their defaults are filled here, and every value goes through the field's own
    ``get_db_prep_save``, so nothing of the import's conversion code is reused.
    """
    from django.db import connection, transaction
    from django.utils import timezone

    from mesoclinic.registry import import_writer
    from mesoclinic.registry.bundle_reader import read_bundle
    from mesoclinic.registry.exporter import clinic_rows
    from mesoclinic.registry.importer import plan_import

    captured: Tables = []

    def capture(model: Any, columns: Sequence[str], rows: Sequence[Any], **_: Any) -> int:
        captured.append((model, list(columns), list(rows)))
        return len(rows)

    read = read_bundle(folder, today=clinic.today())
    plan = plan_import(read.bundle, clinic_rows(clinic), clinic.zone)
    writer = vars(import_writer)  # the writer's own name for the insert, swapped for a while
    real_insert = writer["insert_rows"]
    writer["insert_rows"] = capture
    try:
        with transaction.atomic():
            import_writer.write_plan(plan, clinic, lambda message: None)
            transaction.set_rollback(True)
    finally:
        writer["insert_rows"] = real_insert
    now = timezone.now()
    tables: Tables = []
    for model, columns, rows in captured:
        # A key the writer leaves to the database (rows nothing refers to) is left to it
        # here too: the same statement shape, the same numbering work for the database.
        fields = [
            f
            for f in model._meta.concrete_fields
            if f.attname in columns or f is not model._meta.pk
        ]
        names = [f.column for f in fields]
        index = {attname: i for i, attname in enumerate(columns)}
        prepared = []
        for row in rows:
            values = []
            for field in fields:
                if field.attname in index:
                    value = row[index[field.attname]]
                elif getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
                    value = now
                else:
                    value = field.get_default()
                values.append(field.get_db_prep_save(value, connection))
            prepared.append(tuple(values))
        tables.append((model, names, prepared))
    return tables


def _bulk_load(tables: Tables) -> None:
    """Insert the prepared rows with the database's own bulk path, in one transaction."""
    from django.db import connection, transaction

    with transaction.atomic(), connection.cursor() as cursor:
        raw = cursor.cursor  # the driver's cursor under Django's wrapper
        for model, names, rows in tables:
            table = model._meta.db_table
            if connection.vendor == "postgresql":
                with raw.copy(f'COPY "{table}" ({", ".join(names)}) FROM STDIN') as copy:
                    for row in rows:
                        copy.write_row(row)
            else:
                marks = ", ".join("?" * len(names))
                raw.executemany(
                    f'INSERT INTO "{table}" ({", ".join(names)}) VALUES ({marks})', rows
                )


def child(mode: str, folder: Path) -> None:
    """One measurement in a fresh process, on the fresh database DATABASE_URL names."""
    _setup()
    from django.core.management import call_command
    from django.db import connection

    if mode == "migrate":
        call_command("migrate", verbosity=0)
        connection.close()  # SQLite: folds the WAL into the file, which is then copied
        print(json.dumps({}))
        return
    clinic = _clinic()
    result: dict[str, Any] = {"vendor": connection.vendor}
    if mode == "bulk":
        tables = _planned_tables(folder, clinic)
        started, cpu = time.perf_counter(), time.process_time()
        _bulk_load(tables)
        result["bulk_s"] = time.perf_counter() - started
        result["bulk_cpu_s"] = time.process_time() - cpu
    else:
        from mesoclinic.registry.services import import_registry

        phases: list[tuple[float, str]] = []
        started, cpu = time.perf_counter(), time.process_time()

        def progress(message: str) -> None:
            phases.append((time.perf_counter() - started, message))

        first = import_registry(folder, clinic, progress=progress)
        result["import_s"] = time.perf_counter() - started
        result["import_cpu_s"] = time.process_time() - cpu
        started_again = time.perf_counter()
        second = import_registry(folder, clinic)
        result["reimport_s"] = time.perf_counter() - started_again
        result["summary"] = first.summary
        result["second"] = second.summary
        result["phases"] = [(round(at, 2), message) for at, message in phases]
    if connection.vendor == "sqlite":
        result["version"] = connection.Database.sqlite_version  # type: ignore[attr-defined]
    else:
        result["version"] = str(connection.pg_version)  # type: ignore[attr-defined]
    print(json.dumps(result))


def _run_child(mode: str, folder: Path, url: str) -> dict[str, Any]:
    env = {**os.environ, "DATABASE_URL": url}
    done = subprocess.run(
        [sys.executable, __file__, "--child", mode, str(folder)],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        raise RuntimeError(done.stderr.strip() if done.stderr else "failed")
    return dict(json.loads(done.stdout.strip().splitlines()[-1]))


@contextmanager
def _pg_copy(template_url: str, n: int) -> Any:
    import psycopg

    parts = urlsplit(template_url)
    admin = urlunsplit(parts._replace(path="/postgres"))
    template = parts.path.lstrip("/")
    name = f"{template}_run{n}"
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}" TEMPLATE "{template}"')
    try:
        yield urlunsplit(parts._replace(path=f"/{name}"))
    finally:
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}"')


def _measure(
    label: str, folder: Path, runs: int, fresh: Callable[[int], Any]
) -> tuple[float, float, dict[str, Any]]:
    """Alternate import and bulk runs, each on a fresh copy; the medians and the last import."""
    times: dict[str, list[float]] = {"import": [], "bulk": [], "import_cpu": [], "bulk_cpu": []}
    last: dict[str, Any] = {}
    n = 0
    for run in range(runs):
        order = ("import", "bulk") if run % 2 == 0 else ("bulk", "import")
        for mode in order:
            n += 1
            with fresh(n) as url:
                result = _run_child(mode, folder, url)
            times[mode].append(float(result[f"{mode}_s"]))
            times[f"{mode}_cpu"].append(float(result[f"{mode}_cpu_s"]))
            if mode == "import":
                last = result
        print(
            f"  {label} run {run + 1}: import {times['import'][-1]:6.2f} s "
            f"(CPU {times['import_cpu'][-1]:5.2f}), bulk {times['bulk'][-1]:6.2f} s "
            f"(CPU {times['bulk_cpu'][-1]:5.2f}), load {os.getloadavg()[0]:.1f}",
            flush=True,
        )
    medians = {mode: statistics.median(values) for mode, values in times.items()}
    last["cpu"] = (medians["import_cpu"], medians["bulk_cpu"])
    return medians["import"], medians["bulk"], last


def _report(label: str, rows: int, import_s: float, bulk_s: float, last: dict[str, Any]) -> None:
    print(f"\n{label} {last['version']} (medians; phases of the last import run)")
    for at, message in last["phases"]:
        print(f"    {at:7.2f}s  {message}")
    print(f"  {last['summary']}")
    print(
        f"  import-registry (read, check, plan, write, audit) {import_s:7.2f} s {rows / import_s:9,.0f} rows/s"
    )
    print(f"  re-import, nothing changed (last run)            {last['reimport_s']:7.2f} s")
    print(
        f"  bulk load of the same rows into the same tables  {bulk_s:7.2f} s {rows / bulk_s:9,.0f} rows/s"
    )
    print(
        f"  import-registry runs at {100 * bulk_s / import_s:.1f} % of bulk speed "
        f"({import_s / bulk_s:.1f}x the bulk load's time)"
    )
    # This process's CPU: on SQLite the database's work too, on PostgreSQL the client's only.
    import_cpu, bulk_cpu = last["cpu"]
    print(
        f"  CPU of the benchmark process (medians): import {import_cpu:.2f} s, bulk "
        f"{bulk_cpu:.2f} s: {100 * bulk_cpu / import_cpu:.1f} % (less sensitive to load)"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--patients", type=int, default=8500, help="~12 bundle rows each")
    parser.add_argument("--seed", type=int, default=2024)
    parser.add_argument("--runs", type=int, default=3, help="runs of each, alternating")
    parser.add_argument("--child", nargs=2, help=argparse.SUPPRESS)
    parser.add_argument("--only", choices=("sqlite", "postgresql"), help="one database only")
    args = parser.parse_args()
    if args.child:
        child(args.child[0], Path(args.child[1]))
        return
    from mesoclinic.registry.bundle_writer import write_bundle
    from mesoclinic.registry.synthetic import generate_bundle

    print(f"load average at start: {os.getloadavg()[0]:.2f} ({os.cpu_count()} cores)")
    with tempfile.TemporaryDirectory(prefix="mesoclinic-bench-") as tmp:
        folder = Path(tmp) / "bundle"
        write_bundle(generate_bundle(seed=args.seed, patients=args.patients), folder)
        counts = bundle_rows(folder)
        rows = sum(counts.values())
        size_mb = sum(p.stat().st_size for p in folder.iterdir()) / 1e6
        print(f"bundle: {rows:,} rows, {size_mb:.1f} MB (seed {args.seed})")
        for name, count in counts.items():
            print(f"  {name:20} {count:8,} rows")
        if args.only != "postgresql":
            template = Path(tmp) / "template.sqlite3"
            _run_child("migrate", folder, f"sqlite:///{template}")

            @contextmanager
            def sqlite_copy(n: int) -> Any:
                path = Path(tmp) / f"run{n}.sqlite3"
                shutil.copyfile(template, path)
                try:
                    yield f"sqlite:///{path}"
                finally:
                    for extra in ("", "-wal", "-shm"):
                        Path(f"{path}{extra}").unlink(missing_ok=True)

            _report("SQLite", rows, *_measure("SQLite", folder, args.runs, sqlite_copy))
        if args.only != "sqlite":
            with temporary_database("mesoclinic_bench") as url:
                if url is not None:
                    _run_child("migrate", folder, url)
                    measured = _measure("PostgreSQL", folder, args.runs, lambda n: _pg_copy(url, n))
                    _report("PostgreSQL", rows, *measured)
        print(f"load average at end: {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
