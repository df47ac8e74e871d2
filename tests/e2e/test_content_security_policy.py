"""The Content-Security-Policy holds in a real browser: an inline script that slipped into a
page does not run, and the page fixture's watch reports the refusal (so that the other
browser tests, which must end with no refusal at all, would notice one)."""

from __future__ import annotations

import pytest

from tests.e2e.browser_actions import sign_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

INJECT = """() => {
  const script = document.createElement("script");
  script.textContent = "window.injected = true";
  document.body.appendChild(script);
}"""


def test_it_refuses_an_inline_script_and_reports_it(page, alice, csp_violations):
    # given alice on today's list, served with the site's policy
    sign_in(page, "alice")
    assert csp_violations == []
    # when an inline script is slipped into the page
    with page.expect_console_message(lambda m: m.text.startswith("CSP violation")):
        page.evaluate(INJECT)
    # then it did not run, and the refusal was reported
    assert page.evaluate("window.injected") is None
    assert any("script-src" in v for v in csp_violations), csp_violations
    csp_violations.clear()  # expected here; any other test fails on one
