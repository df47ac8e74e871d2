"""One's own devices: removing one and new recovery codes ask for the password again."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from conftest import PASSWORD
from mesoclinic.audit.choices import Action
from mesoclinic.audit.models import AuditEvent
from mesoclinic.clinics.models import Membership
from mesoclinic.mfa.models import RecoveryCode, WrongCode
from mesoclinic.mfa.tests.helpers import ENROL, TODAY
from tests.second_step import sign_in

pytestmark = pytest.mark.django_db

MANAGE = reverse("mfa:manage")
REMOVE = reverse("mfa:remove_device")
CODES = reverse("mfa:regenerate_codes")


def _with_codes(member: Membership) -> tuple[Client, TOTPDevice]:
    client = sign_in(Client(), member.user)
    device = TOTPDevice.objects.get(user=member.user)
    client.post(CODES, {"password": PASSWORD})
    return client, device


def test_it_removes_a_device_only_with_the_password(alice: Membership) -> None:
    # given alice, signed in past her second step, with an app and recovery codes
    client, device = _with_codes(alice)
    assert device.persistent_id in client.get(MANAGE).content.decode()
    # when she asks to remove it with a wrong password
    client.post(REMOVE, {"device": device.persistent_id, "password": "not my password"})
    # then it stays, and the wrong password counts towards the throttle, audited
    assert TOTPDevice.objects.filter(pk=device.pk).exists()
    assert WrongCode.objects.filter(user=alice.user).count() == 1
    assert AuditEvent.objects.filter(action=Action.LOGIN_FAILED, user=alice.user).exists()
    # when she removes it with her password
    client.post(REMOVE, {"device": device.persistent_id, "password": PASSWORD})
    # then it is gone with her recovery codes (the last device), audited, and her role sends
    # her back to enrolment
    assert not TOTPDevice.objects.filter(pk=device.pk).exists()
    assert not RecoveryCode.objects.filter(device__user=alice.user).exists()
    assert AuditEvent.objects.filter(
        action=Action.UPDATE, detail="second step: authenticator app removed"
    ).exists()
    assert client.get(TODAY)["Location"].startswith(ENROL)


def test_it_refuses_to_remove_another_persons_device(alice: Membership, ada: Membership) -> None:
    # given alice and ada each with an app
    client, _ = _with_codes(alice)
    sign_in(Client(), ada.user)
    theirs = TOTPDevice.objects.get(user=ada.user)
    # when alice posts ada's device with her own password, then it stays
    client.post(REMOVE, {"device": theirs.persistent_id, "password": PASSWORD})
    assert TOTPDevice.objects.filter(pk=theirs.pk).exists()


def test_it_replaces_every_recovery_code_when_asked(alice: Membership) -> None:
    # given alice with her first set of codes
    client, _ = _with_codes(alice)
    first = set(RecoveryCode.objects.values_list("digest", flat=True))
    # when she asks for new ones with her password
    response = client.post(CODES, {"password": PASSWORD})
    # then ten new codes are shown, the old ones are gone, and it is audited
    assert response.content.decode().count("<li><code>") == 10
    second = set(RecoveryCode.objects.values_list("digest", flat=True))
    assert len(second) == 10
    assert not first & second
    assert AuditEvent.objects.filter(detail="second step: new recovery codes issued").count() == 2
