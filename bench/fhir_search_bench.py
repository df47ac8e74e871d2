"""Benchmark: FHIR search latency of ``Observation?patient=`` on the demo practice.

    .venv/bin/python bench/fhir_search_bench.py [--patients N] [--requests 300] [--count 50]
        [--database-url postgres://…]

Migrates a temporary SQLite database (or the given one, which must be empty), loads the demo
practices (``load_demo``; Riverside at its default size unless ``--patients``), registers a
practitioner's backend client of Riverside with a token made directly (as the token endpoint
would), then sends ``GET /fhir/R4/Observation?patient=<id>&_count=N`` through Django's test
client for each patient in turn, the whole request cycle included (middleware, token, search,
mapping, per-patient audit, JSON). Prints p50/p95/max in ms and the queries per request (min
and max), then the same for a read by id of an Observation and of a Procedure (a derived id,
found by deriving each candidate's). No assertion on time.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def _percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(share * (len(ordered) - 1))))]


def _timed(client: Any, token: str, urls: list[str]) -> tuple[list[float], list[int]]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    times, queries = [], []
    for url in urls:
        with CaptureQueriesContext(connection) as captured:
            start = time.perf_counter()
            response = client.get(url, HTTP_AUTHORIZATION=f"Bearer {token}")
            times.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200, (url, response.status_code, response.content[:200])
        queries.append(len(captured))
    return times, queries


def _report(label: str, times: list[float], queries: list[int]) -> None:
    print(
        f"{label:<44} n={len(times):>4}  p50 {statistics.median(times):7.1f} ms  "
        f"p95 {_percentile(times, 0.95):7.1f} ms  max {max(times):7.1f} ms  "
        f"queries {min(queries)}–{max(queries)}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--patients", type=int, default=None)
    parser.add_argument("--requests", type=int, default=300)
    parser.add_argument("--count", type=int, default=50)
    parser.add_argument("--database-url", default=None)
    args = parser.parse_args()
    folder = tempfile.mkdtemp(prefix="fhir-search-bench-")
    os.environ["DATABASE_URL"] = args.database_url or f"sqlite:///{folder}/bench.sqlite3"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mesoclinic.settings")
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import setup_test_environment

    from mesoclinic.clinics.choices import Role
    from mesoclinic.clinics.models import Clinic
    from mesoclinic.demo.services import load_demo
    from mesoclinic.fhir.export import resources
    from mesoclinic.fhir.tests.api_helpers import issue_token
    from mesoclinic.outcomes.models import Measurement
    from mesoclinic.patients.models import Patient

    setup_test_environment()  # the test client's host, and query capture without DEBUG
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    call_command("migrate", verbosity=0)
    started = time.perf_counter()
    load_demo(patients=args.patients)
    clinic = Clinic.objects.get(slug="riverside")
    patients = list(Patient.objects.filter(clinic=clinic).order_by("pk"))
    measured = Measurement.objects.filter(clinic=clinic).count()
    print(
        f"demo: {len(patients)} patients, {measured} measurements at Riverside "
        f"({time.perf_counter() - started:.0f} s to load); backend "
        f"{connection.vendor}"
    )
    token = issue_token(clinic, Role.PRACTITIONER, name="bench")
    client = Client()
    urls = [
        f"/fhir/R4/Observation?patient={patients[i % len(patients)].public_id}&_count={args.count}"
        for i in range(args.requests)
    ]
    _timed(client, token, urls[:10])  # warm-up: imports, caches, the clinic's staff
    _report(f"Observation?patient=&_count={args.count}", *_timed(client, token, urls))
    observations = [r["id"] for r in resources(clinic, "Observation")][: args.requests]
    _report("Observation/<id> (read)", *_timed(client, token, [f"/fhir/R4/Observation/{i}" for i in observations]))  # fmt: skip
    procedures = [r["id"] for r in resources(clinic, "Procedure")][: min(args.requests, 100)]
    _report("Procedure/<derived id> (read)", *_timed(client, token, [f"/fhir/R4/Procedure/{i}" for i in procedures]))  # fmt: skip


if __name__ == "__main__":
    main()
