"""The demo clinic's front desk: appointment types, rooms and a device, and a week of
appointments (this week, Monday to Friday) for every practitioner and the nurse: the visits of
the week's sessions (signed ones completed, drafts arrived with their draft), past visits that
did not happen (no-shows, cancellations with their reason) and the rest of the week booked for
patients of active courses. A completed visit always has its session."""

from __future__ import annotations

import datetime as dt
import random

from django.contrib.auth.models import User

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
    room_of = {m.pk: (rooms[i] if i < len(rooms) else None) for i, m in enumerate(members)}
    today = clinic.day_of(now)
    monday = today - dt.timedelta(days=today.weekday())
    taken: dict[int, list[tuple[dt.datetime, dt.datetime]]] = {m.pk: [] for m in members}
    rows = _visits_of_sessions(clinic, members, room_of, treatment, monday, taken, staff.admin)
    for member in members:
        room = room_of[member.pk]
        for offset in range(5):
            day = monday + dt.timedelta(days=offset)
            for time in TIMES:
                kind = (treatment, consult)[rng.random() < 0.3] if room is not None else review
                plan = rng.choice(plans)
                start = dt.datetime.combine(day, time, tzinfo=clinic.zone)
                end = start + dt.timedelta(minutes=kind.duration_minutes)
                status, reason = Status.BOOKED, ""
                if end <= now:
                    # A past visit that took place has its record (a session or a
                    # consultation); the demo writes those from its courses, and
                    # _visits_of_sessions books them. A past slot here is only a visit that
                    # did not happen, so that no "completed" visit lacks its record.
                    roll = rng.random()
                    if roll < 0.08:
                        status = Status.NO_SHOW
                    elif roll < 0.14:
                        status, reason = Status.CANCELLED, "Patient unwell, will call to rebook"
                    else:
                        continue
                if not _free(taken[member.pk], start, end):
                    continue
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
    return len(rows)


def _free(
    taken: list[tuple[dt.datetime, dt.datetime]], start: dt.datetime, end: dt.datetime
) -> bool:
    """True (and the time taken) when nothing of the practitioner's overlaps: each keeps
    their own room, so a free practitioner means a free room."""
    if any(start < other_end and other_start < end for other_start, other_end in taken):
        return False
    taken.append((start, end))
    return True


def _visits_of_sessions(
    clinic: Clinic,
    members: list[Membership],
    room_of: dict[int, Resource | None],
    treatment: AppointmentType,
    monday: dt.date,
    taken: dict[int, list[tuple[dt.datetime, dt.datetime]]],
    admin: User,
) -> list[Appointment]:
    """The visits of this week's sessions up to today, booked at the session's time: signed
    ones completed, drafts arrived with their draft, so that the calendar, Today and the
    chart tell the same story. A second session of one practitioner at the same time stays
    a walk-in (no visit), since a practitioner is never double-booked."""
    member_of = {m.user_id: m for m in members}
    sessions = (
        TreatmentSession.objects.for_clinic(clinic)
        .filter(
            performed_at__gte=clinic.start_of_day(monday),
            performed_at__lt=clinic.start_of_day(monday + dt.timedelta(days=7)),
        )
        .exclude(practitioner=None)
        .order_by("performed_at", "pk")
    )
    rows = []
    for session in sessions:
        member = member_of.get(session.practitioner_id or 0)
        if member is None:
            continue
        start = session.performed_at
        end = start + dt.timedelta(minutes=treatment.duration_minutes)
        if not _free(taken[member.pk], start, end):
            continue
        rows.append(
            Appointment(
                clinic=clinic,
                patient_id=session.patient_id,
                appointment_type=treatment,
                practitioner=member,
                room=room_of[member.pk],
                plan_id=session.plan_id,
                session=session,
                starts_at=start,
                ends_at=end,
                status=Status.COMPLETED if session.signed_at else Status.ARRIVED,
                created_by=admin,
            )
        )
    return rows
