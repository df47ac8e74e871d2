"""The chart's query count does not grow with the number of plans and sessions."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.cache import caches
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from mesoclinic.clinics.models import Membership
from mesoclinic.patients.models import Patient
from mesoclinic.plans.models import PlanArea, TreatmentPlan
from mesoclinic.treatments.models import SessionArea, TreatmentSession

pytestmark = pytest.mark.django_db


def _add_course(patient: Patient, alice: Membership, sessions: int) -> None:
    plan = TreatmentPlan.objects.create(
        clinic=patient.clinic,
        patient=patient,
        indication="localized_fat",
        protocol="PC/DC 4x8w",
        planned_sessions=4,
        interval_days=56,
        created_by=alice.user,
    )
    PlanArea.objects.create(plan=plan, area="abdomen", side="midline")
    for n in range(sessions):
        session = TreatmentSession.objects.create(
            clinic=patient.clinic,
            patient=patient,
            plan=plan,
            indication="localized_fat",
            performed_at=timezone.now() - dt.timedelta(days=56 * (n + 1)),
            practitioner=alice.user,
        )
        SessionArea.objects.create(session=session, area="abdomen", side="midline")


def _add_messages(patient: Patient, alice: Membership, count: int) -> None:
    """``count`` reminders, each about an appointment of its own (drawn with its type)."""
    from mesoclinic.appointments.choices import MessageChannel, MessageKind, MessageOutcome
    from mesoclinic.appointments.models import Appointment, AppointmentType, PatientMessage

    visit = AppointmentType.objects.create(
        clinic=patient.clinic, name="Review", duration_minutes=30, needs_room=False
    )
    for n in range(count):
        starts = timezone.now() - dt.timedelta(days=n)
        appointment = Appointment.objects.create(
            clinic=patient.clinic,
            patient=patient,
            appointment_type=visit,
            practitioner=alice,
            starts_at=starts,
            ends_at=starts + dt.timedelta(minutes=30),
        )
        PatientMessage.objects.create(
            clinic=patient.clinic,
            patient=patient,
            appointment=appointment,
            kind=MessageKind.BEFORE_48H,
            channel=MessageChannel.SMS,
            outcome=MessageOutcome.SENT,
            at=starts - dt.timedelta(hours=48),
        )


def _chart_queries(client: Client, patient: Patient) -> int:
    # The history drawn, not taken from the cache (workspace/chart_cache.py).
    caches["chart"].clear()
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("patient_chart", args=[patient.public_id]))
    assert response.status_code == 200
    return len(queries)


def test_it_draws_the_chart_in_a_constant_number_of_queries(login, alice, patient):
    # given a patient with one course of one session
    client = login(alice)
    _add_course(patient, alice, sessions=1)
    _chart_queries(client, patient)  # warm Django's per-process caches (content types)
    small = _chart_queries(client, patient)
    # when the patient has four more courses of three sessions each, and ten messages logged
    for _ in range(4):
        _add_course(patient, alice, sessions=3)
    _add_messages(patient, alice, 10)
    large = _chart_queries(client, patient)
    # then the chart needs no more queries (no query per plan, session or message)
    assert large == small
