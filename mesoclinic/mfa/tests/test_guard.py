"""Who must pass the second step, and that a session without it opens nothing else."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from mesoclinic.audit.choices import Action
from mesoclinic.audit.models import AuditEvent
from mesoclinic.clinics.models import Clinic, Membership
from mesoclinic.mfa import policy
from mesoclinic.mfa.choices import RequiredFor
from mesoclinic.mfa.middleware import ALWAYS_OPEN
from mesoclinic.mfa.models import ClinicMfaPolicy
from mesoclinic.mfa.tests.helpers import ENROL, TODAY, VERIFY, password_only, phone
from tests.route_walk import record_ids, routes, urls
from tests.second_step import sign_in

pytestmark = pytest.mark.django_db

RULE = reverse("mfa:clinic_policy")
# The second step's own addresses; and what needs no second step: the page's question about
# its sign-in clock (numbers only), and the health check. Widening this list fails the test.
SECOND_STEP = {"mfa:verify", "mfa:passkey_auth_begin", "mfa:passkey_auth_complete"}
OPEN_ANYWAY = {"login", "logout", "session_time_left", "session_keep_alive", "healthz"}


def test_it_sends_a_required_role_without_a_device_to_enrolment(
    alice: Membership, ada: Membership, nina: Membership
) -> None:
    # given a practitioner and an admin with no device, and a nurse with none either
    for member in (alice, ada):
        client = password_only(member.user)
        # when they open any page after the password, then they are sent to enrolment only
        assert client.get(TODAY)["Location"].startswith(ENROL)
        assert client.get(reverse("patients:list"))["Location"].startswith(ENROL)
        assert client.get(ENROL).status_code == 200
    # and the nurse, whose role the default rule does not cover, works with her password
    assert password_only(nina.user).get(TODAY).status_code == 200


def test_it_requires_every_role_when_the_clinic_says_so(
    ada: Membership, nina: Membership, riverside: Clinic
) -> None:
    # given Riverside's admin, signed in past her second step
    admin = sign_in(Client(), ada.user)
    # when she requires the second step of every role on the clinic settings page
    assert (
        'action="/account/second-step/clinic-rule/"'
        in admin.get(reverse("clinic_settings")).content.decode()
    )
    response = admin.post(RULE, {"required_for": RequiredFor.EVERYONE})
    # then the rule is saved and audited, and the nurse is now sent to enrolment
    assert response["Location"] == reverse("clinic_settings")
    assert policy.required_for(riverside) == RequiredFor.EVERYONE
    assert AuditEvent.objects.filter(
        action=Action.UPDATE,
        clinic=riverside,
        detail__contains="second sign-in step required for Every role",
    ).exists()
    assert password_only(nina.user).get(TODAY)["Location"].startswith(ENROL)


def test_it_lets_only_the_clinic_admin_change_the_rule(
    alice: Membership, riverside: Clinic
) -> None:
    # given a practitioner signed in past her second step
    client = sign_in(Client(), alice.user)
    # when she tries to switch the rule off, then she is refused and nothing changes
    assert client.post(RULE, {"required_for": RequiredFor.NOBODY}).status_code == 403
    assert policy.required_for(riverside) == RequiredFor.PRACTITIONERS_AND_ADMINS


def test_it_lets_a_clinic_switch_the_requirement_off(alice: Membership, riverside: Clinic) -> None:
    # given Riverside requires nobody (as the demo clinics do)
    ClinicMfaPolicy.objects.create(clinic=riverside, required_for=RequiredFor.NOBODY)
    # then a practitioner without a device works with her password
    assert password_only(alice.user).get(TODAY).status_code == 200
    # but one who has set up a device must still use it
    phone(alice.user)
    assert password_only(alice.user).get(TODAY)["Location"].startswith(VERIFY)


def test_it_requires_practitioners_and_admins_in_a_new_clinic() -> None:
    # when an operator creates a clinic
    call_command("create_clinic", "lakeside", name="Lakeside Clinic", stdout=StringIO())
    # then its practitioners and admins must pass a second step, and the other roles may
    clinic = Clinic.objects.get(slug="lakeside")
    assert policy.required_for(clinic) == RequiredFor.PRACTITIONERS_AND_ADMINS
    assert policy.role_requires(policy.required_for(clinic), "practitioner")
    assert policy.role_requires(policy.required_for(clinic), "admin")
    assert not policy.role_requires(policy.required_for(clinic), "reception")


@pytest.mark.parametrize("htmx", [False, True], ids=["page", "htmx"])
def test_it_refuses_a_half_signed_in_session_on_every_route(
    alice: Membership, riverside: Clinic, htmx: bool
) -> None:
    # given only the expected addresses are open to a password-only session
    assert ALWAYS_OPEN == OPEN_ANYWAY
    # and alice, who has an app, signed in with her password but not yet her code
    phone(alice.user)
    client = password_only(alice.user)
    headers = {"HX-Request": "true"} if htmx else {}
    ids = record_ids(riverside)
    opened = []
    walked = 0
    # when she opens every route of the walk, by GET and by POST
    for route in routes():
        for url in urls(route, riverside, ids)[:2]:
            if route.name in SECOND_STEP or route.name in ALWAYS_OPEN:
                continue
            for method in (client.get, client.post):
                walked += 1
                response = method(url, headers=headers)
                target = response.get("HX-Redirect" if htmx else "Location", "")
                if not (response.status_code in (200, 302) and target.startswith(VERIFY)):
                    opened.append(f"{method.__name__.upper()} {url}: {response.status_code}")
    # then every one sends her to the second step, and none answers anything else
    assert walked > 200
    assert opened == []
