"""The second sign-in step in a real browser: enrolling an authenticator app, signing in with
its code, and a passkey held by Chromium's virtual authenticator (DevTools' WebAuthn domain)."""

from __future__ import annotations

import base64
import re
import time

import pytest
from django_otp.oath import TOTP
from django_otp_webauthn.models import WebAuthnCredential

from conftest import PASSWORD
from mesoclinic.audit.models import AuditEvent
from tests.e2e.browser_actions import authenticator, fresh_code

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def _password(page, username: str) -> None:
    page.goto("/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()


def _code_from_secret(secret: str) -> str:
    """What an authenticator app that was given this key shows now."""
    key = base64.b32decode(secret + "=" * (-len(secret) % 8))
    maker = TOTP(key, 30, 0, 6, 0)
    maker.time = time.time()
    return str(maker.token()).zfill(6)


def test_it_enrols_an_authenticator_app_and_signs_in_with_its_code(page, alice):
    # given alice, a practitioner whose clinic requires a second step, and who has none yet
    # when she signs in with her password, she can only set one up
    _password(page, "alice")
    page.get_by_role("heading", name="Set up a second sign-in step").wait_for()
    page.goto("/patients/")
    page.get_by_role("heading", name="Set up a second sign-in step").wait_for()
    assert page.get_by_role("img", name="QR code to scan with your authenticator app").is_visible()
    # when her app is given the key and she types its code
    secret = page.locator("[data-totp-secret]").inner_text()
    page.get_by_label("Code").fill(_code_from_secret(secret))
    page.get_by_role("button", name="Confirm the app").click()
    # then she is shown ten recovery codes, once, and goes on to the page she asked for
    page.get_by_role("heading", name="Your recovery codes").wait_for()
    assert page.locator("[data-recovery-codes] li").count() == 10
    page.get_by_role("link", name="I have kept them: continue").click()
    page.get_by_role("heading", name="Patients").wait_for()

    # when she signs out and in again, the password alone opens nothing
    page.get_by_role("button", name="Sign out").click()
    _password(page, "alice")
    page.get_by_role("heading", name="Confirm it is you").wait_for()
    page.goto("/patients/")
    page.get_by_role("heading", name="Confirm it is you").wait_for()
    # and a wrong code is refused with the reason
    page.get_by_label("Code").fill("000000" if _code_from_secret(secret) != "000000" else "111111")
    page.get_by_role("button", name="Verify").click()
    page.get_by_role("alert").wait_for()
    assert "not right" in page.get_by_role("alert").inner_text()
    # then her app's next code lets her in, to the page she asked for
    page.get_by_label("Code").fill(fresh_code(authenticator("alice")))
    page.get_by_role("button", name="Verify").click()
    page.get_by_role("heading", name="Patients").wait_for()


def test_it_signs_in_with_a_passkey(page, alice, settings, live_server):
    # given the site answers passkeys at the test server's address
    settings.OTP_WEBAUTHN_RP_ID = "localhost"
    settings.OTP_WEBAUTHN_ALLOWED_ORIGINS = [live_server.url]
    # and the browser has a platform authenticator that says yes (DevTools' virtual one)
    cdp = page.context.new_cdp_session(page)
    cdp.send("WebAuthn.enable")
    cdp.send(
        "WebAuthn.addVirtualAuthenticator",
        {
            "options": {
                "protocol": "ctap2",
                "transport": "internal",
                "hasResidentKey": True,
                "hasUserVerification": True,
                "isUserVerified": True,
                "automaticPresenceSimulation": True,
            }
        },
    )
    # when alice, required to enrol, adds a passkey instead of an app
    _password(page, "alice")
    page.get_by_role("heading", name="Set up a second sign-in step").wait_for()
    page.get_by_role("button", name="Add a passkey").click()
    page.get_by_role("heading", name="Sign-in security").wait_for()
    assert WebAuthnCredential.objects.filter(user=alice.user, confirmed=True).count() == 1
    assert AuditEvent.objects.filter(detail="second step: passkey enrolled").exists()
    # and signs out and in again with her password
    page.get_by_role("button", name="Sign out").click()
    _password(page, "alice")
    page.get_by_role("heading", name="Confirm it is you").wait_for()
    # then her passkey is the second step
    page.get_by_role("button", name="Use a passkey").click()
    page.get_by_role("heading", name=re.compile("^Today")).wait_for()
    assert AuditEvent.objects.filter(detail="second step passed (passkey)").exists()
