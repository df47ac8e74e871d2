"""What a person does in the browser again and again: sign in, pick an option by its label."""

from __future__ import annotations

import re
from typing import Any

from conftest import PASSWORD


def sign_in(page: Any, username: str) -> None:
    page.goto("/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_role("heading", name=re.compile("^Today")).wait_for()


def choose(select: Any, text: str) -> None:
    """Pick the option whose label contains ``text``."""
    value = select.locator("option", has_text=text).first.get_attribute("value")
    select.select_option(value)
