"""The demo clinic's front desk: appointment types, rooms and a device, and a week of
appointments (this week, Monday to Friday) for every practitioner and the nurse, each booked
for a patient of an active course, with the week's past visits completed (one a no-show, one
cancelled with its reason) and this morning's first arrival with its session draft."""

from __future__ import annotations

import datetime as dt
import random

from mesoclinic.appointments.choices import ResourceKind, Status
from mesoclinic.appointments.models import Appointment, AppointmentType, Resource
from mesoclinic.clinics.models import Clinic, Membership
from mesoclinic.demo.writer import Staff
from mesoclinic.plans.models import PlanStatus, TreatmentPlan
from mesoclinic.treatments.models import TreatmentSession

# (name, minutes, treatment, needs a room)
TYPES = (
    ("Consultation", 30, False, True),
    ("Treatment session", 45, True, True),
    ("Review", 15, False, False),
)
ROOMS = ("Room 1", "Room 2", "Room 3")
DEVICE = "Ultrasound scanner"
# Start times of each day's visits; every practitioner keeps their own room, so nothing overlaps.
TIMES = (dt.time(9, 0), dt.time(10, 0), dt.time(11, 30), dt.time(14, 0), dt.time(15, 30))


def write_calendar(clinic: Clinic, staff: Staff, rng: random.Random, now: dt.datetime) -> int:
    types = [
        AppointmentType.objects.create(
            clinic=clinic,
            name=name,
            duration_minutes=minutes,
            is_treatment=treatment,
            needs_room=room,
            created_by=staff.admin,
        )
        for name, minutes, treatment, room in TYPES
    ]
    consult, treatment, review = types
    rooms = [
        Resource.objects.create(
            clinic=clinic, kind=ResourceKind.ROOM, name=n, created_by=staff.admin
        )
        for n in ROOMS
    ]
    Resource.objects.create(
        clinic=clinic, kind=ResourceKind.DEVICE, name=DEVICE, created_by=staff.admin
    )
    plans = list(
        TreatmentPlan.objects.for_clinic(clinic)
        .filter(status=PlanStatus.ACTIVE)
        .select_related("patient")
        .order_by("pk")
    )
    if not plans:
        return 0
    members: list[Membership] = [*staff.practitioners, *([staff.nurse] if staff.nurse else [])]
    today = clinic.day_of(now)
    monday = today - dt.timedelta(days=today.weekday())
    rows = []
    for index, member in enumerate(members):
        room = rooms[index] if index < len(rooms) else None
        for offset in range(5):
            day = monday + dt.timedelta(days=offset)
            for time in TIMES:
                kind = (treatment, consult)[rng.random() < 0.3] if room is not None else review
                plan = rng.choice(plans)
                start = dt.datetime.combine(day, time, tzinfo=clinic.zone)
                end = start + dt.timedelta(minutes=kind.duration_minutes)
                status, reason = Status.BOOKED, ""
                if end <= now:
                    status = Status.COMPLETED
                    roll = rng.random()
                    if roll < 0.08:
                        status = Status.NO_SHOW
                    elif roll < 0.14:
                        status, reason = Status.CANCELLED, "Patient unwell, will call to rebook"
                rows.append(
                    Appointment(
                        clinic=clinic,
                        patient=plan.patient,
                        appointment_type=kind,
                        practitioner=member,
                        room=room,
                        plan=plan if kind.is_treatment else None,
                        starts_at=start,
                        ends_at=end,
                        status=status,
                        cancel_reason=reason,
                        created_by=staff.admin,
                    )
                )
    Appointment.objects.bulk_create(rows)
    _arrive_first_of_today(clinic, now)
    return len(rows)


def _arrive_first_of_today(clinic: Clinic, now: dt.datetime) -> None:
    """This morning's first treatment visit has arrived, with its session draft: one of the
    demo's own drafts of today (complete, so it can be signed), the visit booked for its
    patient and course."""
    start = clinic.start_of_day(clinic.day_of(now))
    end = start + dt.timedelta(days=1)
    draft = (
        TreatmentSession.objects.for_clinic(clinic)
        .filter(signed_at__isnull=True, performed_at__gte=start, performed_at__lt=end)
        .exclude(practitioner=None)
        .order_by("performed_at")
        .first()
    )
    visits = Appointment.objects.for_clinic(clinic).filter(
        starts_at__gte=start, starts_at__lt=end, appointment_type__is_treatment=True
    )
    if draft is not None:
        visits = visits.filter(practitioner__user=draft.practitioner)
    first = visits.order_by("starts_at").first()
    if first is None:
        return
    if draft is not None:
        first.patient_id = draft.patient_id
        first.plan_id = draft.plan_id
        first.session = draft
    first.status = Status.ARRIVED
    first.save(update_fields=["patient", "plan", "session", "status"])
