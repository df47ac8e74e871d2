"""Possible duplicate patients, shown before a registration or an edit saves anything."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.urls import reverse

from mesoclinic.audit.models import AuditEvent
from mesoclinic.clinics.models import Clinic
from mesoclinic.patients.duplicates import (
    SAME_EMAIL,
    SAME_NAME_AND_BIRTH_DATE,
    SAME_PHONE,
    find_possible_duplicates,
)
from mesoclinic.patients.models import Patient

pytestmark = pytest.mark.django_db

NEW_MARIA = {
    "given_name": "María",
    "family_name": "López",
    "birth_date": "1985-03-14",
    "sex": "f",
}


def _add(
    clinic: Clinic,
    mrn: str,
    given: str,
    family: str,
    born: dt.date | None = None,
    **details: Any,
) -> Patient:
    return Patient.objects.create(
        clinic=clinic, mrn=mrn, given_name=given, family_name=family, birth_date=born, **details
    )


def test_it_shows_a_possible_duplicate_and_saves_nothing(login, bob, patient):
    # given Maria Lopez, born 1985-03-14, is registered
    client = login(bob)
    # when reception registers "María López" born the same day
    response = client.post(reverse("patients:create"), NEW_MARIA)
    # then the form comes back with Maria's name, MRN and birth date, a link to her chart and
    # a confirmation to tick; nobody new is registered
    body = response.content.decode()
    assert response.status_code == 200
    assert "Possible duplicate" in body
    assert "nothing has been saved" in body
    assert reverse("patient_chart", args=[patient.public_id]) in body
    assert patient.mrn in body
    assert "1985-03-14" in body
    assert SAME_NAME_AND_BIRTH_DATE in body
    assert "This is a different person" in body
    assert Patient.objects.count() == 1
    # and showing her is a read of her record, audited
    assert AuditEvent.objects.filter(action="view", patient=patient, username="bob").exists()


def test_it_registers_a_different_person_once_confirmed_and_audits_it(login, bob, patient):
    # given the warning was shown
    client = login(bob)
    client.post(reverse("patients:create"), NEW_MARIA)
    # when reception confirms that this is a different person
    response = client.post(
        reverse("patients:create"),
        {
            **NEW_MARIA,
            "duplicates-shown": str(patient.public_id),
            "duplicates-confirmed": "on",
        },
    )
    # then the second patient is registered, with the next MRN
    assert response.status_code == 302
    new = Patient.objects.exclude(pk=patient.pk).get()
    assert new.mrn == "RV000002"
    # and the confirmation is on both patients' audit trails
    created = AuditEvent.objects.get(action="create", patient=new)
    assert "confirmed a different person from 1 possible duplicate" in created.detail
    override = AuditEvent.objects.get(action="override", patient=patient)
    assert str(new.public_id) in override.detail
    assert "María" not in created.detail + override.detail


def test_it_does_not_register_when_the_box_is_not_ticked(login, bob, patient):
    # given the warning was shown
    client = login(bob)
    # when the form is posted again without ticking the confirmation
    response = client.post(
        reverse("patients:create"), {**NEW_MARIA, "duplicates-shown": str(patient.public_id)}
    )
    # then the warning is shown again and nothing is saved
    assert "Possible duplicate" in response.content.decode()
    assert Patient.objects.count() == 1


def test_it_asks_again_when_a_look_alike_was_registered_after_the_confirmation(
    login, bob, patient, riverside
):
    # given reception confirmed a different person from Maria Lopez
    client = login(bob)
    # when meanwhile a colleague registered "Maria Lopez-Garcia" born the same day
    other = _add(riverside, "RV000777", "Maria", "Lopez-Garcia", dt.date(1985, 3, 14))
    response = client.post(
        reverse("patients:create"),
        {**NEW_MARIA, "duplicates-shown": str(patient.public_id), "duplicates-confirmed": "on"},
    )
    # then the confirmation does not cover the new look-alike: nothing is saved
    body = response.content.decode()
    assert Patient.objects.count() == 2
    assert other.mrn in body
    assert patient.mrn in body
    assert "Another patient may be this person: check the list again" in body


def test_it_registers_without_a_question_when_nobody_looks_alike(login, bob, patient):
    # given Maria Lopez is registered
    # when reception registers her twin brother, born the same day
    response = login(bob).post(
        reverse("patients:create"), {**NEW_MARIA, "given_name": "Pablo", "sex": "m"}
    )
    # then he is registered at once
    assert response.status_code == 302
    assert Patient.objects.filter(given_name="Pablo").exists()


@pytest.mark.parametrize(
    ("details", "reason"),
    [
        ({"email": " MARIA@Example.org "}, SAME_EMAIL),
        ({"phone": "+44-7700-900-123"}, SAME_PHONE),
        ({"phone": "(+44) 7700 900123"}, SAME_PHONE),
        ({"phone": "07700 900123"}, SAME_PHONE),
        ({"phone": "07700900123"}, SAME_PHONE),
        ({"phone": "0044 7700 900123"}, SAME_PHONE),
    ],
)
def test_it_finds_the_same_email_or_phone_whatever_the_name(riverside, patient, details, reason):
    # given Maria Lopez with her email and phone
    # when someone with another name and birth date gives the same email or phone
    found = find_possible_duplicates(
        riverside,
        {"given_name": "Ana", "family_name": "Perez", "birth_date": dt.date(2001, 1, 1)} | details,
    )
    # then Maria is a possible duplicate, for that reason
    assert [(d.patient, d.reasons) for d in found] == [(patient, (reason,))]


@pytest.mark.parametrize("stored", ["07700 900123", "07700900123", "+44 7700 900123"])
@pytest.mark.parametrize("typed", ["07700 900123", "07700900123", "+44 7700 900123"])
def test_it_finds_the_same_phone_across_national_and_international_formats(
    riverside, stored, typed
):
    # given a patient registered with the phone in one format
    ana = _add(riverside, "RV000002", "Ana", "Perez", phone=stored)
    # when someone else is registered with it in another
    found = find_possible_duplicates(riverside, {"given_name": "Bo", "phone": typed})
    # then she is a possible duplicate for the same phone
    assert [(d.patient, d.reasons) for d in found] == [(ana, (SAME_PHONE,))]


def test_it_ignores_a_phone_too_short_to_mean_anything(riverside):
    _add(riverside, "RV000002", "Ana", "Perez", phone="112")
    assert find_possible_duplicates(riverside, {"given_name": "Bo", "phone": "112"}) == []


def test_it_never_suggests_another_clinics_patient(login, charlie, hilltop, patient):
    # given Maria Lopez is Riverside's patient, and charlie works at Hilltop
    client = login(charlie)
    # when charlie registers the same name, birth date, email and phone at Hilltop
    response = client.post(
        reverse("patients:create"),
        {**NEW_MARIA, "email": patient.email, "phone": patient.phone},
    )
    # then Hilltop registers its own patient without a word about Riverside's
    body = response.content.decode()
    assert response.status_code == 302
    assert Patient.objects.filter(clinic=hilltop).count() == 1
    assert not AuditEvent.objects.filter(patient=patient).exclude(username="").exists()
    assert patient.mrn not in body
    # and a third registration at Hilltop is checked against Hilltop's own patient only
    again = client.post(reverse("patients:create"), {**NEW_MARIA, "email": patient.email})
    assert "Possible duplicate" in again.content.decode()
    assert patient.mrn not in again.content.decode()


def test_it_never_suggests_charlies_hilltop_patients_at_riverside(login, bob, charlie, hilltop):
    # given charlie's Hilltop patient Maria Lopez, with her email and phone
    hers = _add(
        hilltop,
        "HT000001",
        "Maria",
        "Lopez",
        dt.date(1985, 3, 14),
        email="maria@example.org",
        phone="+44 7700 900123",
    )
    # when Riverside's reception registers the same person with the same details
    response = login(bob).post(
        reverse("patients:create"),
        {**NEW_MARIA, "email": "maria@example.org", "phone": "+44 7700 900123"},
    )
    # then Riverside registers its own patient, nothing of Hilltop's is shown or read
    assert response.status_code == 302
    assert Patient.objects.filter(clinic__slug="riverside").count() == 1
    assert not AuditEvent.objects.filter(patient=hers).exists()


def test_it_never_suggests_riverside_patients_at_hilltop_even_with_hilltop_look_alikes(
    riverside, hilltop, patient
):
    # given a Hilltop patient with the same name and birth date as Riverside's Maria Lopez
    own = _add(hilltop, "HT000001", "Maria", "Lopez", dt.date(1985, 3, 14))
    # when Hilltop checks "María López"
    found = find_possible_duplicates(
        hilltop, {**NEW_MARIA, "birth_date": dt.date(1985, 3, 14), "email": patient.email}
    )
    # then only its own patient is suggested
    assert [d.patient for d in found] == [own]


def test_it_warns_when_an_edit_makes_a_patient_look_like_another(login, bob, riverside, patient):
    # given a second patient, Marta Lopez, with a different birth date
    marta = _add(riverside, "RV000002", "Marta", "Lopes", dt.date(1990, 1, 1))
    client = login(bob)
    url = reverse("patients:edit", args=[marta.public_id])
    form = {
        "given_name": "Maria",
        "family_name": "Lopez",
        "birth_date": "1985-03-14",
        "sex": "f",
        "version": marta.version,
    }
    # when reception edits her name and birth date into Maria Lopez's
    response = client.post(url, form)
    # then the edit is not saved and Maria is shown as a possible duplicate
    assert "Possible duplicate" in response.content.decode()
    assert patient.mrn in response.content.decode()
    marta.refresh_from_db()
    assert (marta.given_name, marta.birth_date) == ("Marta", dt.date(1990, 1, 1))
    # and once confirmed, it is saved and audited
    confirmed = client.post(
        url, {**form, "duplicates-shown": str(patient.public_id), "duplicates-confirmed": "on"}
    )
    assert confirmed.status_code == 302
    marta.refresh_from_db()
    assert marta.birth_date == dt.date(1985, 3, 14)
    update = AuditEvent.objects.get(action="update", patient=marta)
    assert "confirmed a different person from 1 possible duplicate" in update.detail


def test_it_does_not_ask_again_for_an_edit_that_leaves_the_look_alike_as_it_was(
    login, bob, riverside, patient
):
    # given two look-alike patients registered after a confirmation
    twin = _add(riverside, "RV000002", "Maria", "Lopez", dt.date(1985, 3, 14))
    # when reception changes the second one's address only
    response = login(bob).post(
        reverse("patients:edit", args=[twin.public_id]),
        {
            "given_name": "Maria",
            "family_name": "Lopez",
            "birth_date": "1985-03-14",
            "sex": "f",
            "address": "1 High Street",
            "version": twin.version,
        },
    )
    # then it is saved without a question: the edit created no new collision
    assert response.status_code == 302
    twin.refresh_from_db()
    assert twin.address == "1 High Street"


def test_it_looks_candidates_up_by_index_only(riverside):
    # given a clinic with a few thousand patients, and the planner's statistics
    from django.db import connection

    Patient.objects.bulk_create(
        Patient(
            clinic=riverside,
            mrn=f"RV{n:06d}",
            family_name=f"Family{n}",
            birth_date=dt.date(1940, 1, 1) + dt.timedelta(days=n * 7),
            email=f"p{n}@example.org",
            phone=f"+44 7700 {n:06d}",
            phone_normalised=f"+447700{n:06d}",
        )
        for n in range(3000)
    )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    # when the database plans the candidate query of a registration
    plan = Patient.objects.sharing_details(
        riverside, birth_date=dt.date(1985, 3, 14), email="A@B.org", phone="+44 7700 900123"
    ).explain()
    # then each alternative is one look-up in its own index, never a scan of the clinic
    for index in ("patient_clinic_birth", "patient_clinic_email", "patient_clinic_phone"):
        assert index in plan
