"""Enrolment, the second step at sign-in, recovery codes, and the throttle on wrong codes."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from mesoclinic.audit.choices import Action
from mesoclinic.audit.models import AuditEvent
from mesoclinic.clinics.models import Membership
from mesoclinic.mfa.models import RecoveryCode, WrongCode
from mesoclinic.mfa.services import PENDING_KEY
from mesoclinic.mfa.tests.helpers import (
    ENROL,
    TODAY,
    VERIFY,
    current_code,
    password_only,
    phone,
)

pytestmark = pytest.mark.django_db

RECOVERY = re.compile(r"<code>([0-9A-Z]{4}(?:-[0-9A-Z]{4}){3})</code>")


def _enrol(alice: Membership):
    client = password_only(alice.user)
    page = client.get(ENROL).content.decode()
    pending = TOTPDevice(key=client.session[PENDING_KEY])
    response = client.post(ENROL, {"code": current_code(pending), "next": TODAY})
    device = TOTPDevice.objects.get(user=alice.user)
    return client, page, device, response


def test_it_enrols_an_authenticator_app_with_its_first_code(alice: Membership) -> None:
    # given alice, whose clinic requires a second step of practitioners, signed in by password
    # when she opens enrolment, scans the QR code and types the app's first code
    client, page, device, response = _enrol(alice)
    # then the page showed the QR code as an image the CSP allows, and the key to type by hand
    # (opening it saved nothing: only the confirmed app is stored)
    assert 'src="data:image/svg+xml;base64,' in page
    assert "data-totp-secret" in page
    # and the app is confirmed, ten recovery codes are shown once, and the pages open
    device.refresh_from_db()
    assert device.confirmed
    codes = RECOVERY.findall(response.content.decode())
    assert len(codes) == 10
    assert RecoveryCode.objects.filter(device__user=alice.user).count() == 10
    assert client.get(TODAY).status_code == 200
    # and the enrolment is in the audit trail, with no secret or code in it
    event = AuditEvent.objects.get(action=Action.CREATE, object_id=str(device.pk))
    assert "authenticator app enrolled" in event.detail
    details = " ".join(AuditEvent.objects.values_list("detail", flat=True))
    assert all(code not in details for code in codes)
    assert device.key not in details


def test_it_keeps_recovery_codes_only_as_digests(alice: Membership) -> None:
    # given alice has enrolled and been shown her recovery codes
    _, _, _, response = _enrol(alice)
    codes = RECOVERY.findall(response.content.decode())
    # then no stored row holds a code, with or without its dashes
    stored = list(RecoveryCode.objects.values_list("salt", "digest"))
    flat = " ".join(f"{salt} {digest}" for salt, digest in stored)
    assert all(c not in flat and c.replace("-", "") not in flat for c in codes)


def test_it_refuses_a_wrong_enrolment_code_and_audits_it(alice: Membership) -> None:
    # given alice on the enrolment page
    client = password_only(alice.user)
    client.get(ENROL)
    device = TOTPDevice(key=client.session[PENDING_KEY])
    wrong = current_code(device, steps_ahead=7)
    # when she types a wrong code
    response = client.post(ENROL, {"code": wrong})
    # then no app is saved, she is still held at enrolment, and it is audited
    assert not TOTPDevice.objects.filter(user=alice.user).exists()
    assert "not right" in response.content.decode()
    assert client.get(TODAY)["Location"].startswith(ENROL)
    event = AuditEvent.objects.get(action=Action.LOGIN_FAILED, user=alice.user)
    assert "enrolment code refused" in event.detail
    assert wrong not in event.detail


def test_it_asks_for_the_code_after_a_correct_password(alice: Membership) -> None:
    # given alice has an authenticator app
    device = phone(alice.user)
    # when she signs in with her password
    client = password_only(alice.user)
    # then Today sends her to the second step, and her code opens it
    assert client.get(TODAY)["Location"].startswith(VERIFY)
    response = client.post(VERIFY, {"code": current_code(device), "next": TODAY})
    assert response.status_code == 302
    assert response["Location"] == TODAY
    assert client.get(TODAY).status_code == 200
    assert AuditEvent.objects.filter(action=Action.LOGIN, detail__contains="second step passed")


def test_it_refuses_a_wrong_code_at_sign_in(alice: Membership) -> None:
    # given alice signed in by password, with an app
    device = phone(alice.user)
    client = password_only(alice.user)
    # when she types a code that is not the current one
    wrong = current_code(device, steps_ahead=5)
    response = client.post(VERIFY, {"code": wrong})
    # then she stays at the second step, and the refusal is audited without the code
    assert response.status_code == 200
    assert client.get(TODAY)["Location"].startswith(VERIFY)
    event = AuditEvent.objects.get(action=Action.LOGIN_FAILED, user=alice.user)
    assert wrong not in event.detail


def test_it_accepts_a_recovery_code_only_once(alice: Membership) -> None:
    # given alice enrolled and kept her recovery codes
    _, _, _, response = _enrol(alice)
    code = RECOVERY.findall(response.content.decode())[0]
    # when she signs in on another computer and uses a recovery code
    first = password_only(alice.user)
    assert first.post(VERIFY, {"code": code.lower()})["Location"] == "/"
    assert first.get(TODAY).status_code == 200
    # then the same code does not work a second time
    second = password_only(alice.user)
    response = second.post(VERIFY, {"code": code})
    assert response.status_code == 200
    assert second.get(TODAY)["Location"].startswith(VERIFY)
    assert RecoveryCode.objects.filter(device__user=alice.user, used_at__isnull=False).count() == 1


def test_it_throttles_after_five_wrong_codes(alice: Membership) -> None:
    # given alice signed in by password, with an app
    device = phone(alice.user)
    client = password_only(alice.user)
    wrong = current_code(device, steps_ahead=7)
    # when five wrong codes are typed
    for _ in range(5):
        client.post(VERIFY, {"code": wrong})
    # then even the right code is refused, with the time to try again, counted in the database
    response = client.post(VERIFY, {"code": current_code(device)})
    assert response.status_code == 429
    assert re.search(r"Try again after \d\d:\d\d", response.content.decode())
    assert client.get(TODAY)["Location"].startswith(VERIFY)
    assert WrongCode.objects.filter(user=alice.user).count() == 5
    # and from another browser too (the count is the account's, not the session's)
    other = password_only(alice.user)
    assert other.post(VERIFY, {"code": current_code(device)}).status_code == 429
    # when fifteen minutes have passed since the wrong codes
    WrongCode.objects.update(at=timezone.now() - dt.timedelta(minutes=15, seconds=1))
    # then the right code opens the pages again
    assert client.post(VERIFY, {"code": current_code(device)}).status_code == 302
    assert client.get(TODAY).status_code == 200
