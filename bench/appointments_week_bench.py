"""Benchmark: the calendar's week view with 6 practitioners and 5,000 appointments that week.

    .venv/bin/python bench/appointments_week_bench.py [--appointments N] [--runs R]

On a fresh SQLite file (or the database of DATABASE_URL when it is set, e.g. a scratch
PostgreSQL database), builds one clinic with 6 practitioners, 3 rooms, 1,000 patients and N
appointments spread over one week (bulk-written: they overlap, as no booking form would allow;
the grid must still place them all), then renders, R times each:
  - the week view of each practitioner (``appointments:calendar?view=week&who=…``),
  - the day view of all 6 practitioners on the busiest day,
and prints the median and 90th percentile in ms with the number of SQL queries. It renders the
same views with a tenth of the appointments first, to show that the query count does not grow
with the appointments. No assertion on time.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

PRACTITIONERS = 6
PATIENTS = 1_000


def _setup() -> None:
    if not os.environ.get("DATABASE_URL"):
        folder = tempfile.mkdtemp(prefix="appts-bench-")
        os.environ["DATABASE_URL"] = f"sqlite:///{folder}/bench.sqlite3"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mesoclinic.settings")
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)


def _build(appointments: int, seed: int = 1) -> dict[str, Any]:
    from django.contrib.auth.models import User

    from mesoclinic.appointments.choices import ResourceKind
    from mesoclinic.appointments.models import Appointment, AppointmentType, Resource
    from mesoclinic.clinics.choices import Role
    from mesoclinic.clinics.models import Clinic, Membership
    from mesoclinic.patients.models import Patient

    rng = random.Random(seed)
    stamp = f"{time.time_ns()}"
    clinic = Clinic.objects.create(slug=f"bench-{stamp}", name="Bench clinic")
    members = []
    for n in range(PRACTITIONERS):
        user = User.objects.create_user(f"p{n}-{stamp}", first_name="Pat", last_name=f"P{n}")
        members.append(Membership.objects.create(user=user, clinic=clinic, role=Role.PRACTITIONER))
    desk = Membership.objects.create(
        user=User.objects.create_user(f"desk-{stamp}"), clinic=clinic, role=Role.RECEPTION
    )
    rooms = [
        Resource.objects.create(clinic=clinic, kind=ResourceKind.ROOM, name=f"Room {n}")
        for n in range(3)
    ]
    kind = AppointmentType.objects.create(clinic=clinic, name="Treatment", duration_minutes=30)
    patients = Patient.objects.bulk_create(
        Patient(clinic=clinic, mrn=f"B{n:05d}", given_name="Given", family_name=f"F{n}")
        for n in range(PATIENTS)
    )
    today = clinic.today()
    monday = today - dt.timedelta(days=today.weekday())
    rows = []
    for n in range(appointments):
        day = monday + dt.timedelta(days=rng.randrange(7))
        minutes = 8 * 60 + rng.randrange(24) * 30
        start = dt.datetime.combine(day, dt.time(minutes // 60, minutes % 60), tzinfo=clinic.zone)
        rows.append(
            Appointment(
                clinic=clinic,
                patient=rng.choice(patients),
                appointment_type=kind,
                practitioner=members[n % PRACTITIONERS],
                room=rooms[n % 3],
                starts_at=start,
                ends_at=start + dt.timedelta(minutes=30),
            )
        )
    Appointment.objects.bulk_create(rows, batch_size=1000)
    return {"members": members, "desk": desk, "monday": monday}


def _render(desk: Any, query: dict[str, str]) -> tuple[float, int]:
    from django.contrib.sessions.backends.db import SessionStore
    from django.db import connection
    from django.test import RequestFactory
    from django.test.utils import CaptureQueriesContext

    from mesoclinic.appointments.views import calendar_view

    request = RequestFactory().get("/appointments/", query)
    request.user = desk.user
    request.membership = desk  # type: ignore[attr-defined]
    request.session = SessionStore()
    started = time.perf_counter()
    with CaptureQueriesContext(connection) as queries:
        response = calendar_view(request)
    elapsed = (time.perf_counter() - started) * 1000
    assert response.status_code == 200, response.status_code
    return elapsed, len(queries)


def _measure(label: str, built: dict[str, Any], runs: int) -> None:
    desk, monday = built["desk"], built["monday"]
    for name, queries in (
        *(
            (
                f"week of practitioner {n + 1}",
                {"view": "week", "who": str(m.public_id), "date": monday.isoformat()},
            )
            for n, m in enumerate(built["members"])
        ),
        ("day view, all 6 practitioners", {"date": monday.isoformat()}),
    ):
        times, counts = [], set()
        for _ in range(runs):
            elapsed, count = _render(desk, queries)
            times.append(elapsed)
            counts.add(count)
        times.sort()
        p90 = times[min(len(times) - 1, int(len(times) * 0.9))]
        print(
            f"{label:>22} | {name:<32} | median {statistics.median(times):7.1f} ms | "
            f"p90 {p90:7.1f} ms | queries {sorted(counts)}"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--appointments", type=int, default=5_000)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    _setup()
    from django.db import connection

    print(f"database: {connection.vendor}; {PRACTITIONERS} practitioners; one week")
    small = max(args.appointments // 10, 1)
    _measure(f"{small} appointments", _build(small, seed=2), args.runs)
    _measure(f"{args.appointments} appointments", _build(args.appointments), args.runs)


if __name__ == "__main__":
    main()
