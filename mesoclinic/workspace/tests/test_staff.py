"""Clinic admins manage who works in their clinic and in which role."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User
from django.urls import reverse

from mesoclinic.clinics.models import Membership
from tests.second_step import sign_in

pytestmark = pytest.mark.django_db

NEW_NURSE = {
    "username": "nora",
    "first_name": "Nora",
    "last_name": "Nash",
    "email": "nora@example.org",
    "role": "nurse",
    "profession": "registered_nurse",
    "registration_number": "NMC-1",
    "password": "a long enough passphrase",
}


def test_it_lets_the_admin_add_a_nurse(login, ada):
    response = login(ada).post(reverse("staff_create"), NEW_NURSE)
    assert response.status_code == 302
    membership = Membership.objects.get(user__username="nora")
    assert membership.clinic == ada.clinic
    assert membership.role == "nurse"
    assert membership.profile.registration_number == "NMC-1"


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"password": "short"}, "Password: This password is too short"),
        (
            {"role": "practitioner", "registration_number": ""},
            "Registration number: A practitioner needs a registration number.",
        ),
        (
            {"role": "nurse", "profession": ""},
            "Profession: A practitioner or nurse needs a profession.",
        ),
        ({"username": "alice"}, "Username: That username is taken"),
    ],
)
def test_it_names_the_field_when_staff_details_are_wrong(login, ada, alice, change, message):
    response = login(ada).post(reverse("staff_create"), {**NEW_NURSE, **change})
    assert message in response.content.decode()
    assert not User.objects.filter(username="nora").exists()


def test_it_keeps_at_least_one_admin(login, ada):
    response = login(ada).post(
        reverse("staff_edit", args=[ada.public_id]),
        {
            "role": "practitioner",
            "is_active": "on",
            "profession": "physician",
            "registration_number": "X",
            "version": ada.version,
        },
    )
    assert "You cannot remove your own admin role" in response.content.decode()
    ada.refresh_from_db()
    assert ada.role == "admin"


def test_it_deactivates_a_member_who_then_sees_nothing(login, ada, alice, patient, client):
    login(ada).post(
        reverse("staff_edit", args=[alice.public_id]),
        {
            "role": "practitioner",
            "profession": "physician",
            "registration_number": "GMC1",
            "version": alice.version,
        },
    )
    alice.refresh_from_db()
    assert alice.is_active is False
    sign_in(client, alice.user)
    response = client.get(reverse("patient_chart", args=[patient.public_id]))
    assert response.status_code == 403


@pytest.mark.parametrize("persona", ["alice", "nina", "bob", "rita"])
def test_it_refuses_staff_management_to_other_roles(login, persona, request, ada):
    # given a clinic with its admin, and another member signed in
    client = login(request.getfixturevalue(persona))
    before = Membership.objects.values().get(pk=ada.pk)
    # when they open the staff list, add a nurse, and make the admin a receptionist
    listing = client.get(reverse("staff_list"))
    added = client.post(reverse("staff_create"), NEW_NURSE)
    edited = client.post(
        reverse("staff_edit", args=[ada.public_id]),
        {"role": "reception", "is_active": "on", "version": ada.version},
    )
    # then each is refused, the list of staff is not shown, no one was added and the admin
    # is unchanged
    assert [listing.status_code, added.status_code, edited.status_code] == [403, 403, 403]
    assert "Ada" not in listing.content.decode()
    assert not User.objects.filter(username="nora").exists()
    assert Membership.objects.values().get(pk=ada.pk) == before


def test_it_never_shows_or_edits_another_clinics_staff(login, ada, charlie):
    client = login(ada)
    assert "charlie" not in client.get(reverse("staff_list")).content.decode()
    assert client.get(reverse("staff_edit", args=[charlie.public_id])).status_code == 404


def test_it_switches_between_the_users_clinics(login, alice, hilltop, client):
    Membership.objects.create(user=alice.user, clinic=hilltop, role="practitioner")
    client = login(alice)
    assert "Work in Hilltop Skin Clinic" in client.get(reverse("today")).content.decode()
    client.post(reverse("switch_clinic", args=[hilltop.public_id]))
    assert (
        "Hilltop Skin Clinic" in client.get(reverse("today")).content.decode().split("<main", 1)[0]
    )
