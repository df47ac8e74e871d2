"""A French-speaking practitioner works in French; her patient answers the aftercare check-in
in Spanish on a phone (issue 12).

The practitioner's pages speak her own language (her profile), the patient's pages theirs (the
patient's record), whatever language each browser asks for. This test asserts the French and
Spanish of the shared templates and of the apps translated with them (sign-in, second step,
Today, the chart); the check-in questions and the session pages are asserted in English by
their own tests until their apps' catalogues are merged, so here they are driven by their
structure (the page's language, its form's groups and button), not their words.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.core import mail
from django.utils import timezone

from conftest import PASSWORD
from mesoclinic.aftercare.services import send_check_in
from mesoclinic.clinics.language import set_language
from tests.e2e.browser_actions import authenticator, fresh_code
from tests.e2e.conftest import _open
from tests.e2e.test_aftercare_checkin import five_week_check_in  # noqa: F401  (a fixture)

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def french_page(_playwright_browser: Any, live_server: Any, csp_violations: list[str]) -> Any:
    """A desktop browser whose own language is French."""
    pg = _open(
        _playwright_browser,
        live_server,
        csp_violations,
        viewport={"width": 1366, "height": 768},
        locale="fr-FR",
    )
    yield pg
    pg.context.close()
    assert csp_violations == [], "\n".join(csp_violations)


def _sign_in_in_french(page: Any, username: str) -> None:
    device = authenticator(username)
    page.goto("/login/")
    page.get_by_role("heading", name="Se connecter").wait_for()
    page.get_by_label("Identifiant").fill(username)
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    page.get_by_role("heading", name="Confirmez que c'est bien vous").wait_for()
    page.get_by_label("Code").fill(fresh_code(device))
    page.get_by_role("button", name="Vérifier").click()
    page.get_by_role("heading", name=re.compile("^Aujourd'hui")).wait_for()


def test_it_serves_the_practitioner_in_french_and_the_patient_in_spanish(
    french_page,
    phone_page,
    alice,
    patient,
    five_week_check_in,  # noqa: F811
):
    # given alice, who works in French, and her patient Maria, who reads Spanish
    set_language(alice.user, "fr")
    patient.preferred_language = "es"
    patient.save()
    session = five_week_check_in.session

    # when alice signs in and opens Maria's chart and the session she signed
    _sign_in_in_french(french_page, "alice")
    nav = french_page.get_by_role("navigation", name="Principal")
    assert nav.get_by_role("link", name="Aujourd'hui").is_visible()
    nav.get_by_role("link", name="Patients").wait_for()
    french_page.goto(f"/patients/{patient.public_id}/")
    # then the chart is in French, its dates written the French way
    assert french_page.locator("html").get_attribute("lang") == "fr"
    french_page.get_by_role("heading", name="Chronologie").wait_for()
    chart = french_page.locator("main").inner_text()
    assert "Né(e) le" in chart
    assert "14/03/1985" in chart
    assert french_page.get_by_role("button", name="Se déconnecter").is_visible()
    french_page.goto(f"/treatments/{session.public_id}/")
    assert french_page.locator("html").get_attribute("lang") == "fr"

    # when the check-in falls due, its link goes to Maria in Spanish
    assert send_check_in(five_week_check_in, timezone.now())
    (message,) = mail.outbox
    path = re.search(r"/c/[0-9a-f-]+/[^/\s]+/", message.body)
    assert path is not None
    # and Maria opens it on her phone, whose browser asks for English
    phone_page.goto(path.group(0))
    # then the page speaks Spanish
    assert phone_page.locator("html").get_attribute("lang") == "es"
    assert phone_page.get_by_role("link", name="Ir al contenido").count() == 1
    assert phone_page.evaluate("document.documentElement.scrollWidth") <= 390
    # and she answers every question (the first choice of each) and sends her answers
    form = phone_page.locator("main form")
    for group in form.get_by_role("group").all():
        radios = group.get_by_role("radio")
        if radios.count():
            radios.first.check()
    form.get_by_role("button").last.click()
    phone_page.wait_for_load_state()
    assert phone_page.locator("html").get_attribute("lang") == "es"
    five_week_check_in.refresh_from_db()
    assert five_week_check_in.status == "answered"
