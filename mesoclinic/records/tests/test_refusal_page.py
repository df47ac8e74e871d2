"""A refused change to a signed record reaches the user as a clear page, never a 500."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.db import OperationalError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from mesoclinic.clinics.models import Clinic, Membership
from mesoclinic.patients.models import Patient
from mesoclinic.records.middleware import write_conflict
from mesoclinic.records.services import sign_record
from mesoclinic.treatments.models import TreatmentSession

pytestmark = [pytest.mark.django_db, pytest.mark.urls("mesoclinic.records.tests.refusing_urls")]


@pytest.fixture
def signed(riverside: Clinic, patient: Patient, alice: Membership) -> TreatmentSession:
    session = TreatmentSession.objects.create(
        clinic=riverside,
        patient=patient,
        performed_at=timezone.now(),
        indication="localized_fat",
        notes="as signed",
        created_by=alice.user,
    )
    return sign_record(session, alice)  # type: ignore[return-value]


@pytest.mark.parametrize(
    ("route", "words"),
    [
        # the ORM guard's ImmutableRecordError
        ("test_save_signed", "This treatment session is signed and cannot be changed"),
        # the database trigger's IntegrityError, in the same words
        ("test_update_signed", "This treatment session is signed and cannot be changed"),
    ],
)
def test_it_answers_a_refused_change_with_a_clear_page(
    login: Callable[[Membership], Client],
    alice: Membership,
    signed: TreatmentSession,
    route: str,
    words: str,
) -> None:
    # given alice signed in, and a signed session
    client = login(alice)
    # when a request changes it past the page's checks
    response = client.post(reverse(route, args=[signed.public_id]))
    # then she gets a 409 page in plain words, and the session is as signed
    assert response.status_code == 409
    page = response.content.decode()
    assert words in page
    assert "immutable record:" not in page
    assert "Maria" not in page
    signed.refresh_from_db()
    assert signed.notes == "as signed"


def test_it_puts_the_refusal_in_the_page_for_an_htmx_request(
    login: Callable[[Membership], Client], alice: Membership, signed: TreatmentSession
) -> None:
    # given alice on a page that posts with htmx (which does not swap an error status)
    client = login(alice)
    # when the request is refused by the database
    response = client.post(
        reverse("test_update_signed", args=[signed.public_id]), headers={"HX-Request": "true"}
    )
    # then the notice replaces the page's main area
    assert response.status_code == 200
    assert response["HX-Retarget"] == "#main"
    assert "This treatment session is signed and cannot be changed" in response.content.decode()


def test_it_answers_a_write_the_database_rolled_back_with_a_page_to_save_again(
    login: Callable[[Membership], Client], alice: Membership, patient: Patient
) -> None:
    # given alice signed in
    client = login(alice)
    # when her write is rolled back by the database, as a deadlock's loser is
    response = client.post(reverse("test_conflicting_write", args=[patient.public_id]))
    # then she gets a 503 page saying nothing was saved and to save again, and nothing was
    page = response.content.decode()
    assert response.status_code == 503
    assert response["Retry-After"] == "1"
    assert "Nothing was saved. Go back and save again." in page
    assert "deadlock" not in page
    patient.refresh_from_db()
    assert patient.given_name != "Changed"


def test_it_leaves_other_database_errors_to_the_error_page() -> None:
    # given errors of the database that are not another write's doing, then none is
    # answered as a conflict (the server error page and its report take them)
    assert write_conflict(OperationalError("no such table: patients_patient")) == ""
    assert write_conflict(ValueError("database is locked")) == ""
    assert write_conflict(OperationalError("database is locked")) == "sqlite-locked"
