"""Appointments test helpers: a clinic with types and rooms, a course plan, and a booking."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest

from mesoclinic.appointments.choices import ResourceKind
from mesoclinic.appointments.models import Appointment, AppointmentType, Resource
from mesoclinic.appointments.services import Booking, book
from mesoclinic.clinics.models import Clinic, Membership
from mesoclinic.patients.models import Patient
from mesoclinic.plans.models import PlanArea, TreatmentPlan


@pytest.fixture(autouse=True)
def _outbox(settings: Any) -> None:
    settings.AFTERCARE_BASE_URL = "https://clinic.example"
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"


@pytest.fixture
def treatment(riverside: Clinic) -> AppointmentType:
    return AppointmentType.objects.create(
        clinic=riverside, name="Treatment session", duration_minutes=45, is_treatment=True
    )


@pytest.fixture
def room(riverside: Clinic) -> Resource:
    return Resource.objects.create(clinic=riverside, kind=ResourceKind.ROOM, name="Room 1")


@pytest.fixture
def room2(riverside: Clinic) -> Resource:
    return Resource.objects.create(clinic=riverside, kind=ResourceKind.ROOM, name="Room 2")


@pytest.fixture
def plan(patient: Patient, alice: Membership) -> TreatmentPlan:
    made = TreatmentPlan.objects.create(
        clinic=patient.clinic,
        patient=patient,
        indication="localized_fat",
        protocol="PC/DC 4x8w",
        planned_sessions=4,
        interval_days=56,
        created_by=alice.user,
    )
    PlanArea.objects.create(plan=made, area="abdomen", side="bilateral")
    return made


@pytest.fixture
def slot(riverside: Clinic) -> Callable[[int, int], dt.datetime]:
    """``days`` from the clinic's today at ``hour`` o'clock in its zone."""

    def _slot(days: int, hour: int = 10) -> dt.datetime:
        day = riverside.today() + dt.timedelta(days=days)
        return dt.datetime.combine(day, dt.time(hour), tzinfo=riverside.zone)

    return _slot


@pytest.fixture
def booked(
    patient: Patient, alice: Membership, treatment: AppointmentType, room: Resource, slot: Any
) -> Callable[..., Appointment]:
    def _book(starts_at: dt.datetime | None = None, **changes: Any) -> Appointment:
        fields: dict[str, Any] = {
            "appointment_type": treatment,
            "practitioner": alice,
            "starts_at": starts_at or slot(3),
            "room": room,
        }
        who = changes.pop("patient", patient)
        fields.update(changes)
        return book(None, who, Booking(**fields), alice.user)

    return _book


@pytest.fixture
def make_signed(alice: Membership) -> Callable[..., Any]:
    """A signed session of ``plan`` ``days_ago`` (no lines: the plan interval only)."""
    from django.utils import timezone

    from mesoclinic.records.services import sign_record
    from mesoclinic.treatments.models import TreatmentSession

    def _make(plan: TreatmentPlan, days_ago: int = 0) -> Any:
        session = TreatmentSession.objects.create(
            clinic=plan.clinic,
            patient=plan.patient,
            plan=plan,
            performed_at=timezone.now() - dt.timedelta(days=days_ago),
            indication=plan.indication,
            practitioner=alice.user,
            created_by=alice.user,
        )
        return sign_record(session, alice)

    return _make
