"""Benchmark: CPU per patient-chart request, a typical demo patient and a 224-session patient.

    .venv/bin/python bench/chart_cpu_bench.py [--runs 30] [--patients 200] [--sessions 224]

In one process, with the production settings (DEBUG off, so the template loader caches):
  1. builds the demo practice (`mesoclinic demo --no-serve`) in a temporary SQLite database;
  2. picks the typical patient (the median number of sessions among Riverside's patients) and
     builds a long-history patient: SESSIONS sessions (with their areas, lines and the
     measurements of their day) copied from the demo's, one every 4 weeks back from today;
  3. signs alice in with her password (the demo clinics require no second step), with Django's test client and, for each
     patient, requests the chart as it is served (the recent timeline) and the chart with the
     whole history (the "older" link followed to the end), RUNS times each, alternating;
  4. requests, as baselines in the same loop, a signed-in JSON answer with no page (the
     session's time left: the middleware alone) and a small page with the whole layout
     (the account page), and prints the chart's CPU as a ratio to each;
  5. requests each chart cold (the history cache emptied just before: the first request
     after a write to the patient) and warm (nothing changed since), and prints both;
  6. prints the median CPU time of one request (the process's user + system time, which moves
     far less with the machine's load than the wall clock), the median wall time, the queries
     per request and the bytes of HTML, and the ratio of the whole history to the recent page.

The goal of issue 11 is ≤ 10 ms CPU for a typical chart. No assertion on time.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import io
import os
import secrets
import statistics
import sys
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


BARE = "baseline: signed-in JSON"
LAYOUT = "baseline: account page"


def setup(tmp: str) -> None:
    os.environ.update(
        {
            "DJANGO_SETTINGS_MODULE": "mesoclinic.settings",
            "DATABASE_URL": f"sqlite:///{tmp}/db.sqlite3",
            "MESOCLINIC_VAR_DIR": tmp,
            "SECRET_KEY": secrets.token_urlsafe(50),
            "DEBUG": "false",
            "LOG_LEVEL": "ERROR",
        }
    )
    import django

    django.setup()


def long_history_patient(sessions: int) -> Any:
    """A Riverside patient with ``sessions`` sessions copied from the demo's (areas, lines,
    measurements of the session's day), one every 28 days back from today."""
    from django.db import connection, transaction
    from django.utils import timezone

    from mesoclinic.outcomes.models import Measurement
    from mesoclinic.patients.models import Patient
    from mesoclinic.records.immutability import suspended
    from mesoclinic.treatments.models import Injection, SessionArea, TreatmentSession

    source = Patient.objects.filter(clinic__slug="riverside").order_by("pk").first()
    assert source is not None
    models = list(
        TreatmentSession.objects.filter(clinic=source.clinic)
        .order_by("pk")
        .prefetch_related("areas", "injections")[:sessions]
    )
    now = timezone.now()
    with transaction.atomic(), suspended(connection):
        patient = Patient.objects.get(pk=source.pk)
        patient.pk = None
        patient.public_id = uuid.uuid4()
        patient.mrn = f"{source.mrn}-LONG"
        patient.save()
        for n in range(sessions):
            model = models[n % len(models)]
            measurements = list(
                Measurement.objects.filter(
                    patient_id=model.patient_id, measured_on=model.performed_at.date()
                )
            )
            session = TreatmentSession.objects.get(pk=model.pk)
            session.pk = None
            session.public_id = uuid.uuid4()
            session.patient = patient
            session.plan = None
            session.source_id = ""
            session.performed_at = now - dt.timedelta(days=28 * (n + 1))
            TreatmentSession.objects.bulk_create([session])
            # bulk_create, not save(): the models refuse children of a signed session, and
            # this copies signed history (the triggers are suspended above).
            areas = list(model.areas.all())
            for area in areas:
                area.pk = None
                area.session = session
            SessionArea.objects.bulk_create(areas)
            lines = [line for line in model.injections.all() if line.replaces_id is None]
            for line in lines:
                line.pk = None
                line.public_id = uuid.uuid4()
                line.session = session
                line.amendment = None
            Injection.objects.bulk_create(lines)
            for m in measurements:
                m.pk = None
                m.public_id = uuid.uuid4()
                m.patient = patient
                m.session = session
                m.measured_on = session.performed_at.date()
            Measurement.objects.bulk_create(measurements)
    assert SessionArea.objects.filter(session__patient=patient).exists()
    assert Injection.objects.filter(session__patient=patient).exists()
    return patient


def typical_patient() -> Any:
    from django.db.models import Count

    from mesoclinic.patients.models import Patient

    patients = list(
        Patient.objects.filter(clinic__slug="riverside")
        .annotate(n=Count("sessions"))
        .order_by("n", "pk")
    )
    return patients[len(patients) // 2]


def forget_charts() -> None:
    """Empty the chart's history cache (workspace/chart_cache.py), as a write to the patient
    would: the next request draws the history again. Code without the cache has nothing to
    empty, and its cold and warm figures are the same thing measured twice."""
    from django.core.cache import InvalidCacheBackendError, caches

    with contextlib.suppress(InvalidCacheBackendError):
        caches["chart"].clear()


def measure(client: Any, url: str, cold: bool = False) -> tuple[float, float, int, int]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    if cold:
        forget_charts()
    cpu = time.process_time()
    wall = time.perf_counter()
    response = client.get(url)
    cpu_ms = (time.process_time() - cpu) * 1000
    wall_ms = (time.perf_counter() - wall) * 1000
    assert response.status_code == 200, response.status_code
    if cold:
        forget_charts()
    with CaptureQueriesContext(connection) as queries:
        client.get(url)
    return cpu_ms, wall_ms, len(queries), len(response.content)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--patients", type=int, default=200)
    parser.add_argument("--sessions", type=int, default=224)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="chart-bench-") as tmp:
        setup(tmp)
        from django.contrib.auth import get_user_model
        from django.core.management import call_command
        from django.test import Client
        from django.urls import reverse

        print(f"building the demo practice ({args.patients} patients) …", flush=True)
        call_command("demo", "--no-serve", "--patients", str(args.patients), stdout=io.StringIO())
        typical = typical_patient()
        long = long_history_patient(args.sessions)
        # Password only, as the load bench signs in: the demo clinics require no second step.
        client = Client()
        client.force_login(get_user_model().objects.get(username="alice"))
        # Baselines through the same middleware (sign-in, clinic, language, session timeout):
        # a JSON answer with no page, and a small page with the whole layout.
        cases: list[tuple[str, str, bool]] = [
            (BARE, reverse("session_time_left"), False),
            (LAYOUT, reverse("mfa:manage"), False),
        ]
        # Each chart twice: cold, its history cache emptied just before (the first request
        # after a write to the patient, or in a new server process), and warm (nothing
        # changed since the last request).
        for label, patient in (("typical", typical), (f"{args.sessions} sessions", long)):
            url = reverse("patient_chart", args=[patient.public_id])
            for page, address in (("recent", url), ("whole history", f"{url}?years=100")):
                cases.append((f"{label}, {page}, cold", address, True))
                cases.append((f"{label}, {page}, warm", address, False))
        for _label, url, cold in cases:  # warm the template cache and Django's own caches
            measure(client, url, cold)
        figures: dict[str, list[tuple[float, float, int, int]]] = {c[0]: [] for c in cases}
        for _ in range(args.runs):
            for label, url, cold in cases:
                figures[label].append(measure(client, url, cold))
        print(f"\nchart request, median of {args.runs} (in-process, production settings)")
        print(f"{'patient, page, cache':<40}{'CPU ms':>9}{'wall ms':>9}{'queries':>9}{'KiB':>8}")
        cpu: dict[str, float] = {}
        for label, _url, _cold in cases:
            runs = figures[label]
            cpu[label] = statistics.median(r[0] for r in runs)
            print(
                f"{label:<40}{cpu[label]:>9.1f}{statistics.median(r[1] for r in runs):>9.1f}"
                f"{runs[-1][2]:>9}{runs[-1][3] / 1024:>8.0f}"
            )
        for label in ("typical", f"{args.sessions} sessions"):
            for state in ("cold", "warm"):
                whole = cpu[f"{label}, whole history, {state}"]
                recent = cpu[f"{label}, recent, {state}"]
                print(f"{label}, {state}: whole history / recent = {whole / recent:.1f}× CPU")
        for state in ("cold", "warm"):
            typical_ms = cpu[f"typical, recent, {state}"]
            print(
                f"typical chart, {state} / {BARE} = {typical_ms / cpu[BARE]:.1f}× CPU; "
                f"/ {LAYOUT} = {typical_ms / cpu[LAYOUT]:.1f}× CPU "
                f"(the chart's own work: {typical_ms - cpu[LAYOUT]:.1f} ms over the layout)"
            )
        print("goal: ≤ 10 ms CPU for a typical chart")


if __name__ == "__main__":
    main()
