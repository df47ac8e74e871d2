"""Correcting a signed line in a real browser, at tablet width and by keyboard only: the dose
check is shown before saving, and the session then shows the correction beside the
original."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from mesoclinic.formulary.models import Lot, Product
from mesoclinic.treatments.models import Injection, SessionArea, TreatmentSession
from tests.e2e.browser_actions import sign_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

TABLET = {"width": 820, "height": 1180}


@pytest.fixture
def signed(riverside, alice, patient):
    """A signed session whose one line names lot PC-001; PC-002 was the vial really used."""
    product = Product.objects.create(clinic=riverside, name="PC/DC")
    lots = [
        Lot.objects.create(
            clinic=riverside,
            product=product,
            lot_number=number,
            expiry_date=timezone.localdate() + dt.timedelta(days=200),
            remaining_ml=Decimal(50),
        )
        for number in ("PC-001", "PC-002")
    ]
    session = TreatmentSession.objects.create(
        clinic=riverside,
        patient=patient,
        performed_at=timezone.now() - dt.timedelta(hours=1),
        indication="localized_fat",
        practitioner=alice.user,
        created_by=alice.user,
    )
    SessionArea.objects.create(session=session, area="abdomen", side="midline")
    Injection.objects.create(
        clinic=riverside,
        session=session,
        area="abdomen",
        side="midline",
        product=product,
        lot=lots[0],
        volume_ml=Decimal(4),
        points=20,
    )
    TreatmentSession.objects.filter(pk=session.pk).update(
        signed_at=timezone.now(), signed_by=alice.user, signed_by_name="Alice Archer"
    )
    return session


def _no_sideways_scroll(page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def _focus(page, locator) -> None:
    """Tab (never click) until ``locator`` has the focus."""
    for _ in range(80):
        page.keyboard.press("Tab")
        if locator.evaluate("el => el === document.activeElement"):
            return
    raise AssertionError("not reachable by keyboard")


def test_it_corrects_a_lot_by_keyboard_at_tablet_width(page, signed):
    # given alice on the signed session, on a tablet
    page.set_viewport_size(TABLET)
    sign_in(page, "alice")
    page.goto(f"/sessions/{signed.public_id}/")
    _no_sideways_scroll(page)
    # when she tabs to "Correct this line" and presses Enter
    _focus(page, page.get_by_role("link", name="Correct this line"))
    page.keyboard.press("Enter")
    page.get_by_role("heading", name="Corrected values").wait_for()
    _no_sideways_scroll(page)
    # and chooses lot PC-002 and writes why, by keyboard
    lot = page.get_by_label("Lot")
    _focus(page, lot)
    value = lot.locator("option", has_text="lot PC-002").get_attribute("value")
    lot.select_option(value)  # the keyboard's arrow keys do the same on a focused select
    _focus(page, page.get_by_label("Reason for the correction"))
    page.keyboard.type("The vial label in the notes reads PC-002.")
    _focus(page, page.get_by_role("button", name="Save correction"))
    page.keyboard.press("Enter")
    # then the page first shows the dose check of the corrected lines, nothing saved
    page.get_by_text("Not saved yet").wait_for()
    assert not Injection.objects.filter(replaces__isnull=False).exists()
    # when she saves again
    _focus(page, page.get_by_role("button", name="Save correction"))
    page.keyboard.press("Enter")
    # then the session shows line 1 on PC-002, corrected, with the original struck through
    page.get_by_text("Line 1 corrected").wait_for()
    _no_sideways_scroll(page)
    row = page.locator("#lines tbody tr").first
    assert "PC-002" in row.inner_text()
    assert "corrected" in row.inner_text()
    original = page.locator("#lines del").first
    assert "lot PC-001" in original.inner_text()
    history = page.locator("#lines .line-versions").inner_text()
    assert "as signed by Alice Archer" in history
    assert "corrected by Alice Archer" in history
    assert "Reason: The vial label in the notes reads PC-002." in history
