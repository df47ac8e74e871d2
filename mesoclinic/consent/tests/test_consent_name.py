"""A consent typed under another person's name is questioned: the form shows the patient's
name on record and asks for a confirmation, which is stored with the consent and audited."""

from __future__ import annotations

import pytest
from django.urls import reverse

from mesoclinic.audit.models import AuditEvent
from mesoclinic.consent import services
from mesoclinic.consent.models import Consent
from mesoclinic.consent.names import names_match

from .test_consent import capture_data, templates  # noqa: F401

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "typed",
    [
        "Maria Lopez",
        "maria lopez",
        "LOPEZ, Maria",
        "María López",
        "Maria J. Lopez",
        " Maria  Lopez ",
    ],
)
def test_it_takes_the_same_name_written_differently_as_a_match(typed):
    assert names_match(typed, "Maria", "Lopez")


@pytest.mark.parametrize("typed", ["Jon Smith", "Maria Smith", "Mario Lopez", "Lopez"])
def test_it_takes_another_name_as_a_mismatch(typed):
    assert not names_match(typed, "Maria", "Lopez")


def test_it_cannot_compare_with_a_record_that_has_no_name():
    # an imported patient known only by MRN: nothing to compare, nothing to ask
    assert names_match("Anyone", "", "")


def test_it_asks_for_confirmation_showing_the_patients_name(login, nina, patient, templates):  # noqa: F811
    client = login(nina)
    url = reverse("consent:capture", args=[patient.public_id])
    data = capture_data(templates["pcdc-lipolysis"], patient_typed_name="Jon Smith")
    # when the consent is typed under another name
    response = client.post(url, data)
    page = response.content.decode()
    # then it is not recorded; the field names the patient on record and a confirmation appears
    assert response.status_code == 200
    assert not Consent.objects.exists()
    assert "does not match the name on the record, Maria Lopez" in page
    assert 'name="name_mismatch_confirmed"' in page
    assert "The record says Maria Lopez (RV000001)" in page
    # when the nurse checks and confirms (a preferred name)
    response = client.post(url, {**data, "name_mismatch_confirmed": "on"})
    # then it is recorded with the confirmation, shown on the consent and audited without names
    assert response.status_code == 302
    consent = Consent.objects.get()
    assert consent.name_mismatch_confirmed
    assert consent.patient_typed_name == "Jon Smith"
    detail = client.get(reverse("consent:detail", args=[consent.public_id])).content.decode()
    assert "differs from the record (Maria Lopez)" in detail
    event = AuditEvent.objects.get(action="create", object_type="consent")
    assert event.detail == "typed name differs from the record; confirmed"


def test_it_asks_nothing_when_the_name_matches(login, nina, patient, templates):  # noqa: F811
    # when the patient types their own name, accented and in capitals
    data = capture_data(templates["pcdc-lipolysis"], patient_typed_name="MARÍA LÓPEZ")
    response = login(nina).post(reverse("consent:capture", args=[patient.public_id]), data)
    # then the consent is recorded at once, with no confirmation recorded
    assert response.status_code == 302
    assert not Consent.objects.get().name_mismatch_confirmed


def test_it_refuses_an_unconfirmed_other_name_in_the_service(nina, patient, templates):  # noqa: F811
    # when a caller other than the page records a consent under another name unconfirmed
    fields = {
        "discussed": "Discussed",
        "photo_consent": False,
        "patient_typed_name": "Jon Smith",
        "patient_signature_png": "",
    }
    with pytest.raises(services.ConsentNameError, match="does not match the name on the record"):
        services.capture_consent(None, nina, patient, templates["pcdc-lipolysis"], fields)
    # then nothing is saved
    assert not Consent.objects.exists()
