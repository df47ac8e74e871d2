"""Today marks the day's draft sessions that cannot be signed yet (a signing gate blocks them:
treatments.readiness), with the number of reasons and a link to the session, for the clinical
roles only, and in the same number of queries however many drafts the day holds."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from mesoclinic.clinics.models import Clinic, Membership
from mesoclinic.formulary.tests.test_recall import make_patient
from mesoclinic.patients.models import Patient
from mesoclinic.treatments.models import SessionArea, TreatmentSession
from tests.treatment_readiness import make_ready, screen

pytestmark = pytest.mark.django_db


def _draft_today(patient: Patient, by: Membership, minute: int = 1) -> TreatmentSession:
    clinic: Clinic = patient.clinic
    session = TreatmentSession.objects.create(
        clinic=clinic,
        patient=patient,
        performed_at=clinic.start_of_day(clinic.today()) + dt.timedelta(minutes=minute),
        indication="localized_fat",
        practitioner=by.user,
        created_by=by.user,
    )
    SessionArea.objects.create(session=session, area="abdomen", side="midline")
    return session


def _ready_yesterday(patient: Patient, by: Membership) -> None:
    """Screened and consented yesterday morning, clinic time: before any of today's drafts
    (``make_ready``'s default, a day before now, puts the consent after a draft at 00:02
    when the test runs after 23:20 clinic time)."""
    clinic: Clinic = patient.clinic
    yesterday = clinic.start_of_day(clinic.today() - dt.timedelta(days=1))
    make_ready(patient, by, at=yesterday + dt.timedelta(hours=9))


def _today(client: Client) -> str:
    response = client.get(reverse("today"))
    assert response.status_code == 200
    return response.content.decode()


def _row(page: str, session: TreatmentSession) -> str:
    link = reverse("treatments:detail", args=[session.public_id])
    start = page.index(f'<a href="{link}">')
    return page[start : page.index("</tr>", start)]


def test_it_marks_a_draft_that_cannot_be_signed_with_its_reasons(login, riverside, alice, patient):
    # given two drafts today: Maria's with neither consent nor screening, Jon's fully ready
    blocked = _draft_today(patient, alice)
    jon = make_patient(riverside, "RV000002", "Jon", "Smith")
    _ready_yesterday(jon, alice)
    ready = _draft_today(jon, alice, minute=2)
    # when alice opens Today
    page = _today(login(alice))
    # then Maria's draft says it cannot be signed, for two reasons, and links to the session
    row = _row(page, blocked)
    assert "cannot be signed: 2 reasons" in row
    assert reverse("treatments:detail", args=[blocked.public_id]) + "#gates-heading" in row
    assert 'title="Consent; Screening"' in row
    # and Jon's draft carries no such mark
    assert "cannot be signed" not in _row(page, ready)


def test_it_counts_one_reason_once_the_screening_is_signed(login, riverside, alice, patient):
    # given Maria's draft today, with her screening signed but no consent
    screen(patient, alice)
    session = _draft_today(patient, alice)
    # when alice opens Today
    # then one reason remains
    assert "cannot be signed: 1 reason<" in _row(_today(login(alice)), session)


def test_it_shows_no_signing_mark_to_reception(login, riverside, alice, bob, patient):
    # given Maria's draft today that cannot be signed
    _draft_today(patient, alice)
    # when reception opens Today
    page = _today(login(bob))
    # then the session is listed without anything read from consents or screenings
    assert "Maria" in page
    assert "cannot be signed" not in page


def _today_queries(client: Client) -> int:
    with CaptureQueriesContext(connection) as queries:
        client.get(reverse("today"))
    return len(queries)


def test_it_marks_the_drafts_in_a_constant_number_of_queries(login, riverside, alice, patient):
    # given two drafts today, one blocked and one of a ready patient
    _draft_today(patient, alice)
    jon = make_patient(riverside, "RV000002", "Jon", "Smith")
    _ready_yesterday(jon, alice)
    _draft_today(jon, alice, minute=2)
    client = login(alice)
    _today_queries(client)  # warm Django's per-process caches
    small = _today_queries(client)
    # when the day holds ten more drafts, of patients ready and not
    for n in range(10):
        person = make_patient(riverside, f"RV1000{n:02d}", f"Given{n}", f"Family{n}")
        if n % 2:
            _ready_yesterday(person, alice)
        _draft_today(person, alice, minute=3 + n)
    large = _today_queries(client)
    # then Today needs no more queries to mark them (no query per session or patient)
    assert large == small
    assert _today(client).count("cannot be signed: 2 reasons") == 6
