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
  5. prints the median CPU time of one request (the process's user + system time, which moves
     far less with the machine's load than the wall clock), the median wall time, the queries
     per request and the bytes of HTML, and the ratio of the whole history to the recent page.

The goal of issue 11 is ≤ 10 ms CPU for a typical chart. No assertion on time.
"""

from __future__ import annotations

import argparse
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


def measure(client: Any, url: str) -> tuple[float, float, int, int]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    cpu = time.process_time()
    wall = time.perf_counter()
    response = client.get(url)
    cpu_ms = (time.process_time() - cpu) * 1000
    wall_ms = (time.perf_counter() - wall) * 1000
    assert response.status_code == 200, response.status_code
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
        cases: list[tuple[str, str]] = [
            (BARE, reverse("session_time_left")),
            (LAYOUT, reverse("mfa:manage")),
        ]
        for label, patient in (("typical", typical), (f"{args.sessions} sessions", long)):
            url = reverse("patient_chart", args=[patient.public_id])
            cases.append((f"{label}, recent", url))
            cases.append((f"{label}, whole history", f"{url}?years=100"))
        for _label, url in cases:  # warm the template cache and Django's per-process caches
            measure(client, url)
        figures: dict[str, list[tuple[float, float, int, int]]] = {u: [] for _, u in cases}
        for _ in range(args.runs):
            for _label, url in cases:
                figures[url].append(measure(client, url))
        print(f"\nchart request, median of {args.runs} (in-process, production settings)")
        print(f"{'patient, page':<32}{'CPU ms':>9}{'wall ms':>9}{'queries':>9}{'KiB':>8}")
        cpu: dict[str, float] = {}
        for label, url in cases:
            runs = figures[url]
            cpu[label] = statistics.median(r[0] for r in runs)
            print(
                f"{label:<32}{cpu[label]:>9.1f}{statistics.median(r[1] for r in runs):>9.1f}"
                f"{runs[-1][2]:>9}{runs[-1][3] / 1024:>8.0f}"
            )
        for label in ("typical", f"{args.sessions} sessions"):
            whole, recent = cpu[f"{label}, whole history"], cpu[f"{label}, recent"]
            print(f"{label}: whole history / recent = {whole / recent:.1f}× CPU")
        typical_ms = cpu["typical, recent"]
        print(
            f"typical chart / {BARE} = {typical_ms / cpu[BARE]:.1f}× CPU; "
            f"/ {LAYOUT} = {typical_ms / cpu[LAYOUT]:.1f}× CPU "
            f"(the chart's own work: {typical_ms - cpu[LAYOUT]:.1f} ms over the layout)"
        )
        print("goal: ≤ 10 ms CPU for a typical chart")


if __name__ == "__main__":
    main()
