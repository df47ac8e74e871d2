"""The front desk in a real browser: a patient with a prepaid course has a session signed by
the practitioner (the course drops by one), then reception invoices the signed session,
issues the invoice and takes the payment, without seeing the session's notes."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

import pytest
from django.utils import timezone

from mesoclinic.billing import packages
from mesoclinic.billing.models import BillingSettings, Invoice, PriceItem
from mesoclinic.consent.services import install_default_templates
from mesoclinic.formulary.models import Ingredient, Lot, Product
from mesoclinic.treatments.models import Injection, SessionArea, TreatmentSession
from tests.e2e.browser_actions import sign_in
from tests.treatment_readiness import make_ready

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

NOTE = "Mild erythema at two points, settled before leaving."


@pytest.fixture
def draft(riverside, ada, alice, bob, patient):
    # given the clinic's price list (VAT at the clinic's own 20 %), a course of 6 sessions sold
    # to the patient, and a patient ready for treatment (screening and consent signed)
    BillingSettings.objects.create(clinic=riverside, default_vat_rate_percent=Decimal(20))
    PriceItem.objects.create(
        clinic=riverside, name="Lipolysis", area="abdomen", unit_price=Decimal("150.00")
    )
    PriceItem.objects.create(
        clinic=riverside,
        name="Lipolysis course",
        indication="localized_fat",
        sessions=6,
        unit_price=Decimal("750.00"),
    )
    course = PriceItem.objects.get(sessions=6)
    packages.sell(None, bob, patient, course)
    install_default_templates(None, riverside, ada.user)
    make_ready(patient, alice, "localized_fat")
    # and a draft of the abdomen an hour ago, with one line of PC/DC (PC 50 mg/mL + DC
    # 25 mg/mL, reference §2.2) from a lot in stock
    product = Product.objects.create(clinic=riverside, name="PC/DC 5%/2.5%")
    Ingredient.objects.create(product=product, substance="phosphatidylcholine", mg_per_ml=50)
    Ingredient.objects.create(product=product, substance="deoxycholic_acid", mg_per_ml=25)
    lot = Lot.objects.create(
        clinic=riverside,
        product=product,
        lot_number="PCDC-7",
        expiry_date=timezone.localdate() + dt.timedelta(days=200),
        quantity_received=10,
        vial_volume_ml=Decimal(10),
        remaining_ml=Decimal(100),
    )
    session = TreatmentSession.objects.create(
        clinic=riverside,
        patient=patient,
        performed_at=timezone.now() - dt.timedelta(hours=1),
        indication="localized_fat",
        practitioner=alice.user,
        created_by=alice.user,
        notes=NOTE,
    )
    SessionArea.objects.create(session=session, area="abdomen", side="midline")
    Injection.objects.create(
        clinic=riverside,
        session=session,
        area="abdomen",
        side="midline",
        product=product,
        lot=lot,
        volume_ml=Decimal(8),
        points=40,
    )
    return session


def test_it_uses_the_course_at_signing_and_lets_reception_invoice_and_take_payment(
    page, draft, patient
):
    billing_url = f"/billing/patients/{patient.public_id}/"
    # given the course has 6 sessions left
    sign_in(page, "bob")
    page.goto(billing_url)
    assert page.get_by_test_id("package-balance").inner_text() == "6"
    page.context.clear_cookies()

    # when alice signs the session
    sign_in(page, "alice")
    page.goto(f"/sessions/{draft.public_id}/")
    page.get_by_role("button", name="Sign session").click()
    page.get_by_text("Session signed; lot stock updated.").wait_for()
    page.context.clear_cookies()

    # then bob, at the desk, sees 5 left and the signed session to invoice, without its notes
    sign_in(page, "bob")
    page.goto(billing_url)
    assert page.get_by_test_id("package-balance").inner_text() == "5"
    assert NOTE not in page.content()
    # when he invoices an extra area on the session's invoice and issues it
    page.get_by_role("button", name=re.compile("Invoice this session")).click()
    page.get_by_role("heading", name=re.compile("draft, not numbered yet")).wait_for()
    page.get_by_label("Price list item").select_option(label="Lipolysis")
    page.get_by_role("button", name="Add the line").click()
    page.get_by_role("button", name="Issue the invoice").click()
    page.get_by_text("Issued as number F-000002.").wait_for()
    # and takes part of it in cash, then the rest by card
    page.get_by_label("Amount").fill("100")
    page.get_by_label("Method").select_option("cash")
    page.get_by_role("button", name="Record the payment").click()
    page.get_by_text("Payment recorded.").wait_for()
    assert page.get_by_test_id("balance-due").inner_text() == "£80.00"
    page.get_by_label("Method").select_option("card")
    page.get_by_role("button", name="Record the payment").click()
    page.get_by_text("Payment recorded.").wait_for()
    # then the invoice (the course's own was number 1) is issued and paid
    assert page.get_by_test_id("balance-due").inner_text() == "£0.00"
    assert NOTE not in page.content()
    invoice = Invoice.objects.get(session=draft)
    assert invoice.number == 2
    assert invoice.gross_total == Decimal("180.00")
    assert invoice.balance_due() == 0
