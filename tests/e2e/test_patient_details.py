"""Reception and a practitioner work with a patient's details on a tablet (820 px wide)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from mesoclinic.patients.models import Patient
from tests.e2e.browser_actions import sign_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def tablet(_playwright_browser: Any, live_server: Any) -> Iterator[Any]:
    context = _playwright_browser.new_context(
        viewport={"width": 820, "height": 1180}, base_url=live_server.url, has_touch=True
    )
    context.set_default_timeout(15_000)
    pg = context.new_page()
    yield pg
    context.close()


def _fits(page: Any) -> bool:
    """Nothing on the page is wider than the screen (no sideways scrolling)."""
    return bool(page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"))


def test_it_warns_reception_of_a_look_alike_before_registering(tablet, bob, patient):
    # given reception on the register form of a tablet
    sign_in(tablet, "bob")
    tablet.goto("/patients/new/")
    assert tablet.get_by_label("Allergies").count() == 0
    # when they register "MARIA LÓPEZ" born the same day as Maria Lopez
    tablet.get_by_label("Given name").fill("MARIA")
    tablet.get_by_label("Family name").fill("López")
    tablet.get_by_label("Birth date").fill("1985-03-14")
    tablet.get_by_role("button", name="Register").click()
    # then the possible duplicate is shown, with a link to her chart, and nothing is saved
    warning = tablet.locator("#possible-duplicates")
    warning.wait_for()
    assert patient.mrn in warning.inner_text()
    assert warning.get_by_role("link", name="Maria Lopez").get_attribute("target") == "_blank"
    assert Patient.objects.count() == 1
    assert _fits(tablet)
    # and once reception confirms a different person, the patient is registered
    tablet.get_by_label("This is a different person").check()
    tablet.get_by_role("button", name="Register").click()
    tablet.get_by_text("Registered MARIA López").wait_for()
    assert Patient.objects.count() == 2
    assert _fits(tablet)


def test_it_shows_reception_and_a_practitioner_the_fields_of_their_role(
    tablet, bob, alice, patient
):
    # given reception opens Edit details on a tablet
    sign_in(tablet, "bob")
    tablet.goto(f"/patients/{patient.public_id}/edit/")
    # then there is no allergy or medication field, and the page fits the screen
    assert tablet.get_by_label("Phone").count() == 1
    assert tablet.get_by_label("Allergies").count() == 0
    assert tablet.get_by_label("Current medications").count() == 0
    assert _fits(tablet)
    # when reception saves a new phone number
    tablet.get_by_label("Phone").fill("+44 7700 900999")
    # (typed again: the edit form's date rendering is finding 2 of issue 8, tested on its own)
    tablet.get_by_label("Birth date").fill("1985-03-14")
    tablet.get_by_role("button", name="Save").click()
    tablet.get_by_text("Saved.").wait_for()
    # then the allergy recorded by a clinician is still there
    patient.refresh_from_db()
    assert patient.allergies == "Penicillin (rash)"
    # and the practitioner sees and edits it on the chart and the form
    tablet.context.clear_cookies()
    sign_in(tablet, "alice")
    tablet.goto(f"/patients/{patient.public_id}/")
    assert "Penicillin (rash)" in tablet.content()
    assert _fits(tablet)
    tablet.goto(f"/patients/{patient.public_id}/edit/")
    assert tablet.get_by_label("Allergies").input_value() == "Penicillin (rash)"
    assert _fits(tablet)
