"""Patient register, search and chart, for each persona."""

from __future__ import annotations

import pytest
from django.urls import reverse

from mesoclinic.audit.models import AuditEvent
from mesoclinic.patients.models import Patient

pytestmark = pytest.mark.django_db


def test_it_registers_a_patient_with_the_next_mrn(login, bob):
    # given the receptionist is signed in
    client = login(bob)
    # when they register a patient
    response = client.post(
        reverse("patients:create"),
        {"given_name": "Jane", "family_name": "Doe", "birth_date": "1990-05-01", "sex": "f"},
    )
    # then the patient exists with the clinic's MRN and the write is audited
    patient = Patient.objects.get(family_name="Doe")
    assert patient.mrn == "RV000001"
    assert response.status_code == 302
    assert AuditEvent.objects.filter(action="create", patient=patient, username="bob").exists()


def test_it_names_the_field_when_the_birth_date_is_in_the_future(login, bob):
    client = login(bob)
    response = client.post(
        reverse("patients:create"),
        {"given_name": "Jane", "family_name": "Doe", "birth_date": "2999-01-01", "sex": "f"},
    )
    assert response.status_code == 200
    assert "Birth date: Birth date cannot be in the future." in response.content.decode()
    assert not Patient.objects.exists()


@pytest.mark.parametrize("query", ["lopez", "Maria Lop", "RV000001", "1985-03-14"])
def test_it_finds_a_patient_by_name_mrn_or_birth_date(login, alice, patient, query):
    response = login(alice).get(reverse("patients:list"), {"q": query})
    assert patient.mrn in response.content.decode()


def test_it_shows_nothing_of_another_clinic(login, charlie, patient):
    client = login(charlie)
    chart = client.get(reverse("patients:chart", args=[patient.public_id]))
    search = client.get(reverse("patients:list"), {"q": "Lopez"})
    assert chart.status_code == 404
    assert "Lopez" not in chart.content.decode()
    # the search echoes charlie's own words back, but finds no one
    assert "No patient matches" in search.content.decode()
    assert patient.mrn not in search.content.decode()
    assert "1985-03-14" not in search.content.decode()


def test_it_refuses_the_researcher_any_identified_patient(login, rita, patient):
    client = login(rita)
    assert client.get(reverse("patients:list")).status_code == 403
    assert client.get(reverse("patients:chart", args=[patient.public_id])).status_code == 403


def test_it_hides_clinical_notes_from_reception(login, bob, patient):
    response = login(bob).get(reverse("patients:chart", args=[patient.public_id]))
    body = response.content.decode()
    assert response.status_code == 200
    assert "Penicillin" not in body
    assert "Clinical records are not shown for your role." in body


def test_it_refuses_an_edit_based_on_a_stale_version(login, bob, patient):
    client = login(bob)
    form = {
        "given_name": "Maria",
        "family_name": "Lopez",
        "birth_date": "1985-03-14",
        "sex": "f",
        "phone": "+44 1",
        "version": patient.version,
    }
    first = client.post(reverse("patients:edit", args=[patient.public_id]), form)
    second = client.post(
        reverse("patients:edit", args=[patient.public_id]), {**form, "phone": "+44 2"}
    )
    assert first.status_code == 302
    assert "Someone else changed this record" in second.content.decode()
    patient.refresh_from_db()
    assert patient.phone == "+44 1"


def test_it_audits_every_chart_view(login, alice, patient):
    login(alice).get(reverse("patients:chart", args=[patient.public_id]))
    event = AuditEvent.objects.get(action="view", patient=patient)
    assert event.username == "alice"
    assert event.clinic_id == patient.clinic_id
    assert event.ip_address == "127.0.0.1"
