"""The dose check in a real browser: lidocaine summed over several syringes goes over the
limit live (no reload), signing is refused, an override sent without the page's dose check is
refused, an override with a reason is recorded, and the signed page shows the check kept at
signing."""

from __future__ import annotations

import datetime as dt
import re
import zoneinfo
from decimal import Decimal

import pytest
from django.utils import timezone

from mesoclinic.audit.choices import Action
from mesoclinic.audit.models import AuditEvent
from mesoclinic.formulary.models import Ingredient, Lot, Product
from mesoclinic.outcomes.models import Measurement
from mesoclinic.treatments.models import SessionArea, TreatmentSession
from tests.e2e.browser_actions import choose, sign_in
from tests.treatment_readiness import make_ready

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def draft(riverside, alice, patient):
    # given the patient screened and consented for localized fat a day ago (signing gates)
    make_ready(patient, alice, "localized_fat")
    performed_at = timezone.now() - dt.timedelta(hours=1)
    # given a 60 kg patient (plain lidocaine limit 4.5 mg/kg × 60 kg = 270 mg, reference §2.3),
    # weighed on the session's own day (in the clinic's zone: just after midnight "today" is
    # already the next day)
    Measurement.objects.create(
        clinic=riverside,
        patient=patient,
        kind="weight_kg",
        value=Decimal(60),
        measured_on=timezone.localtime(performed_at, zoneinfo.ZoneInfo(riverside.time_zone)).date(),
    )
    # and a lidocaine 1 % product (10 mg/mL, reference §2.3 conversions) with a lot in stock
    product = Product.objects.create(clinic=riverside, name="Lidocaine 1%")
    Ingredient.objects.create(product=product, substance="lidocaine", mg_per_ml=Decimal(10))
    Lot.objects.create(
        clinic=riverside,
        product=product,
        lot_number="LIDO-7",
        expiry_date=timezone.localdate() + dt.timedelta(days=200),
        quantity_received=10,
        vial_volume_ml=Decimal(20),
        remaining_ml=Decimal(200),
    )
    # and a draft session of the abdomen
    session = TreatmentSession.objects.create(
        clinic=riverside,
        patient=patient,
        performed_at=performed_at,
        indication="localized_fat",
        practitioner=alice.user,
        created_by=alice.user,
    )
    SessionArea.objects.create(session=session, area="abdomen", side="midline")
    return session


def _add_line(page, volume_ml: str, number: int) -> None:
    """Add line ``number`` and wait until htmx has swapped it in."""
    choose(page.get_by_label("Product"), "Lidocaine 1%")
    choose(page.get_by_label("Lot"), "LIDO-7")
    page.get_by_label("Volume (mL)").fill(volume_ml)
    page.get_by_label("Points").fill("10")
    page.get_by_role("button", name="Add line").click()
    page.get_by_role("button", name=f"Remove line {number}").wait_for()


def test_it_shows_the_violation_live_refuses_signing_and_records_an_override(page, draft):
    # given alice is signed in and opens the draft
    sign_in(page, "alice")
    page.goto(f"/sessions/{draft.public_id}/")
    # a marker that a full page load would remove
    page.evaluate("window.__noReload = true")

    # when she adds two 10 mL syringes (200 mg): within the limit
    _add_line(page, "10", 1)
    _add_line(page, "10", 2)
    assert "Within every dose limit" in page.locator("#dose-totals").inner_text()
    # and a third (300 mg in total)
    _add_line(page, "10", 3)

    # then the violation shows without a reload
    alert = page.locator("#dose-totals [role=alert]")
    alert.get_by_text("Lidocaine total 300 mg is above 270 mg").wait_for()
    assert page.evaluate("window.__noReload") is True

    # when she signs without an override
    page.get_by_role("button", name="Sign session").click()
    # then signing is refused and the session stays a draft
    page.get_by_text(re.compile("Not signed. Dose check: lidocaine total 300 mg")).wait_for()
    draft.refresh_from_db()
    assert not draft.is_signed

    # when she overrides with a written reason, but the page's dose check is not sent with it
    page.get_by_label("Override the dose check").check()
    page.get_by_label("Reason for the override").fill("Tumescent infiltration, monitored 2 h")
    page.evaluate("document.querySelector('#sign input[name=dose_check]').remove()")
    page.get_by_role("button", name="Sign session").click()
    # then signing is refused: an override must answer the violations shown
    page.get_by_text(
        re.compile("The dose check this override answers was not sent")
    ).first.wait_for()
    draft.refresh_from_db()
    assert not draft.is_signed
    assert draft.dose_override_reason == ""

    # when she confirms the override on the page shown again (it carries the check now)
    assert page.get_by_label("Override the dose check").is_checked()
    page.get_by_role("button", name="Sign session").click()

    # then the session is signed with the override shown and audited
    page.get_by_text("Dose check overridden").first.wait_for()
    assert "Tumescent infiltration, monitored 2 h" in page.content()
    draft.refresh_from_db()
    assert draft.is_signed
    assert draft.dose_override_reason == "Tumescent infiltration, monitored 2 h"
    assert AuditEvent.objects.filter(
        action=Action.OVERRIDE, object_id=str(draft.public_id)
    ).exists()
    # and the dose check shown is the one kept at signing, with the violation overridden
    totals = page.locator("#dose-totals").inner_text()
    assert "Dose check at signing" in totals
    assert "Over the dose limits at signing (signed with the override above)" in totals
    assert draft.dose_check_at_signing is not None
    assert draft.dose_check_at_signing["weight"]["weight_kg"] == "60"
    # and the chart entry shows it
    page.goto(f"/patients/{draft.patient.public_id}/")
    assert "dose check overridden" in page.locator("ol.timeline").inner_text()
