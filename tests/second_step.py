"""Signing a test client in past the second step, as the real sign-in does.

``force_login`` stands for the password; this stands for the code. The production guard
(mfa.middleware) is unchanged: the session carries a real confirmed device of the user, as it
does after ``mfa:verify``.
"""

from __future__ import annotations

from typing import Any

from django.test import Client
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice


def mark_verified(client: Client, user: Any) -> TOTPDevice:
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="Test phone", confirmed=True)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return device


def sign_in(client: Client, user: Any) -> Client:
    """Password and second step, both passed."""
    client.force_login(user)
    mark_verified(client, user)
    return client
