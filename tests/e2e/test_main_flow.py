"""The main clinical flow in a real browser: a practitioner registers a patient, records a
consultation answering every screening question, takes the patient's consent, plans a course,
records and signs a session with a lot, and sees it all on the patient's chart."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

import pytest
from django.utils import timezone

from mesoclinic.consent.services import install_default_templates
from mesoclinic.consultations.questions import QUESTIONS
from mesoclinic.formulary.models import Ingredient, Lot, Product
from mesoclinic.patients.models import Patient
from mesoclinic.treatments.models import TreatmentSession
from tests.e2e.browser_actions import choose, sign_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def pcdc_lot(riverside, ada):
    # given the clinic's standard consent templates
    install_default_templates(None, riverside, ada.user)
    # given the clinic's formulary holds a PC/DC product (PC 50 mg/mL + DC 25 mg/mL, the
    # Lipostabil-derived concentrations of reference §2.2) with one lot in stock
    product = Product.objects.create(
        clinic=riverside,
        name="PC/DC 5%/2.5%",
        manufacturer="Compounding pharmacy",
        procedure_type="subcutaneous_lipolysis",
    )
    Ingredient.objects.create(
        product=product, substance="phosphatidylcholine", mg_per_ml=Decimal("50")
    )
    Ingredient.objects.create(
        product=product, substance="deoxycholic_acid", mg_per_ml=Decimal("25")
    )
    today = timezone.localdate()
    return Lot.objects.create(
        clinic=riverside,
        product=product,
        lot_number="PCDC-2611-A",
        expiry_date=today + dt.timedelta(days=200),
        received_on=today - dt.timedelta(days=10),
        quantity_received=10,
        vial_volume_ml=Decimal("10"),
        remaining_ml=Decimal("100"),
    )


def test_it_runs_the_clinical_day_from_registration_to_the_signed_session_on_the_chart(
    page, alice, pcdc_lot
):
    # given alice, a practitioner, is signed in
    sign_in(page, "alice")

    # when she registers a new patient
    page.get_by_role("link", name="Register a patient").click()
    page.get_by_label("Given name").fill("Elena")
    page.get_by_label("Family name").fill("Marsh")
    page.get_by_label("Birth date").fill("1982-07-09")
    page.get_by_label("Sex").select_option("f")
    page.get_by_role("button", name="Register").click()
    page.get_by_role("heading", name=re.compile("Elena Marsh")).wait_for()
    patient = Patient.objects.get(family_name="Marsh")
    chart_url = page.url

    # and records a consultation with screening
    page.get_by_role("link", name="New consultation").click()
    page.get_by_label("Concerns (in the patient's words)").fill(
        "Lower abdominal fat that does not shift with diet"
    )
    page.get_by_role("group", name="Indications considered").get_by_label("Localized fat").check()
    page.get_by_role("group", name="Areas considered").get_by_label("Abdomen").check()
    # answering every screening question (the submental block is not asked for the abdomen)
    for question in QUESTIONS:
        if not question.submental:
            page.get_by_role("radiogroup", name=question.text, exact=True).get_by_label(
                "No", exact=True
            ).check()
    # except one she could not put, with the reason
    keloid = page.get_by_role("radiogroup", name="Tendency to keloids or hypertrophic scars?")
    keloid.get_by_label("Not asked", exact=True).check()
    page.get_by_label("Reason not asked (Tendency to keloids or hypertrophic scars?)").fill(
        "Patient unsure; to ask her GP"
    )
    page.get_by_label("Weight (kg)", exact=True).fill("68")
    page.get_by_label("Height (cm)").fill("166")
    page.get_by_role("button", name=re.compile("Save")).click()
    page.get_by_text("BMI").first.wait_for()
    page.get_by_role("button", name="Sign consultation").click()
    page.get_by_text("Consultation signed").wait_for()

    # and takes the patient's consent to the treatment, then signs it
    page.goto(chart_url)
    page.get_by_role("link", name="Take consent").click()
    page.get_by_role("link", name=re.compile("Injection lipolysis")).click()
    page.get_by_label("The patient has read the text above").check()
    page.get_by_label("Record of the consent discussion").fill(
        "Off-label status, expected swelling, nodules and infection risk, alternatives."
    )
    page.get_by_label("Patient's full name, typed by the patient").fill("Elena Marsh")
    page.get_by_role("button", name="Record the patient's consent").click()
    page.get_by_role("button", name="Sign as practitioner").click()
    page.get_by_text("Consent signed").wait_for()

    # and plans a course
    page.goto(chart_url)
    page.get_by_role("link", name="Plan a course").click()
    page.get_by_label("Indication").select_option("localized_fat")
    page.get_by_label("Protocol").fill("PC/DC 4x8w")
    page.get_by_label("Planned sessions").fill("4")
    page.get_by_label("Interval (days)").fill("56")
    page.locator("select[name$='-area']").first.select_option("abdomen")
    page.locator("select[name$='-side']").first.select_option("midline")
    page.get_by_role("button", name=re.compile("Save")).click()
    page.get_by_text("PC/DC 4x8w").first.wait_for()

    # and records a session with an injection from the lot, then signs it
    page.goto(chart_url)
    page.get_by_role("link", name="Record a session").click()
    choose(page.get_by_label("Course (plan)"), "PC/DC 4x8w")
    page.locator("select[name$='-area']").first.select_option("abdomen")
    page.locator("select[name$='-side']").first.select_option("midline")
    page.get_by_role("button", name="Save draft").click()
    choose(page.get_by_label("Product"), "PC/DC")
    choose(page.get_by_label("Lot"), "PCDC-2611-A")
    page.get_by_label("Volume (mL)").fill("8")
    page.get_by_label("Points").fill("40")
    page.get_by_role("button", name=re.compile("Add")).click()
    page.get_by_text("PCDC-2611-A").first.wait_for()
    # the gates are met: consent, screening, and no contraindication found
    assert page.locator("li.gate-ok").count() == 3
    page.get_by_role("button", name="Sign session").click()
    page.get_by_text("Session signed; lot stock updated.").wait_for()

    # then the chart shows the consultation, the plan and the signed session with its lot
    page.goto(chart_url)
    timeline = page.locator("ol.timeline").inner_text()
    assert "Consultation" in timeline
    assert "PC/DC 4x8w" in timeline
    assert "PCDC-2611-A" in timeline
    session = TreatmentSession.objects.get(patient=patient)
    assert session.is_signed
    assert session.injections.get().lot == pcdc_lot
    pcdc_lot.refresh_from_db()
    assert pcdc_lot.remaining_ml == Decimal("92")
