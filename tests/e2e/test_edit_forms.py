"""Edit forms in a real browser, at tablet width: a stored date is shown in its date picker and
survives a save, and a session recorded from a plan saves as pre-filled."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from typing import Any

import pytest

from mesoclinic.plans.models import PlanArea, TreatmentPlan
from mesoclinic.treatments.models import TreatmentSession
from tests.e2e.browser_actions import sign_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def tablet(_playwright_browser: Any, live_server: Any) -> Iterator[Any]:
    context = _playwright_browser.new_context(
        viewport={"width": 820, "height": 1180}, base_url=live_server.url
    )
    context.set_default_timeout(15_000)
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture
def plan(riverside, patient, alice):
    plan = TreatmentPlan.objects.create(
        clinic=riverside,
        patient=patient,
        indication="submental_fat",
        protocol="DCA 6x4w",
        planned_sessions=6,
        interval_days=28,
        start_date=dt.date(2026, 1, 12),
        created_by=alice.user,
    )
    PlanArea.objects.create(plan=plan, area="submental", side="midline")
    return plan


def test_it_keeps_the_dates_of_a_patient_and_a_plan_saved_untouched(tablet, alice, patient, plan):
    # given alice opens the patient's "Edit details" in the browser
    sign_in(tablet, "alice")
    tablet.goto(f"/patients/{patient.public_id}/edit/")
    # then the birth date is in its date picker
    assert tablet.get_by_label("Birth date").input_value() == "1985-03-14"
    # when she saves without touching anything, then it saves and nothing changed
    tablet.get_by_role("button", name="Save").click()
    tablet.get_by_text("Saved.").wait_for()
    patient.refresh_from_db()
    assert patient.birth_date == dt.date(1985, 3, 14)

    # given the plan's edit form
    tablet.goto(f"/plans/{plan.public_id}/edit/")
    assert tablet.get_by_label("Start date").input_value() == "2026-01-12"
    # when she saves it untouched, then the start date is kept
    tablet.get_by_role("button", name="Save plan").click()
    tablet.get_by_text("Plan saved.").wait_for()
    plan.refresh_from_db()
    assert plan.start_date == dt.date(2026, 1, 12)


def test_it_saves_a_session_recorded_from_a_plan_as_pre_filled(tablet, alice, plan):
    # given alice starts a session from the plan's page
    sign_in(tablet, "alice")
    tablet.goto(f"/plans/{plan.public_id}/")
    tablet.get_by_role("link", name="Record a session").click()
    tablet.get_by_role("heading", name=re.compile("Record a session")).wait_for()
    # when she saves the draft without changing the pre-filled fields
    tablet.get_by_role("button", name="Save draft").click()
    # then the draft exists with the plan's area
    tablet.get_by_text(re.compile("Draft session saved")).wait_for()
    session = TreatmentSession.objects.get()
    assert session.plan_id == plan.pk
    assert list(session.areas.values_list("area", "side")) == [("submental", "midline")]
