"""A day at the front desk, end to end in a real browser (issue 14): reception books Maria's next
session from her plan into a free slot, a double booking is refused, the reminder goes out
(file outbox), Maria confirms through the link on a phone-size page, reception marks her
arrived, alice sees the arrival on Today, records and signs the session, the prepaid course
drops by one, and reception issues the invoice and takes the payment in two parts — never
seeing the session's note. (This one walk holds the steps test_front_desk.py and the billing
walk used to repeat; test_front_desk.py keeps the calendar's keyboard and tablet check.)"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from pathlib import Path

import pytest
from django.utils import timezone

from mesoclinic.appointments.choices import Reply
from mesoclinic.appointments.models import Appointment
from mesoclinic.appointments.reminders import run_reminders
from mesoclinic.billing import packages
from mesoclinic.billing.models import BillingSettings, Invoice, PriceItem
from mesoclinic.consent.services import install_default_templates
from mesoclinic.formulary.models import Ingredient, Lot, Product
from mesoclinic.treatments.models import TreatmentSession
from tests.e2e.browser_actions import choose, sign_in
from tests.e2e.test_front_desk import _fill, desk  # noqa: F401  (the booking fixture)
from tests.treatment_readiness import make_ready

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

NOTE = "Mild erythema at two points, settled before leaving."


@pytest.fixture
def day(desk, riverside, ada, alice, bob, patient):  # noqa: F811
    """The booking fixture, plus a price list (VAT at the clinic's own 20 %), a course of six
    sessions sold to Maria, her screening and consent signed, and a PC/DC lot in stock
    (PC 50 mg/mL + DC 25 mg/mL, reference §2.2)."""
    BillingSettings.objects.create(clinic=riverside, default_vat_rate_percent=Decimal(20))
    PriceItem.objects.create(clinic=riverside, name="Lipolysis", area="abdomen", unit_price=Decimal("150.00"))  # fmt: skip
    course = PriceItem.objects.create(clinic=riverside, name="Lipolysis course", indication="localized_fat", sessions=6, unit_price=Decimal("750.00"))  # fmt: skip
    packages.sell(None, bob, patient, course)
    install_default_templates(None, riverside, ada.user)
    make_ready(patient, alice, "localized_fat")
    product = Product.objects.create(clinic=riverside, name="PC/DC 5%/2.5%")
    Ingredient.objects.create(product=product, substance="phosphatidylcholine", mg_per_ml=50)
    Ingredient.objects.create(product=product, substance="deoxycholic_acid", mg_per_ml=25)
    Lot.objects.create(
        clinic=riverside, product=product, lot_number="PCDC-7",
        expiry_date=timezone.localdate() + dt.timedelta(days=200), quantity_received=10,
        vial_volume_ml=Decimal(10), remaining_ml=Decimal(100),
    )  # fmt: skip
    return desk


def test_it_runs_the_front_desk_day_from_booking_to_payment(page, phone_page, day, riverside, patient):  # fmt: skip
    local = timezone.localtime(timezone.now() + dt.timedelta(hours=3), riverside.zone)
    starts = local.replace(minute=0, second=0, microsecond=0).strftime("%Y-%m-%dT%H:%M")
    billing_url = f"/billing/patients/{patient.public_id}/"
    # given reception, with Maria's course at 6 sessions left
    sign_in(page, "bob")
    page.goto(billing_url)
    assert page.get_by_test_id("package-balance").inner_text() == "6"
    # when she books the plan's next session into a free slot in three hours
    page.goto(f"/appointments/patient/{patient.public_id}/")
    page.get_by_role("link", name="Book the next session").click()
    page.get_by_text("Course: 1 done, 0 booked, 3 still to book.").wait_for()
    _fill(page, starts)
    page.get_by_role("button", name="Book").click()
    page.get_by_text("Appointment booked.").wait_for()
    assert Appointment.objects.get().plan is not None
    # and tries to book another patient with alice in the same slot: refused
    page.goto("/appointments/book/")
    page.get_by_label("Patient MRN").fill("RV000002")
    _fill(page, starts)
    page.get_by_role("button", name="Book").click()
    page.get_by_text("Alice Archer is already booked at that time.").wait_for()
    assert Appointment.objects.count() == 1
    # when the reminders run, Maria's e-mail lands in the outbox and she confirms on her phone
    assert run_reminders(riverside, timezone.now())["reminders_sent"] == 1
    (sent,) = list(Path(day).iterdir())
    link = re.search(r"https?://\S+(/r/\S+)", sent.read_text()).group(1)
    phone_page.goto(link)
    phone_page.get_by_role("heading", name="Your appointment").wait_for()
    phone_page.get_by_role("button", name="I will come").click()
    phone_page.get_by_text("Thank you: your appointment is confirmed.").wait_for()
    assert Appointment.objects.get().reply == Reply.CONFIRMED
    # and reception marks her arrived
    page.goto(f"/appointments/{Appointment.objects.get().public_id}/")
    page.get_by_role("button", name="Arrived").click()
    page.get_by_text("Appointment updated.").wait_for()
    page.get_by_role("button", name="Sign out").click()
    # then alice sees the arrival on Today and opens the session draft
    sign_in(page, "alice")
    today = page.locator("section", has=page.get_by_role("heading", name="Appointments today"))
    assert "Maria Lopez" in today.inner_text()
    assert "Arrived" in today.inner_text()
    today.get_by_role("link", name="open draft").click()
    page.get_by_role("heading", name=re.compile("Session")).first.wait_for()
    draft = TreatmentSession.objects.get(signed_at__isnull=True)
    assert draft.performed_at <= timezone.now()
    # (her clinical note, written straight into the draft: reception must never see it)
    TreatmentSession.objects.filter(pk=draft.pk).update(notes=NOTE)
    # when she records the line she injected and signs the session
    choose(page.get_by_label("Product"), "PC/DC")
    choose(page.get_by_label("Lot"), "PCDC-7")
    page.get_by_label("Volume (mL)").fill("8")
    page.get_by_label("Points").fill("40")
    page.get_by_role("button", name="Add line").click()
    page.get_by_role("button", name="Sign session").click()
    # (signing runs the gates, the dose check and the package and stock updates: under a
    # loaded CI runner this took longer than the default 15 s once)
    page.get_by_text("Session signed; lot stock updated.").wait_for(timeout=60_000)
    page.get_by_role("button", name="Sign out").click()
    # then reception sees the course at 5, invoices the session, issues it and takes payment
    sign_in(page, "bob")
    page.goto(billing_url)
    assert page.get_by_test_id("package-balance").inner_text() == "5"
    assert NOTE not in page.content()
    day_of_session = riverside.day_of(draft.performed_at).isoformat()
    page.get_by_role("button", name=f"Invoice this session {day_of_session}").click()
    page.get_by_label("Price list item").select_option(label="Lipolysis")
    page.get_by_role("button", name="Add the line").click()
    page.get_by_role("button", name="Issue the invoice").click()
    page.get_by_text("Issued as number F-000002.").wait_for()
    # (part in cash, the rest by card)
    page.get_by_label("Amount").fill("100")
    page.get_by_label("Method").select_option("cash")
    page.get_by_role("button", name="Record the payment").click()
    page.get_by_text("Payment recorded.").wait_for()
    assert page.get_by_test_id("balance-due").inner_text() == "£80.00"
    page.get_by_label("Method").select_option("card")
    page.get_by_role("button", name="Record the payment").click()
    page.get_by_text("Payment recorded.").wait_for()
    assert page.get_by_test_id("balance-due").inner_text() == "£0.00"
    assert NOTE not in page.content()
    invoice = Invoice.objects.get(session=draft)
    assert (invoice.number, invoice.gross_total, invoice.balance_due()) == (2, Decimal("180.00"), 0)
