"""A person signs in with the real browser and lands on today's list."""

from __future__ import annotations

import re

import pytest

from tests.e2e.browser_actions import sign_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_it_signs_in_and_shows_today(page, alice):
    # given alice has an account and an authenticator app
    # when she signs in through the login form and types her app's code
    sign_in(page, "alice")
    # then she sees today's list for her clinic
    page.get_by_role("heading", name=re.compile(r"^Today, ")).wait_for()
    assert "Riverside Aesthetics" in page.content()


def test_it_refuses_a_wrong_password(page, alice):
    page.goto("/login/")
    page.get_by_label("Username").fill("alice")
    page.get_by_label("Password").fill("not the password")
    page.get_by_role("button", name="Sign in").click()
    page.get_by_role("alert").wait_for()
    assert "did not match" in page.get_by_role("alert").inner_text()
