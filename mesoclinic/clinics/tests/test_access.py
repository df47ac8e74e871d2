"""Roles, clinic scoping and sign-in protection."""

from __future__ import annotations

import zoneinfo

import pytest
from django.contrib.auth.hashers import identify_hasher
from django.urls import reverse
from django.utils import timezone

from mesoclinic import settings as project_settings
from mesoclinic.clinics.roles import Perm, role_has
from mesoclinic.patients.models import Patient
from mesoclinic.treatments.models import TreatmentSession

pytestmark = pytest.mark.django_db

# The role table, from design.md "Who uses it": one row per (role, permission, allowed).
ROLE_TABLE = [
    ("practitioner", Perm.SIGN, True),
    ("practitioner", Perm.VIEW_CLINICAL, True),
    ("nurse", Perm.EDIT_CLINICAL, True),
    ("nurse", Perm.SIGN, False),
    ("reception", Perm.VIEW_DEMOGRAPHICS, True),
    ("reception", Perm.VIEW_CLINICAL, False),
    ("reception", Perm.SIGN, False),
    ("admin", Perm.VIEW_AUDIT, True),
    ("admin", Perm.MANAGE_FORMULARY, True),
    ("admin", Perm.VIEW_CLINICAL, False),
    ("researcher", Perm.VIEW_EVIDENCE, True),
    ("researcher", Perm.VIEW_DEMOGRAPHICS, False),
    ("researcher", Perm.EXPORT_IDENTIFIED, False),
    ("unknown-role", Perm.VIEW_DEMOGRAPHICS, False),
]


@pytest.mark.parametrize(("role", "perm", "allowed"), ROLE_TABLE)
def test_it_follows_the_role_table(role, perm, allowed):
    assert role_has(role, perm) is allowed


def test_it_scopes_every_restricted_query_to_the_users_clinic(alice, charlie, patient, hilltop):
    Patient.objects.create(clinic=hilltop, mrn="HT000001", family_name="Other")
    assert list(Patient.objects.restrict(alice, Perm.VIEW_DEMOGRAPHICS)) == [patient]
    assert [p.mrn for p in Patient.objects.restrict(charlie, Perm.VIEW_DEMOGRAPHICS)] == [
        "HT000001"
    ]


def test_it_gives_nothing_to_a_role_without_the_permission(rita, patient):
    assert not Patient.objects.restrict(rita, Perm.VIEW_DEMOGRAPHICS).exists()
    assert not Patient.objects.restrict(None, Perm.VIEW_DEMOGRAPHICS).exists()


def test_it_gives_nothing_to_a_deactivated_membership(alice, patient):
    alice.is_active = False
    assert not Patient.objects.restrict(alice, Perm.VIEW_DEMOGRAPHICS).exists()


def test_it_hashes_passwords_with_argon2_by_default():
    # (the test run swaps in a fast hasher, so read the project settings module itself)
    assert project_settings.PASSWORD_HASHERS[0].endswith("Argon2PasswordHasher")


def test_it_stores_an_argon2_hash(settings, alice):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.Argon2PasswordHasher"]
    alice.user.set_password("another long passphrase")
    alice.user.save()
    assert identify_hasher(alice.user.password).algorithm == "argon2"


def test_it_locks_out_after_repeated_failed_sign_ins(client, settings, alice):
    # given login throttling is on with its default limit
    settings.AXES_ENABLED = True
    # when someone guesses wrong five times
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post(
            reverse("login"), {"username": "alice", "password": "guess"}, REMOTE_ADDR="10.0.0.9"
        )
    # then even the right password is refused from that address for now
    response = client.post(
        reverse("login"),
        {"username": "alice", "password": "correct horse battery staple"},
        REMOTE_ADDR="10.0.0.9",
    )
    assert response.status_code == 429
    assert "Too many failed sign-in attempts" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_it_sends_anonymous_visitors_to_sign_in(client, patient):
    response = client.get(reverse("patient_chart", args=[patient.public_id]))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_it_shows_times_in_the_clinics_own_zone(login, alice, patient, riverside):
    # given a clinic in New York and a session recorded just now
    riverside.time_zone = "America/New_York"
    riverside.save()
    now = timezone.now()
    TreatmentSession.objects.create(
        clinic=riverside, patient=patient, performed_at=now, indication="cellulite"
    )
    # when the practitioner opens today's list
    body = login(alice).get(reverse("today")).content.decode()
    # then the time is New York's, not the server's
    new_york = timezone.localtime(now, zoneinfo.ZoneInfo("America/New_York")).strftime("%H:%M")
    london = timezone.localtime(now, zoneinfo.ZoneInfo("Europe/London")).strftime("%H:%M")
    assert new_york in body
    assert london not in body
