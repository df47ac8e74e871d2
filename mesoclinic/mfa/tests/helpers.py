"""Shared steps of the second-step tests: a device, its current code, a password sign-in."""

from __future__ import annotations

import time
from typing import Any

from django.test import Client
from django.urls import reverse
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from conftest import PASSWORD

VERIFY = reverse("mfa:verify")
ENROL = reverse("mfa:enrol")
TODAY = reverse("today")


def current_code(device: TOTPDevice, steps_ahead: int = 0) -> str:
    """What the person's phone shows now (or ``steps_ahead`` 30-second steps later)."""
    maker = TOTP(device.bin_key, device.step, device.t0, device.digits, 0)
    maker.time = time.time() + steps_ahead * device.step
    return str(maker.token()).zfill(device.digits)


def phone(user: Any) -> TOTPDevice:
    return TOTPDevice.objects.create(user=user, name="Phone", confirmed=True)


def password_only(user: Any) -> Client:
    """Signed in with the password through the real form, nothing more."""
    client = Client()
    response = client.post(reverse("login"), {"username": user.username, "password": PASSWORD})
    assert response.status_code == 302, "the password sign-in failed"
    return client
