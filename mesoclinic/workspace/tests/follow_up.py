"""Test helpers: a red flag, an overdue check-in and a recalled lot a patient received."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from mesoclinic.aftercare.choices import CheckInStatus, EscalationLevel
from mesoclinic.aftercare.models import CheckIn, Escalation
from mesoclinic.clinics.models import Clinic, Membership
from mesoclinic.formulary.choices import LotStatus
from mesoclinic.formulary.models import Lot
from mesoclinic.formulary.tests.test_recall import give, make_patient
from mesoclinic.patients.models import Patient
from mesoclinic.treatments.models import TreatmentSession


def session_for(patient: Patient, lot: Lot, by: Membership, days_ago: int = 20) -> TreatmentSession:
    """A signed session ``days_ago`` in which ``patient`` received ``lot``."""
    day = timezone.localdate() - dt.timedelta(days=days_ago)
    return give(patient, lot, day, by)


def red_flag(
    session: TreatmentSession, reason: str = "Fever and a hot, spreading swelling"
) -> Escalation:
    return Escalation.objects.create(
        clinic=session.clinic,
        session=session,
        patient=session.patient,
        level=EscalationLevel.RED_FLAG,
        code="infection",
        reason=reason,
        recommended_steps="See the patient today.",
    )


def overdue_check_in(session: TreatmentSession) -> CheckIn:
    """The 48–72 hour check-in, sent, whose window closed a day ago with no answer."""
    now = timezone.now()
    return CheckIn.objects.create(
        clinic=session.clinic,
        session=session,
        patient=session.patient,
        kind="h48",
        label="48–72 hours",
        window_start=now - dt.timedelta(days=3),
        window_end=now - dt.timedelta(days=1),
        status=CheckInStatus.SENT,
    )


def recall(lot: Lot, reason: str = "Manufacturer recall: sterility not assured") -> Lot:
    Lot.objects.filter(pk=lot.pk).update(status=LotStatus.RECALLED, status_reason=reason)
    lot.refresh_from_db()
    return lot


def exposed_patients(
    clinic: Clinic, lot: Lot, by: Membership, count: int, start: int = 100
) -> list[Patient]:
    """``count`` patients of ``clinic`` who each received ``lot`` once."""
    people = []
    for n in range(start, start + count):
        person = make_patient(clinic, f"{clinic.mrn_prefix}{n:06d}", "Pat", f"Number{n}")
        session_for(person, lot, by)
        people.append(person)
    return people
