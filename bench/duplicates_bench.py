"""Benchmark: the possible-duplicate check at registration, among 100,000 patients of one clinic.

    .venv/bin/python bench/duplicates_bench.py [--patients N] [--runs R]

For SQLite (a temporary file) and PostgreSQL (a temporary database on the server of
DATABASE_URL, else postgres://postgres@127.0.0.1:5432; skipped with the reason when it cannot
be reached), each in a fresh process on a freshly migrated database:
  1. bulk-loads two clinics: N patients in the measured one and N/5 in another, with birth
     dates spread over 65 years, an email and a phone each, then ANALYZE;
  2. runs ``patients.duplicates.find_possible_duplicates`` R times for a registration that
     shares a birth date, an email (typed in capitals) and a phone (typed in the
     national format, stored in the international one) with existing patients, and prints
     the median and the 90th percentile in ms;
  3. prints the query plan of the candidate query, which shows whether the indexes
     ``patient_clinic_birth``, ``patient_clinic_email`` and ``patient_clinic_phone`` are used.
No assertion on time.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.recall_bench import _load, _rows_for  # noqa: E402  (needs ROOT on the path)
from bench.temp_postgres import temporary_database  # noqa: E402

FIRST_DAY = dt.date(1940, 1, 1)
DAYS = 65 * 365


def generate(patients: int) -> dict[str, Any]:
    from django.db import connection, transaction

    from mesoclinic.clinics.models import Clinic
    from mesoclinic.patients.models import Patient, phone_key

    rng = random.Random(11)
    started = time.perf_counter()
    measured = Clinic.objects.create(slug="bench", name="Benchmark clinic", mrn_prefix="BN")
    other = Clinic.objects.create(slug="other", name="Other clinic", mrn_prefix="OT")
    counts = {measured.pk: patients, other.pk: patients // 5}
    first_id = 1
    with transaction.atomic():
        for clinic_pk, count in counts.items():
            base = first_id
            columns, rows = _rows_for(
                Patient,
                {"id": None},
                count,
                lambda i, clinic_pk=clinic_pk, base=base: {
                    "id": base + i,
                    "public_id": uuid.uuid4(),
                    "clinic": clinic_pk,
                    "mrn": f"M{clinic_pk}-{i:07d}",
                    "given_name": f"Given{i % 997}",
                    "family_name": f"Family{i}",
                    "birth_date": FIRST_DAY + dt.timedelta(days=rng.randrange(DAYS)),
                    "email": f"person{i}@example.org",
                    "phone": f"+44 7700 {i:06d}",
                    "phone_normalised": phone_key(f"+44 7700 {i:06d}"),
                },
            )
            _load(Patient._meta.db_table, columns, rows)
            first_id += count
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT setval(pg_get_serial_sequence('patients_patient', 'id'), "
                "(SELECT max(id) FROM patients_patient))"
            )
        cursor.execute("ANALYZE")
    return {"clinic": measured.pk, "patients": counts, "load_s": time.perf_counter() - started}


def child(patients: int, runs: int) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mesoclinic.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from mesoclinic.clinics.models import Clinic
    from mesoclinic.patients.duplicates import find_possible_duplicates
    from mesoclinic.patients.models import Patient

    call_command("migrate", verbosity=0)
    info = generate(patients)
    clinic = Clinic.objects.get(pk=info["clinic"])
    existing = Patient.objects.for_clinic(clinic).order_by("pk")[patients // 2]
    email, phone = "PERSON12345@EXAMPLE.ORG", "07700 054321"  # stored as +44 7700 054321
    details = {
        "given_name": existing.given_name,
        "family_name": existing.family_name.upper(),
        "birth_date": existing.birth_date,
        "email": email,
        "phone": phone,
    }
    times, found = [], []
    for _ in range(runs):
        began = time.perf_counter()
        found = find_possible_duplicates(clinic, details)
        times.append((time.perf_counter() - began) * 1000)
    candidates = Patient.objects.sharing_details(
        clinic, birth_date=existing.birth_date, email=email, phone=phone
    )
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
                "times": times,
                "candidates": candidates.count(),
                "found": [d.reasons for d in found],
                "plan": candidates.explain(),
            },
            default=str,
        )
    )


def _run_child(url: str, patients: int, runs: int) -> dict[str, Any]:
    env = {**os.environ, "DATABASE_URL": url}
    done = subprocess.run(
        [sys.executable, __file__, "--child", "--patients", str(patients), "--runs", str(runs)],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        raise RuntimeError(done.stderr.strip()[-2000:])
    return dict(json.loads(done.stdout.strip().splitlines()[-1]))


def _report(label: str, result: dict[str, Any]) -> None:
    info, times = result["info"], sorted(result["times"])
    p90 = times[max(0, int(len(times) * 0.9) - 1)]
    print(f"\n{label} {result['version']}")
    print(f"  loaded {sum(info['patients'].values()):,} patients in {info['load_s']:.1f} s")
    print(
        f"  duplicate check: median {statistics.median(times):6.2f} ms  p90 {p90:6.2f} ms  "
        f"({len(times)} runs; {result['candidates']} candidate rows read, "
        f"{len(result['found'])} possible duplicates: {result['found']})"
    )
    print("  query plan of the candidate query:")
    for line in str(result["plan"]).splitlines():
        print(f"    {line}")


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--patients", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.patients, args.runs)
        return
    with tempfile.TemporaryDirectory(prefix="mesoclinic-duplicates-") as tmp:
        sqlite_url = f"sqlite:///{Path(tmp) / 'bench.sqlite3'}"
        _report("SQLite", _run_child(sqlite_url, args.patients, args.runs))
    with temporary_database("mesoclinic_duplicates_bench") as url:
        if url is not None:
            _report("PostgreSQL", _run_child(url, args.patients, args.runs))


if __name__ == "__main__":
    main()
