"""Benchmark: FHIR R4 NDJSON export throughput and peak memory at two clinic sizes.

    .venv/bin/python bench/fhir_export_bench.py [--sizes 20000,200000] [--no-postgres]
        [--backends sqlite,postgres] [--runner command|bulk]

For SQLite (a temporary file) and PostgreSQL (a temporary database on the server of
DATABASE_URL, else postgres://postgres@127.0.0.1:5432; skipped with the reason when it cannot
be reached), for each size N:
  1. a fresh process migrates a fresh database and bulk-loads a synthetic clinic of N
     measurements (weights and circumferences with area and side), N/20 patients, N/10 signed
     sessions with one area and two injection lines each, over 200 lots;
  2. another fresh process runs ``fhir.export.export_fhir`` for every resource type into a
     temporary folder (``--runner command``, the default), or a Bulk Data ``$export`` job of a
     registered client through the job runner the server's pool and ``run-due`` use
     (``--runner bulk``: ``fhir.bulk.runner.run``, files in a temporary FHIR_EXPORT_ROOT), and
     prints resources written, seconds, resources/s, and its peak RSS (``ru_maxrss``) beside
     its RSS before the export started.
The export streams, so peak RSS should stay about flat from one size to the next while the
number of resources grows tenfold. No assertion on time or memory.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
import uuid
from decimal import Decimal
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.recall_bench import _load, _rows_for  # noqa: E402  (needs ROOT on the path)
from bench.temp_postgres import temporary_database  # noqa: E402

LOTS = 200
AREAS = (("abdomen", "midline"), ("thigh_outer", "left"), ("thigh_outer", "right"), ("arm", "left"))


def _setup() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mesoclinic.settings")
    import django

    django.setup()


def generate(measurements: int) -> dict[str, Any]:
    """Bulk-load the synthetic clinic; returns the counts."""
    from django.contrib.auth.models import User
    from django.db import connection, transaction

    from mesoclinic.clinics.models import Clinic, Membership
    from mesoclinic.formulary.models import Ingredient, Lot, Product
    from mesoclinic.outcomes.models import Measurement
    from mesoclinic.patients.models import Patient
    from mesoclinic.treatments.models import Injection, SessionArea, TreatmentSession

    patients = max(measurements // 20, 1)
    sessions = max(measurements // 10, 1)
    clinic = Clinic.objects.create(slug="bench", name="Benchmark clinic", mrn_prefix="BN")
    user = User.objects.create(username="prac", first_name="P", last_name="Bench")
    Membership.objects.create(user=user, clinic=clinic, role="practitioner")
    product = Product.objects.create(clinic=clinic, name="PC/DC")
    Ingredient.objects.create(product=product, substance="phosphatidylcholine", mg_per_ml=50)
    lots = Lot.objects.bulk_create(
        Lot(clinic=clinic, product=product, lot_number=f"L{n:05d}", expiry_date=dt.date(2028, 1, 1))
        for n in range(LOTS)
    )
    start = dt.datetime(2022, 1, 1, 9, tzinfo=dt.UTC)
    with transaction.atomic():
        tables: list[tuple[Any, int, Any]] = [
            (
                Patient,
                patients,
                lambda i: {
                    "id": i + 1,
                    "public_id": uuid.uuid4(),
                    "clinic": clinic.pk,
                    "mrn": f"BN{i + 1:07d}",
                    "given_name": "Given",
                    "family_name": f"Family{i}",
                    "sex": "f",
                    "birth_date": dt.date(1980, 1, 1),
                },
            ),
            (
                TreatmentSession,
                sessions,
                lambda i: {
                    "id": i + 1,
                    "public_id": uuid.uuid4(),
                    "clinic": clinic.pk,
                    "patient": i % patients + 1,
                    "performed_at": start + dt.timedelta(minutes=5 * i),
                    "indication": "localized_fat",
                    "practitioner": user.pk,
                },
            ),
            (
                SessionArea,
                sessions,
                lambda i: {
                    "id": i + 1,
                    "session": i + 1,
                    "area": AREAS[i % 4][0],
                    "side": AREAS[i % 4][1],
                },
            ),
            (
                Injection,
                2 * sessions,
                lambda i: {
                    "id": i + 1,
                    "public_id": uuid.uuid4(),
                    "clinic": clinic.pk,
                    "session": i // 2 + 1,
                    "area": AREAS[(i // 2) % 4][0],
                    "side": AREAS[(i // 2) % 4][1],
                    "product": product.pk,
                    "lot": lots[(i * LOTS) // (2 * sessions)].pk,
                    "volume_ml": Decimal("1.500"),
                },
            ),
            (
                Measurement,
                measurements,
                lambda i: {
                    "id": i + 1,
                    "public_id": uuid.uuid4(),
                    "clinic": clinic.pk,
                    "patient": i % patients + 1,
                    "measured_on": dt.date(2022, 1, 1) + dt.timedelta(days=i % 1000),
                    "kind": "weight_kg" if i % 5 == 0 else "circumference_cm",
                    "value": Decimal("70.5") if i % 5 == 0 else Decimal("88.0"),
                    "area": "" if i % 5 == 0 else AREAS[i % 4][0],
                    "side": "" if i % 5 == 0 else AREAS[i % 4][1],
                    "site_role": "" if i % 5 == 0 else "treated",
                },
            ),
        ]
        for model, count, make in tables:
            columns, rows = _rows_for(model, {"id": None}, count, make)
            _load(model._meta.db_table, columns, rows)
        # Signed once its areas and lines are in: the database refuses adding to a signed one.
        with connection.cursor() as cursor:
            cursor.execute(
                f"UPDATE {TreatmentSession._meta.db_table} SET signed_at = performed_at, "
                "signed_by_id = %s, signed_by_name = %s WHERE clinic_id = %s",
                [user.pk, "P Bench", clinic.pk],
            )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return {"patients": patients, "sessions": sessions, "measurements": measurements}


def _rss_mb() -> float:
    # ru_maxrss is in KiB on Linux.
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def child_load(measurements: int) -> None:
    _setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    started = time.perf_counter()
    counts = generate(measurements)
    print(json.dumps({**counts, "load_s": time.perf_counter() - started}))


def child_bulk() -> None:
    """One system-level $export job of every type, run by the bulk job runner."""
    _setup()
    from django.conf import settings
    from django.contrib.auth.models import User
    from django.db import connection

    from mesoclinic.clinics.models import Clinic
    from mesoclinic.fhir.bulk import runner
    from mesoclinic.fhir.export import RESOURCE_TYPES
    from mesoclinic.fhir.models import BackendClient, BulkExportJob

    clinic = Clinic.objects.get(slug="bench")
    client = BackendClient.objects.create(
        clinic=clinic, name="bench", role="admin", jwks={"keys": []},
        created_by=User.objects.get(username="prac"),
    )  # fmt: skip
    job = BulkExportJob.objects.create(
        clinic=clinic, client=client, level="system", request_url="bench",
        types=",".join(RESOURCE_TYPES),
    )  # fmt: skip
    connection.ensure_connection()
    before = _rss_mb()
    with tempfile.TemporaryDirectory(prefix="fhir_bench_bulk_") as folder:
        settings.FHIR_EXPORT_ROOT = folder
        started = time.perf_counter()
        assert runner.run(job.pk)
        seconds = time.perf_counter() - started
        job.refresh_from_db()
        assert job.status == "completed", job.error
        size_mb = sum(p.stat().st_size for p in runner.folder(job).glob("*.ndjson")) / 2**20
    print(
        json.dumps(
            {
                "resources": job.total,
                "observations": job.counts["Observation"],
                "seconds": seconds,
                "ndjson_mb": size_mb,
                "rss_before_mb": before,
                "peak_rss_mb": _rss_mb(),
            }
        )
    )


def child_export() -> None:
    _setup()
    from django.db import connection

    from mesoclinic.clinics.models import Clinic
    from mesoclinic.fhir.export import export_fhir

    clinic = Clinic.objects.get(slug="bench")
    connection.ensure_connection()
    before = _rss_mb()
    with tempfile.TemporaryDirectory(prefix="fhir_bench_") as folder:
        started = time.perf_counter()
        result = export_fhir(folder, clinic)
        seconds = time.perf_counter() - started
        size_mb = sum(p.stat().st_size for p in result.paths) / 2**20
    print(
        json.dumps(
            {
                "resources": result.total,
                "observations": result.counts["Observation"],
                "seconds": seconds,
                "ndjson_mb": size_mb,
                "rss_before_mb": before,
                "peak_rss_mb": _rss_mb(),
            }
        )
    )


def _child(args: list[str], url: str) -> dict[str, Any]:
    env = {**os.environ, "DATABASE_URL": url}
    done = subprocess.run(
        [sys.executable, __file__, *args], env=env, capture_output=True, text=True, check=False
    )
    if done.returncode != 0:
        raise SystemExit(f"child {args} failed:\n{done.stderr[-3000:]}")
    return dict(json.loads(done.stdout.strip().splitlines()[-1]))


def run(backend: str, url: str, size: int, runner: str = "command") -> None:
    loaded = _child(["--child-load", str(size)], url)
    out = _child(["--child-bulk" if runner == "bulk" else "--child-export"], url)
    rate = out["resources"] / out["seconds"]
    print(
        f"{backend:10} {runner:7} {size:>9,} measurements  load {loaded['load_s']:6.1f} s  "
        f"export {out['resources']:>9,} resources in {out['seconds']:7.1f} s = {rate:7,.0f} resources/s  "
        f"NDJSON {out['ndjson_mb']:7.1f} MB  RSS before {out['rss_before_mb']:5.0f} MB, "
        f"peak {out['peak_rss_mb']:5.0f} MB"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="20000,200000", help="measurements per clinic")
    parser.add_argument("--no-postgres", action="store_true")
    parser.add_argument("--backends", default="sqlite,postgres", help="which databases to run")
    parser.add_argument(
        "--runner", choices=("command", "bulk"), default="command",
        help="export-fhir's function, or a Bulk Data $export job through the job runner",
    )  # fmt: skip
    parser.add_argument("--child-bulk", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--child-load", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--child-export", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child_load:
        child_load(args.child_load)
        return
    if args.child_export:
        child_export()
        return
    if args.child_bulk:
        child_bulk()
        return
    backends = set(args.backends.split(","))
    sizes = [int(s) for s in args.sizes.split(",")]
    print(f"FHIR export benchmark, sizes {sizes} measurements; Python {sys.version.split()[0]}")
    if "sqlite" in backends:
        for size in sizes:
            with tempfile.TemporaryDirectory(prefix="fhir_bench_db_") as folder:
                run("SQLite", f"sqlite:///{folder}/bench.sqlite3", size, args.runner)
    if "postgres" in backends and not args.no_postgres:
        for size in sizes:
            with temporary_database("fhir_bench") as url:
                if url is None:
                    break
                run("PostgreSQL", url, size, args.runner)


if __name__ == "__main__":
    main()
