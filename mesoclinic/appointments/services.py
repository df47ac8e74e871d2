"""Appointment workflows: booking, moving, cancelling, the status steps (arrival opens the
session draft of a treatment visit) and the earliest day of a course's next session.

Double booking is refused under concurrency: a booking locks the rows of its practitioner
(their membership) and of its room and device (``select_for_update``, always in that order, so
two bookings never wait on each other in a cycle), then looks for an overlap, then writes. A
second booking of the same practitioner or room waits for the first to commit and then sees it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext

from mesoclinic.appointments.choices import TRANSITIONS, ResourceKind, Status
from mesoclinic.appointments.intervals import (
    COLLAGENASE_INTERVAL,
    DEOXYCHOLIC_ACID_INTERVAL,
    Earliest,
    PastVisit,
    earliest_next,
)
from mesoclinic.appointments.models import Appointment, AppointmentType, Resource
from mesoclinic.audit.choices import Action
from mesoclinic.audit.services import record
from mesoclinic.clinics.choices import Role
from mesoclinic.clinics.models import Membership
from mesoclinic.clinics.roles import Perm
from mesoclinic.dosing.services import clinic_rules, substance_code
from mesoclinic.patients.models import Patient
from mesoclinic.plans.models import TreatmentPlan
from mesoclinic.records.services import save_versioned
from mesoclinic.treatments.models import SessionArea, TreatmentSession, prefetch_lines_in_effect

BOOKABLE_ROLES = (Role.PRACTITIONER, Role.NURSE)


class BookingError(Exception):
    """The booking cannot be made as asked; ``problems`` says why, each in words."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__(" ".join(problems))
        self.problems = problems


@dataclass
class Booking:
    """What a booking asks for (from a form, the calendar or the plan)."""

    appointment_type: AppointmentType
    practitioner: Membership
    starts_at: dt.datetime
    room: Resource | None = None
    device: Resource | None = None
    plan: TreatmentPlan | None = None
    early_reason: str = ""

    @property
    def ends_at(self) -> dt.datetime:
        return self.starts_at + dt.timedelta(minutes=self.appointment_type.duration_minutes)


def _resource_problems(booking: Booking) -> list[str]:
    problems = []
    kind = booking.appointment_type
    if booking.practitioner.role not in BOOKABLE_ROLES or not booking.practitioner.is_active:
        problems.append(gettext("Practitioner: choose a practitioner or nurse of the clinic."))
    if kind.needs_room and booking.room is None:
        problems.append(gettext("Room: this type of appointment needs a room."))
    if kind.needs_device and booking.device is None:
        problems.append(gettext("Device: this type of appointment needs a device."))
    if booking.room is not None and booking.room.kind != ResourceKind.ROOM:
        problems.append(gettext("Room: choose a room."))
    if booking.device is not None and booking.device.kind != ResourceKind.DEVICE:
        problems.append(gettext("Device: choose a device."))
    return problems


def conflicts(booking: Booking, clinic_id: int, exclude_pk: int | None = None) -> list[str]:
    """What the booking would double-book, in words (no patient named)."""
    taken = (
        Appointment.objects.filter(clinic_id=clinic_id)
        .active()
        .overlapping(booking.starts_at, booking.ends_at)
    )
    if exclude_pk is not None:
        taken = taken.exclude(pk=exclude_pk)
    problems = []
    if taken.filter(practitioner=booking.practitioner).exists():
        problems.append(
            gettext("%(name)s is already booked at that time.")
            % {"name": booking.practitioner.display_name}
        )
    for resource, field in ((booking.room, "room"), (booking.device, "device")):
        if resource is not None and taken.filter(**{field: resource}).exists():
            problems.append(
                gettext("%(name)s is already booked at that time.") % {"name": resource.name}
            )
    return problems


def _lock(booking: Booking) -> None:
    """Hold the practitioner's and the resources' rows until the transaction ends."""
    # of=("self",): a membership's default ordering joins its clinic and user, and FOR UPDATE
    # would lock those rows too (every booking would queue behind every new patient's MRN).
    list(
        Membership.objects.select_for_update(of=("self",))
        .filter(pk=booking.practitioner.pk)
        .order_by()
    )
    ids = sorted(r.pk for r in (booking.room, booking.device) if r is not None)
    if ids:
        list(Resource.objects.select_for_update().filter(pk__in=ids).order_by("pk"))


def _check(booking: Booking, patient: Patient, exclude_pk: int | None = None) -> None:
    problems = _resource_problems(booking)
    if booking.practitioner.clinic_id != patient.clinic_id:
        problems.append(gettext("Practitioner: choose a practitioner or nurse of the clinic."))
    if booking.plan is not None:
        problems += _early_problems(booking, patient)
    if problems:
        raise BookingError(problems)
    _lock(booking)
    found = conflicts(booking, patient.clinic_id, exclude_pk)
    if found:
        raise BookingError(found)


def _early_problems(booking: Booking, patient: Patient) -> list[str]:
    assert booking.plan is not None
    earliest = earliest_for(booking.plan)
    booking_day = patient.clinic.day_of(booking.starts_at)
    if earliest.day is not None and booking_day < earliest.day and not booking.early_reason.strip():
        return [
            gettext(
                "Reason for booking early: this is before the earliest date for the next "
                "session (%(day)s, %(rule)s); say why it is booked earlier."
            )
            % {"day": earliest.day.isoformat(), "rule": rule_text(earliest.rule)}
        ]
    return []


def book(request: HttpRequest | None, patient: Patient, booking: Booking, user: Any) -> Appointment:
    """Book ``patient``; refused (BookingError) when a resource is missing or already taken."""
    with transaction.atomic():
        _check(booking, patient)
        earliest = earliest_for(booking.plan) if booking.plan is not None else Earliest(None)
        early = earliest.day is not None and patient.clinic.day_of(booking.starts_at) < earliest.day
        appointment = Appointment.objects.create(
            clinic_id=patient.clinic_id,
            patient=patient,
            appointment_type=booking.appointment_type,
            practitioner=booking.practitioner,
            room=booking.room,
            device=booking.device,
            plan=booking.plan,
            starts_at=booking.starts_at,
            ends_at=booking.ends_at,
            earliest_date=earliest.day,
            early_reason=booking.early_reason.strip() if early else "",
            created_by=user,
        )
        record(request, Action.CREATE, obj=appointment, detail="appointment booked")
    return appointment


def move(
    request: HttpRequest | None, appointment: Appointment, expected_version: int, booking: Booking
) -> Appointment:
    """Move a booked appointment to another time, practitioner, room or device."""
    if appointment.status != Status.BOOKED:
        raise BookingError([gettext("Only a booked appointment can be moved.")])
    # The reason given when it was booked early still holds (reception never sees it).
    if not booking.early_reason.strip():
        booking.early_reason = appointment.early_reason
    with transaction.atomic():
        _check(booking, appointment.patient, exclude_pk=appointment.pk)
        appointment = save_versioned(
            appointment,
            expected_version,
            {
                "appointment_type": booking.appointment_type,
                "practitioner": booking.practitioner,
                "room": booking.room,
                "device": booking.device,
                "starts_at": booking.starts_at,
                "ends_at": booking.ends_at,
                "early_reason": booking.early_reason.strip() or appointment.early_reason,
                "reply": "",
                "replied_at": None,
            },
        )
        record(request, Action.UPDATE, obj=appointment, detail="appointment moved")
    return appointment


def cancel(
    request: HttpRequest | None, appointment: Appointment, expected_version: int, reason: str
) -> Appointment:
    if not reason.strip():
        raise BookingError([gettext("Reason: say why the appointment is cancelled.")])
    if not appointment.is_open:
        raise BookingError([gettext("This appointment can no longer be cancelled.")])
    with transaction.atomic():
        appointment = save_versioned(
            appointment,
            expected_version,
            {"status": Status.CANCELLED, "cancel_reason": reason.strip()},
        )
        record(request, Action.UPDATE, obj=appointment, detail="appointment cancelled")
    return appointment


def set_status(
    request: HttpRequest | None, appointment: Appointment, expected_version: int, status: str
) -> Appointment:
    """One step of the visit; arrival for a treatment opens the session draft (once)."""
    if status not in TRANSITIONS.get(appointment.status, ()):
        raise BookingError([gettext("This step is not possible from the appointment's status.")])
    with transaction.atomic():
        fields: dict[str, Any] = {"status": status}
        if status == Status.ARRIVED and appointment.session_id is None:
            session = open_session_draft(request, appointment)
            if session is not None:
                fields["session"] = session
        appointment = save_versioned(appointment, expected_version, fields)
        record(request, Action.UPDATE, obj=appointment, detail=f"appointment {status}")
    return appointment


def _course_plan(appointment: Appointment) -> TreatmentPlan | None:
    if appointment.plan is not None:
        return appointment.plan
    return (
        TreatmentPlan.objects.filter(patient_id=appointment.patient_id, status="active")
        .order_by("-created_at")
        .first()
    )


def open_session_draft(
    request: HttpRequest | None, appointment: Appointment
) -> TreatmentSession | None:
    """The draft of the session a treatment appointment is for, with the plan's areas, so the
    practitioner finds it on Today; None for a visit that is not a treatment or has no plan
    to take the indication from."""
    plan = _course_plan(appointment)
    if not appointment.appointment_type.is_treatment or plan is None:
        return None
    notes = ""
    if appointment.early_reason:
        notes = gettext(
            "Booked before the earliest date for this session (%(day)s). Reason: %(reason)s"
        ) % {
            "day": appointment.earliest_date.isoformat() if appointment.earliest_date else "",
            "reason": appointment.early_reason,
        }
    session = TreatmentSession.objects.create(
        clinic_id=appointment.clinic_id,
        patient_id=appointment.patient_id,
        plan=plan,
        # A patient who arrives early is treated now, not at the booked time (a session is
        # never dated in the future); one recorded after the start keeps the booked time.
        performed_at=min(appointment.starts_at, timezone.now()),
        indication=plan.indication,
        protocol=plan.protocol,
        practitioner=appointment.practitioner.user,
        notes=notes,
        created_by=request.user if request is not None and request.user.is_authenticated else None,
    )
    SessionArea.objects.bulk_create(
        SessionArea(session=session, area=a.area, side=a.side) for a in plan.areas.all()
    )
    record(request, Action.CREATE, obj=session, detail="session draft opened on arrival")
    return session


def earliest_for(plan: TreatmentPlan) -> Earliest:
    """The earliest day of the plan's next session from its signed sessions (the patient's
    other signed sessions count for the dose rules' intervals, as the dose check counts them)."""
    signed = (
        TreatmentSession.objects.filter(
            clinic_id=plan.clinic_id, patient_id=plan.patient_id, signed_at__isnull=False
        )
        .prefetch_related(prefetch_lines_in_effect("product__ingredients"))
        .select_related("clinic")
    )
    visits = []
    last_of_plan: dt.date | None = None
    for session in signed:
        day = session.clinic.day_of(session.performed_at)
        substances = frozenset(
            substance_code(i.substance)[0]
            for line in session.lines_in_effect()
            for i in line.product.ingredients.all()
        )
        visits.append(PastVisit(day, substances))
        if session.plan_id == plan.pk and (last_of_plan is None or day > last_of_plan):
            last_of_plan = day
    rules, _protocol, _applied = clinic_rules(plan.clinic, plan.protocol)
    return earliest_next(last_of_plan, plan.interval_days, visits, rules)


def rule_text(rule: str) -> str:
    return {
        DEOXYCHOLIC_ACID_INTERVAL: gettext("deoxycholic acid: at least 1 month between treatments"),
        COLLAGENASE_INTERVAL: gettext("collagenase: 21 days between visits"),
    }.get(rule, gettext("the plan's interval"))


@dataclass(frozen=True)
class Progress:
    """A course's sessions: done (signed), booked (to come), and still to book."""

    done: int
    booked: int
    remaining: int


def plan_progress(plan: TreatmentPlan) -> Progress:
    done = plan.sessions.filter(signed_at__isnull=False).count()
    booked = plan.appointments.filter(
        status__in=(Status.BOOKED, Status.ARRIVED, Status.IN_TREATMENT)
    ).count()
    return Progress(done, booked, max(plan.planned_sessions - done - booked, 0))


def day_list(membership: Membership, start: dt.datetime, end: dt.datetime) -> list[Appointment]:
    """The day's appointments for Today: a practitioner's or nurse's own, everyone's for the
    front desk. One query."""
    rows = (
        Appointment.objects.restrict(membership, Perm.VIEW_DEMOGRAPHICS)
        .filter(starts_at__gte=start, starts_at__lt=end)
        .exclude(status=Status.CANCELLED)
        .select_related("patient", "appointment_type", "practitioner__user", "room", "session")
        .order_by("starts_at", "pk")
    )
    if membership.role in BOOKABLE_ROLES:
        rows = rows.filter(practitioner=membership)
    return list(rows)
