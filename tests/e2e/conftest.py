"""Real-browser fixtures: Playwright driving Debian's Chromium (/usr/bin/chromium).

No browser is downloaded: Playwright launches the system binary. Where it is missing the
tests skip with the reason, except when MESOCLINIC_REQUIRE_BROWSER=1 (CI), where that fails.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

CHROMIUM = Path(os.environ.get("MESOCLINIC_CHROMIUM", "/usr/bin/chromium"))
# The flags the workplace's own probe used: this machine's network is closed, and Chromium's
# background services would otherwise keep trying to reach the outside.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
]


@pytest.fixture(scope="session")
def _playwright() -> Iterator[Any]:
    if not CHROMIUM.exists():
        message = (
            f"{CHROMIUM} not found: install Debian's chromium package to run the browser tests"
        )
        if os.environ.get("MESOCLINIC_REQUIRE_BROWSER") == "1":
            pytest.fail(message)
        pytest.skip(message)
    # Playwright's sync API runs an event loop in this thread; the test still talks to the
    # database synchronously, which Django otherwise refuses inside a running loop.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    from playwright.sync_api import sync_playwright

    # One Playwright per run (its sync API cannot be started twice in a thread), shared by
    # the browsers below.
    with sync_playwright() as pw:
        yield pw


@pytest.fixture(scope="session")
def _playwright_browser(_playwright: Any) -> Iterator[Any]:
    browser = _playwright.chromium.launch(
        executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
    )
    yield browser
    browser.close()


@pytest.fixture(scope="session")
def _camera_browser(_playwright: Any) -> Iterator[Any]:
    """Chromium with a fake camera (a moving test pattern) that it opens without asking."""
    browser = _playwright.chromium.launch(
        executable_path=str(CHROMIUM),
        headless=True,
        args=[
            *CHROMIUM_ARGS,
            "--use-fake-device-for-media-stream",
            "--use-fake-ui-for-media-stream",
        ],
    )
    yield browser
    browser.close()


# Every page reports what its Content-Security-Policy refused (an inline script or handler, an
# inline style, eval): the site must need none of it. The listener is added by the browser
# itself (not by the page), so the policy does not apply to it.
CSP_LISTENER = """
document.addEventListener("securitypolicyviolation", function (e) {
  console.error("CSP violation: " + e.effectiveDirective + " refused " + (e.blockedURI || "inline")
    + " at " + e.documentURI);
}, true);
"""


@pytest.fixture
def csp_violations() -> list[str]:
    """What the pages' policy refused during the test; none, or the test fails."""
    return []


def _open(browser: Any, live_server: Any, violations: list[str], **options: Any) -> Any:
    context = browser.new_context(base_url=live_server.url, **options)
    context.add_init_script(CSP_LISTENER)
    context.set_default_timeout(15_000)
    pg = context.new_page()

    def note(message: Any) -> None:
        text = message.text
        if text.startswith("CSP violation") or "Content Security Policy" in text:
            violations.append(text)

    pg.on("console", note)
    return pg


@pytest.fixture
def page(_playwright_browser: Any, live_server: Any, csp_violations: list[str]) -> Iterator[Any]:
    pg = _open(
        _playwright_browser, live_server, csp_violations, viewport={"width": 1024, "height": 768}
    )
    yield pg
    pg.context.close()
    assert csp_violations == [], "the Content-Security-Policy refused:\n" + "\n".join(
        csp_violations
    )


@pytest.fixture
def phone_page(
    _playwright_browser: Any, live_server: Any, csp_violations: list[str]
) -> Iterator[Any]:
    pg = _open(
        _playwright_browser,
        live_server,
        csp_violations,
        viewport={"width": 390, "height": 844},
        is_mobile=True,
    )
    yield pg
    pg.context.close()
    assert csp_violations == [], "the Content-Security-Policy refused:\n" + "\n".join(
        csp_violations
    )


@pytest.fixture
def tablet_page(
    _playwright_browser: Any, live_server: Any, csp_violations: list[str]
) -> Iterator[Any]:
    """A touch tablet held upright (820 × 1180), as a nurse or practitioner uses one."""
    pg = _open(
        _playwright_browser,
        live_server,
        csp_violations,
        viewport={"width": 820, "height": 1180},
        is_mobile=True,
        has_touch=True,
    )
    yield pg
    pg.context.close()
    assert csp_violations == [], "the Content-Security-Policy refused:\n" + "\n".join(
        csp_violations
    )


@pytest.fixture
def camera_tablet_page(
    _camera_browser: Any, live_server: Any, csp_violations: list[str]
) -> Iterator[Any]:
    """The tablet of ``tablet_page`` with a camera the site is allowed to use (a fake one)."""
    pg = _open(
        _camera_browser,
        live_server,
        csp_violations,
        viewport={"width": 820, "height": 1180},
        is_mobile=True,
        has_touch=True,
        permissions=["camera"],
    )
    yield pg
    pg.context.close()
    assert csp_violations == [], "the Content-Security-Policy refused:\n" + "\n".join(
        csp_violations
    )
