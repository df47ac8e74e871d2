"""A clinic admin resets a staff member's second sign-in step (a lost phone): every device and
recovery code goes, the member enrols again at the next request, and it is audited; nobody
else may, and a person who also works at another clinic is left to the operator."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from conftest import PASSWORD
from mesoclinic.audit.models import AuditEvent
from mesoclinic.clinics.choices import Role
from mesoclinic.clinics.models import Membership
from mesoclinic.mfa.models import RecoveryCode
from mesoclinic.mfa.tests.helpers import ENROL, TODAY
from tests.second_step import sign_in

pytestmark = pytest.mark.django_db


def _reset(member: Membership) -> str:
    return reverse("staff_reset_second_step", args=[member.public_id])


@pytest.fixture
def alice_with_codes(alice: Membership) -> Client:
    """alice signed in past her second step on her own computer, with recovery codes."""
    client = sign_in(Client(), alice.user)
    client.post(reverse("mfa:regenerate_codes"), {"password": PASSWORD})
    assert RecoveryCode.objects.filter(device__user=alice.user).exists()
    return client


def test_it_removes_every_device_and_code_and_sends_the_member_to_enrol(
    login, ada, alice, alice_with_codes
):
    # given ada, the admin, on alice's staff page: one device set up
    admin = login(ada)
    page = admin.get(reverse("staff_edit", args=[alice.public_id])).content.decode()
    assert "1 authenticator app or passkey set up" in page
    # when she resets alice's second step
    response = admin.post(_reset(alice), follow=True)
    # then alice has no device nor recovery code left, and the admin is told so
    assert not TOTPDevice.objects.filter(user=alice.user).exists()
    assert not RecoveryCode.objects.filter(device__user=alice.user).exists()
    assert "Removed 1 second-step device of" in response.content.decode()
    # and it is audited, naming what was done and no secret
    event = AuditEvent.objects.get(detail__startswith="second sign-in step reset by an admin")
    assert event.user == ada.user
    assert event.detail == "second sign-in step reset by an admin (1 devices removed)"
    # and alice's open session must enrol again before anything opens
    assert alice_with_codes.get(TODAY)["Location"].startswith(ENROL)


@pytest.mark.parametrize("who", ["nina", "bob", "alice"])
def test_it_refuses_a_member_who_is_not_an_admin(request, login, ada, who):
    # given ada with a device, and a nurse, a receptionist or a practitioner
    sign_in(Client(), ada.user)
    member = request.getfixturevalue(who)
    # when they ask to reset ada's second step, then it is refused and nothing changes
    assert login(member).post(_reset(ada)).status_code == 403
    assert TOTPDevice.objects.filter(user=ada.user).exists()


def test_it_refuses_another_clinics_admin(hilltop, alice, alice_with_codes):
    # given Hilltop's admin
    user = User.objects.create_user("hana", password=PASSWORD)
    hana = Membership.objects.create(user=user, clinic=hilltop, role=Role.ADMIN)
    # when she posts a reset of Riverside's alice, then it is a 404 and nothing changes
    assert sign_in(Client(), hana.user).post(_reset(alice)).status_code == 404
    assert TOTPDevice.objects.filter(user=alice.user).exists()
    assert not AuditEvent.objects.filter(object_id=str(alice.public_id)).exists()


def test_it_leaves_someone_of_another_clinic_too_to_the_operator(login, ada, alice, hilltop, alice_with_codes):  # fmt: skip
    # given alice also works at Hilltop
    Membership.objects.create(user=alice.user, clinic=hilltop, role=Role.PRACTITIONER)
    # when Riverside's admin resets her second step
    response = login(ada).post(_reset(alice), follow=True)
    # then it is refused with the reason, and her devices stay
    assert "can be reset only by the operator" in response.content.decode()
    assert TOTPDevice.objects.filter(user=alice.user).exists()


def test_it_sends_the_admin_to_their_own_page_for_their_own_devices(login, ada):
    # when ada resets her own second step from the staff page
    response = login(ada).post(_reset(ada), follow=True)
    # then it is refused, her device stays
    assert "This is your own sign-in" in response.content.decode()
    assert TOTPDevice.objects.filter(user=ada.user).exists()


def test_it_does_nothing_on_a_get(login, ada, alice, alice_with_codes):
    # when the reset address is opened (a reload, a copied link), then nothing is removed
    assert login(ada).get(_reset(alice)).status_code == 405
    assert TOTPDevice.objects.filter(user=alice.user).exists()
