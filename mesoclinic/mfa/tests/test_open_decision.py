"""The guard remembers "open without a second step" for a short while, and forgets it as soon
as what it depends on changes (open_decision.py)."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from mesoclinic.clinics.choices import Role
from mesoclinic.clinics.models import Clinic, Membership
from mesoclinic.mfa import open_decision, policy
from mesoclinic.mfa.choices import RequiredFor
from mesoclinic.mfa.models import ClinicMfaPolicy
from mesoclinic.mfa.tests.helpers import ENROL, TODAY, VERIFY, password_only, phone
from tests.second_step import sign_in

pytestmark = pytest.mark.django_db


def _refuse(*_: Any) -> bool:
    raise AssertionError("the guard asked the database again")


def test_it_spares_the_checks_on_the_next_request(
    nina: Membership, monkeypatch: pytest.MonkeyPatch
) -> None:
    # given a nurse, whom the default rule does not cover, signed in with her password
    client = password_only(nina.user)
    assert client.get(TODAY).status_code == 200
    # when she opens another page at once, with the checks made to fail if asked again
    monkeypatch.setattr(policy, "has_authenticator", _refuse)
    monkeypatch.setattr(policy, "is_required", _refuse)
    # then the page opens from the remembered decision
    assert client.get(reverse("patients:list")).status_code == 200


def test_it_takes_the_clinic_rule_at_the_next_request(
    ada: Membership, nina: Membership, riverside: Clinic
) -> None:
    # given a nurse working with her password only, her "open" remembered
    nurse = password_only(nina.user)
    assert nurse.get(TODAY).status_code == 200
    assert open_decision.SESSION_KEY in nurse.session
    # when the admin requires the second step of every role
    admin = sign_in(Client(), ada.user)
    admin.post(reverse("mfa:clinic_policy"), {"required_for": RequiredFor.EVERYONE})
    # then the nurse's very next request is sent to enrolment
    assert nurse.get(TODAY)["Location"].startswith(ENROL)


def test_it_takes_a_new_role_or_device_at_the_next_request(nina: Membership) -> None:
    # given a nurse working with her password only
    nurse = password_only(nina.user)
    assert nurse.get(TODAY).status_code == 200
    # when she is made a practitioner, then her next request goes to enrolment
    nina.role = Role.PRACTITIONER
    nina.save()
    assert nurse.get(TODAY)["Location"].startswith(ENROL)
    # and when she is a nurse again but has a device, then her next request asks for its code
    nina.role = Role.NURSE
    nina.save()
    phone(nina.user)
    assert nurse.get(TODAY)["Location"].startswith(VERIFY)


def test_it_sees_a_change_made_elsewhere_within_the_bound(
    nina: Membership, riverside: Clinic, monkeypatch: pytest.MonkeyPatch
) -> None:
    # given a nurse working with her password only, her "open" remembered
    ClinicMfaPolicy.objects.create(clinic=riverside)
    nurse = password_only(nina.user)
    assert nurse.get(TODAY).status_code == 200
    # when another server process requires every role (an UPDATE this process never hears of)
    ClinicMfaPolicy.objects.filter(clinic=riverside).update(required_for=RequiredFor.EVERYONE)
    now = open_decision.clock()
    # then the remembered decision holds only until the bound, and not a moment after it
    monkeypatch.setattr(open_decision, "clock", lambda: now + 1)
    assert nurse.get(TODAY).status_code == 200
    monkeypatch.setattr(open_decision, "clock", lambda: now + open_decision.RECHECK_SECONDS + 1)
    assert nurse.get(TODAY)["Location"].startswith(ENROL)


def test_it_does_not_carry_the_decision_to_another_person(
    nina: Membership, alice: Membership
) -> None:
    # given a nurse's session whose "open" is remembered
    nurse = password_only(nina.user)
    assert nurse.get(TODAY).status_code == 200
    remembered = nurse.session[open_decision.SESSION_KEY]
    # when the same remembered value is found in a practitioner's session
    practitioner = password_only(alice.user)
    session = practitioner.session
    session[open_decision.SESSION_KEY] = remembered
    session.save()
    # then it counts for nothing: she is sent to enrolment
    assert practitioner.get(TODAY)["Location"].startswith(ENROL)
