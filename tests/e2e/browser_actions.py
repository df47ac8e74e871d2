"""What a person does in the browser again and again: sign in, pick an option by its label."""

from __future__ import annotations

import re
import time
from typing import Any

from django.contrib.auth.models import User
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from conftest import PASSWORD


def sign_in(page: Any, username: str) -> None:
    """The password, then the code of the person's authenticator app (given one here)."""
    device = authenticator(username)
    page.goto("/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_role("heading", name="Confirm it is you").wait_for()
    page.get_by_label("Code").fill(fresh_code(device))
    page.get_by_role("button", name="Verify").click()
    page.get_by_role("heading", name=re.compile("^Today")).wait_for()


def authenticator(username: str) -> TOTPDevice:
    user = User.objects.get(username=username)
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    return device or TOTPDevice.objects.create(user=user, name="Phone", confirmed=True)


def fresh_code(device: TOTPDevice) -> str:
    """A code the app would show that the device has not accepted yet (an app code works
    once): this 30-second step's, or the next one's, which the server also accepts."""
    device.refresh_from_db()

    def now() -> int:
        return int((time.time() - device.t0) // device.step)

    step = max(now(), device.last_t + 1)
    while step > now() + 1:
        time.sleep(1)
    maker = TOTP(device.bin_key, device.step, device.t0, device.digits, 0)
    maker.time = step * device.step + device.t0
    return str(maker.token()).zfill(device.digits)


def choose(select: Any, text: str) -> None:
    """Pick the option whose label contains ``text``."""
    value = select.locator("option", has_text=text).first.get_attribute("value")
    select.select_option(value)
