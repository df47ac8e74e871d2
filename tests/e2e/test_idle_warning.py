"""The warning before an idle sign-out, in a real browser: a banner counts down, "Stay signed
in" keeps the sign-in, and a page left alone ends on the sign-in page with the reason.

The clinic's idle period is made a few seconds long for the test (the warning then comes at
half of it); the server and the page use the same rules as with the default 15 minutes.
"""

from __future__ import annotations

import re

import pytest

from mesoclinic.clinics.models import Clinic
from tests.e2e.browser_actions import sign_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

# Long enough that a slow machine still presses the button before the end.
IDLE_SECONDS = 12


def test_it_warns_before_the_idle_sign_out_and_lets_the_member_stay(page, alice, riverside):
    # given Riverside signs its members out after a few idle seconds, and alice signs in
    Clinic.objects.filter(pk=riverside.pk).update(idle_timeout_seconds=IDLE_SECONDS)
    sign_in(page, "alice")
    banner = page.get_by_role("alertdialog")
    stay = page.get_by_role("button", name="Stay signed in")

    # when she leaves the page alone, the warning appears with a countdown
    stay.wait_for(state="visible")
    assert "You will be signed out in" in banner.inner_text()
    assert re.search(r"\d:\d\d", banner.inner_text())

    # and when she chooses to stay, the banner goes and her sign-in goes on
    stay.click()
    banner.wait_for(state="hidden")
    assert page.get_by_role("heading", name=re.compile("^Today")).is_visible()

    # then, left alone again, she is warned again and finally sent to sign in, with the reason
    stay.wait_for(state="visible")
    page.get_by_role("heading", name="Sign in").wait_for()
    assert "/login/?next=" in page.url
    assert f"You were signed out after {IDLE_SECONDS} seconds without activity" in page.content()
