"""Benchmark: recall of one lot among 1,000,000 injection rows, on SQLite and PostgreSQL.

    .venv/bin/python bench/recall_bench.py [--injections N] [--runs R] [--lot-size L]
    .venv/bin/python bench/recall_bench.py --scale 100000,300000,1000000 [--lot-size 500] [--runs R]

For SQLite (a temporary file) and PostgreSQL (a temporary database on the server of
DATABASE_URL, else postgres://postgres@127.0.0.1:5432; skipped with the reason when it cannot
be reached), each in a fresh process on a freshly migrated database:
  1. bulk-loads a synthetic clinic: 100,000 patients, N/3 sessions, N injection lines over
     2,000 lots (SQLite executemany in one transaction, PostgreSQL COPY), then ANALYZE;
  2. runs ``safety.recall.recall`` (the command's path: lot lookup + the one injection
     query + grouping) for one lot R times, with and without a date range, and prints the
     median and the 90th percentile in ms (target: under 50 ms);
  3. prints the query plan of the injection query (EXPLAIN QUERY PLAN / EXPLAIN), which shows
     whether the (clinic, lot) index ``injection_clinic_lot`` is used.
One line in CORRECTED_EVERY has been corrected to the next lot (a replacing line and its
amendment), so the plan and timings include the "lines in effect" anti-join.
With ``--scale``, the same recall at each N with every lot the same size (``--lot-size``
lines, default 500), so that the answer does not grow with the table: the printed growth
exponent of the time in N is then the index's (near 0 for an index lookup, near 1 for a scan).
No assertion on time.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import json
import math
import os
import random
import re
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from decimal import Decimal
from pathlib import Path
from typing import Any, cast

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.temp_postgres import temporary_database  # noqa: E402  (needs ROOT on the path)

PATIENTS = 100_000
LOTS = 2_000
LINES_PER_SESSION = 3
CORRECTED_EVERY = 100  # one line in 100 moved to another lot by an amendment


def _rows_for(
    model: Any, overrides: dict[str, Any], count: int, make: Any
) -> tuple[list[str], Any]:
    """Column names and a generator of rows: the model's defaults, with ``make(i)`` values."""
    fields = [f for f in model._meta.concrete_fields if not f.primary_key or f.name in overrides]
    columns = [f.column for f in fields]
    base = []
    for f in fields:
        value = f.get_default()
        if f.get_internal_type() == "JSONField":
            value = "{}"
        elif f.get_internal_type() == "DateTimeField" and value is None and not f.null:
            value = dt.datetime(2025, 1, 1, tzinfo=dt.UTC)
        base.append(value)
    index = {f.name: n for n, f in enumerate(fields)}

    def rows() -> Any:
        for i in range(count):
            row = list(base)
            for name, value in make(i).items():
                row[index[name]] = value
            yield row

    return columns, rows()


def _load(table: str, columns: list[str], rows: Any) -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cols = ", ".join(columns)
            with cursor.cursor.copy(f"COPY {table} ({cols}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
        else:
            marks = ", ".join("?" * len(columns))
            # A generator: the million rows are never all in memory at once.
            converted = (
                [str(v) if isinstance(v, uuid.UUID | Decimal) else v for v in row] for row in rows
            )
            cursor.executemany(
                f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks})",
                cast(Any, converted),
            )


def _load_corrections(
    injections: int,
    lines_per_session: int,
    lot_ids: list[int],
    clinic: Any,
    author: Any,
    product_id: int,
) -> int:
    """Every CORRECTED_EVERY-th line replaced by a correction naming the next lot."""
    from django.contrib.contenttypes.models import ContentType

    from mesoclinic.records.models import Amendment
    from mesoclinic.treatments.models import Injection, TreatmentSession

    count = injections // CORRECTED_EVERY
    session_type = ContentType.objects.get_for_model(TreatmentSession).pk
    columns, rows = _rows_for(
        Amendment,
        {"id": None},
        count,
        lambda k: {
            "id": k + 1,
            "public_id": uuid.uuid4(),
            "clinic": clinic.pk,
            "content_type": session_type,
            "object_id": (k * CORRECTED_EVERY) // lines_per_session + 1,
            "author": author.pk,
            "author_name": "P 0",
            "reason": "wrong lot",
        },
    )
    _load(Amendment._meta.db_table, columns, rows)

    columns, rows = _rows_for(
        Injection,
        {"id": None},
        count,
        lambda k: {
            "id": injections + k + 1,
            "public_id": uuid.uuid4(),
            "clinic": clinic.pk,
            "session": (k * CORRECTED_EVERY) // lines_per_session + 1,
            "area": "abdomen",
            "side": "midline",
            "product": product_id,
            # The lot after the one the replaced line named.
            "lot": lot_ids[
                min((k * CORRECTED_EVERY * len(lot_ids)) // injections + 1, len(lot_ids) - 1)
            ],
            "volume_ml": Decimal("1.500"),
            "replaces": k * CORRECTED_EVERY + 1,
            "amendment": k + 1,
        },
    )
    _load(Injection._meta.db_table, columns, rows)
    return count


def generate(
    injections: int, lines_per_session: int = LINES_PER_SESSION, lot_count: int = LOTS
) -> dict[str, Any]:
    """Bulk-load the synthetic clinic (``lot_count`` lots, each used by an equal run of
    consecutive lines); returns counts and the seconds taken."""
    from django.contrib.auth.models import User
    from django.db import connection, transaction

    from mesoclinic.clinics.models import Clinic
    from mesoclinic.formulary.models import Lot, Product
    from mesoclinic.patients.models import Patient
    from mesoclinic.records.models import Amendment
    from mesoclinic.treatments.models import Injection, TreatmentSession

    rng = random.Random(7)
    started = time.perf_counter()
    clinic = Clinic.objects.create(slug="bench", name="Benchmark clinic", mrn_prefix="BN")
    staff = [
        User.objects.create(username=f"prac{n}", first_name="P", last_name=str(n)) for n in range(8)
    ]
    products = [Product.objects.create(clinic=clinic, name=f"Product {n}") for n in range(10)]
    lots = Lot.objects.bulk_create(
        Lot(
            clinic=clinic,
            product=products[n % 10],
            lot_number=f"L{n:05d}",
            expiry_date=dt.date(2027, 1, 1),
            remaining_ml=Decimal(1000),
        )
        for n in range(lot_count)
    )
    lot_ids = [lot.pk for lot in lots]
    sessions = -(-injections // lines_per_session)  # every line has its session
    start = dt.datetime(2022, 1, 1, 9, tzinfo=dt.UTC)
    from mesoclinic.records.immutability import suspended

    # Signed sessions are loaded before their lines, which the immutability triggers refuse
    # (no line is added to a signed session): the synthetic history is loaded without them.
    with transaction.atomic(), suspended(connection):
        columns, rows = _rows_for(
            Patient,
            {"id": None},
            PATIENTS,
            lambda i: {
                "id": i + 1,
                "public_id": uuid.uuid4(),
                "clinic": clinic.pk,
                "mrn": f"BN{i + 1:07d}",
                "given_name": "Given",
                "family_name": f"Family{i}",
            },
        )
        _load(Patient._meta.db_table, columns, rows)
        columns, rows = _rows_for(
            TreatmentSession,
            {"id": None},
            sessions,
            lambda i: {
                "id": i + 1,
                "public_id": uuid.uuid4(),
                "clinic": clinic.pk,
                "patient": rng.randrange(PATIENTS) + 1,
                "performed_at": start + dt.timedelta(minutes=5 * i),
                "indication": "localized_fat",
                "practitioner": staff[i % len(staff)].pk,
                "signed_at": start + dt.timedelta(minutes=5 * i + 30),
            },
        )
        _load(TreatmentSession._meta.db_table, columns, rows)
        columns, rows = _rows_for(
            Injection,
            {"id": None},
            injections,
            lambda i: {
                "id": i + 1,
                "public_id": uuid.uuid4(),
                "clinic": clinic.pk,
                "session": i // lines_per_session + 1,
                "area": "abdomen",
                "side": "midline",
                "product": products[0].pk,
                # Lots are used in runs of consecutive sessions, as a clinic would.
                "lot": lot_ids[(i * lot_count) // injections],
                "volume_ml": Decimal("1.500"),
            },
        )
        _load(Injection._meta.db_table, columns, rows)
        corrected = _load_corrections(
            injections, lines_per_session, lot_ids, clinic, staff[0], products[0].pk
        )
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            for model in (Patient, TreatmentSession, Injection, Amendment):
                cursor.execute(
                    f"SELECT setval(pg_get_serial_sequence('{model._meta.db_table}', 'id'), (SELECT max(id) FROM {model._meta.db_table}))"
                )
        cursor.execute("ANALYZE")
    return {
        "clinic": clinic.pk,
        "lot": lots[lot_count // 2].lot_number,
        "lot_ids": lot_ids,
        "staff": [u.pk for u in staff],
        "patients": PATIENTS,
        "sessions": sessions,
        "injections": injections,
        "corrected": corrected,
        "load_s": time.perf_counter() - started,
    }


def child(injections: int, runs: int, lot_size: int, reuse: bool = False) -> None:
    """Times the recall on the database of DATABASE_URL: loaded first, unless ``reuse`` (a
    database this child loaded before with the same sizes)."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mesoclinic.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from mesoclinic.clinics.models import Clinic
    from mesoclinic.formulary.models import Lot
    from mesoclinic.safety.recall import exposure_rows, recall

    lot_count = injections // lot_size if lot_size else LOTS
    if reuse:
        clinic = Clinic.objects.get(slug="bench")
        info: dict[str, Any] = {"clinic": clinic.pk, "lot": f"L{lot_count // 2:05d}"}
    else:
        call_command("migrate", verbosity=0)
        info = generate(injections, lot_count=lot_count)
        info.pop("lot_ids")
        info.pop("staff")
    clinic = Clinic.objects.get(pk=info["clinic"])
    lots = Lot.objects.for_clinic(clinic)
    number = info["lot"]
    timings: dict[str, list[float]] = {}
    found = recall(clinic, lots, number)
    days = sorted(s.day for p in found.patients for s in p.sessions)
    middle = days[len(days) // 2]
    cases = {
        "whole history": (None, None),
        "with --from/--to (first to median day)": (days[0], middle),
    }
    patients = {}
    for label, (start, end) in cases.items():
        times = []
        for _ in range(runs):
            began = time.perf_counter()
            result = recall(clinic, lots, number, start, end)
            times.append((time.perf_counter() - began) * 1000)
        timings[label] = times
        patients[label] = (len(result.patients), result.session_count)
    lot_ids = list(lots.filter(lot_number=number).values_list("pk", flat=True))
    plan = exposure_rows(clinic, lot_ids, days[0], middle, False).explain()
    version = (
        connection.Database.sqlite_version  # type: ignore[attr-defined]
        if connection.vendor == "sqlite"
        else str(connection.pg_version)  # type: ignore[attr-defined]
    )
    print(
        json.dumps(
            {
                "vendor": connection.vendor,
                "version": version,
                "info": info,
                "timings": timings,
                "patients": patients,
                "plan": plan,
            },
            default=str,
        )
    )


def _run_child(
    url: str, injections: int, runs: int, lot_size: int = 0, reuse: bool = False
) -> dict[str, Any]:
    env = {**os.environ, "DATABASE_URL": url}
    command = [sys.executable, __file__, "--child", "--injections", str(injections)]
    done = subprocess.run(
        [*command, "--runs", str(runs), "--lot-size", str(lot_size), *(["--reuse"] * reuse)],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        raise RuntimeError(done.stderr.strip()[-2000:])
    return dict(json.loads(done.stdout.strip().splitlines()[-1]))


def _report(label: str, result: dict[str, Any]) -> None:
    info = result["info"]
    print(f"\n{label} {result['version']}")
    print(
        f"  loaded {info['patients']:,} patients, {info['sessions']:,} sessions, "
        f"{info['injections']:,} injection rows (+{info['corrected']:,} corrections) in "
        f"{info['load_s']:.1f} s; recalled lot {info['lot']}"
    )
    for case, times in result["timings"].items():
        ordered = sorted(times)
        p90 = ordered[max(0, int(len(ordered) * 0.9) - 1)]
        count, sessions = result["patients"][case]
        print(
            f"  {case:34} median {statistics.median(times):7.2f} ms  p90 {p90:7.2f} ms  "
            f"({len(times)} runs; {count} patients, {sessions} sessions)"
        )
    print("  query plan of the injection query:")
    for line in str(result["plan"]).splitlines():
        print(f"    {line}")


def scale(sizes: list[int], runs: int, lot_size: int, rounds: int = 3) -> None:
    """Recall of one lot of ``lot_size`` lines among growing N, on each database: with the
    answer's size fixed, the time's growth in N is the index's (an index lookup grows like
    log N, an exponent near 0; a scan of the table would show an exponent near 1). Every size
    is loaded first, each in its own database; then the sizes are timed in turn, ``rounds``
    times, so that a change in the machine's load falls on all of them alike."""
    with contextlib.ExitStack() as stack:
        tmp = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="mesoclinic-recall-")))
        databases: dict[str, dict[int, str]] = {"SQLite": {}, "PostgreSQL": {}}
        for n in sizes:
            databases["SQLite"][n] = f"sqlite:///{tmp / f'scale-{n}.sqlite3'}"
            url = stack.enter_context(temporary_database(f"mesoclinic_recall_{n}"))
            if url is not None:
                databases["PostgreSQL"][n] = url
        timings: dict[tuple[str, int], list[float]] = {}
        plans: dict[tuple[str, int], str] = {}
        found: dict[tuple[str, int], tuple[int, int]] = {}
        for label, urls in databases.items():
            for n, url in urls.items():
                print(f"loading {label} N = {n:,} …", flush=True)
                result = _run_child(url, n, 1, lot_size)
                plans[label, n] = str(result["plan"])
                timings[label, n] = []
        for _ in range(rounds):
            for label, urls in databases.items():
                for n, url in urls.items():
                    result = _run_child(url, n, runs, lot_size, reuse=True)
                    timings[label, n] += result["timings"]["whole history"]
                    found[label, n] = result["patients"]["whole history"]
        for label, urls in databases.items():
            if not urls:
                continue
            medians = [statistics.median(timings[label, n]) for n in urls]
            for n, median in zip(urls, medians, strict=True):
                # A whole-table read of the injection lines would show here (either database).
                scanned = re.search(
                    r"Seq Scan on treatments_injection\b|SCAN treatments_injection(?! USING)",
                    plans[label, n],
                )
                count, sessions = found[label, n]
                print(
                    f"{label:<11} N = {n:>9,}  lot of {lot_size} lines  recall median "
                    f"{median:7.2f} ms ({len(timings[label, n])} runs; {count} patients, "
                    f"{sessions} sessions; injection lines found by an index: "
                    f"{'NO, a table scan' if scanned else 'yes'})"
                )
            first, last = list(urls)[0], list(urls)[-1]
            exponent = math.log(medians[-1] / medians[0]) / math.log(last / first)
            print(
                f"{label:<11} time ∝ N^{exponent:.2f} from N = {first:,} to {last:,}"
                f" (×{last / first:.0f} rows, ×{medians[-1] / medians[0]:.2f} time)"
            )


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--injections", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument(
        "--lot-size",
        type=int,
        default=0,
        help=f"lines per lot (0: {LOTS:,} lots, so a lot grows with N)",
    )
    parser.add_argument(
        "--scale",
        help="comma-separated N (e.g. 100000,300000,1000000): recall at each N with the lot "
        "size fixed (--lot-size, default 500), and the growth exponent of the time in N",
    )
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--reuse", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.injections, args.runs, args.lot_size, args.reuse)
        return
    if args.scale:
        scale([int(n) for n in args.scale.split(",")], args.runs, args.lot_size or 500)
        return
    with tempfile.TemporaryDirectory(prefix="mesoclinic-recall-") as tmp:
        sqlite_url = f"sqlite:///{Path(tmp) / 'bench.sqlite3'}"
        _report("SQLite", _run_child(sqlite_url, args.injections, args.runs))
    with temporary_database("mesoclinic_recall_bench") as url:
        if url is not None:
            _report("PostgreSQL", _run_child(url, args.injections, args.runs))


if __name__ == "__main__":
    main()
