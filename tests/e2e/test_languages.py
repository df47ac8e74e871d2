"""A French-speaking practitioner works in French; her patient answers the aftercare check-in
in Spanish on a phone (issue 12).

The practitioner's pages speak her own language (her profile), the patient's pages theirs (the
patient's record), whatever language each browser asks for. The first test opens the chart and
a signed session in French and answers a 4–6 week check-in in Spanish; the second records and
signs a session through the French pages (labels and buttons in French) and answers that
session's 48–72 hour check-in on a phone, asserting the Spanish of the check-in pages.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from typing import Any

import pytest
from django.core import mail
from django.utils import timezone

from conftest import PASSWORD
from mesoclinic.aftercare.models import CheckIn
from mesoclinic.aftercare.services import send_check_in
from mesoclinic.clinics.language import set_language
from mesoclinic.formulary.models import Ingredient, Lot, Product
from mesoclinic.treatments.models import TreatmentSession
from tests.e2e.browser_actions import authenticator, choose, fresh_code
from tests.e2e.conftest import _open
from tests.e2e.test_aftercare_checkin import five_week_check_in  # noqa: F401  (a fixture)
from tests.treatment_readiness import make_ready

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


@pytest.fixture
def pcdc_lot(riverside: Any) -> Lot:
    """A PC/DC product (PC 50 mg/mL + DC 25 mg/mL, reference §2.2) with one lot in stock."""
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
        lot_number="PCDC-2611-F",
        expiry_date=today + dt.timedelta(days=200),
        received_on=today - dt.timedelta(days=10),
        quantity_received=10,
        vial_volume_ml=Decimal("10"),
        remaining_ml=Decimal("100"),
    )


def test_it_records_and_signs_a_session_in_french_and_takes_the_check_in_in_spanish(
    french_page, phone_page, riverside, alice, patient, pcdc_lot
):
    # given alice, who works in French, and Maria, who reads Spanish, screened and consented
    # five days ago for her abdomen
    set_language(alice.user, "fr")
    patient.preferred_language = "es"
    patient.save()
    make_ready(patient, alice, at=timezone.now() - dt.timedelta(days=5))
    # (the session is recorded as given 50 hours ago, so its 48–72 hour check-in is due now)
    given_at = timezone.localtime(timezone.now() - dt.timedelta(hours=50), riverside.zone)

    # when alice signs in and records the session through the French pages
    _sign_in_in_french(french_page, "alice")
    french_page.goto(f"/patients/{patient.public_id}/")
    french_page.get_by_role("link", name="Enregistrer une séance").first.click()
    assert french_page.locator("html").get_attribute("lang") == "fr"
    french_page.get_by_label("Date et heure").fill(given_at.strftime("%Y-%m-%dT%H:%M"))
    french_page.get_by_label("Indication", exact=True).select_option("localized_fat")
    french_page.locator("select[name$='-area']").first.select_option("abdomen")
    french_page.locator("select[name$='-side']").first.select_option("midline")
    french_page.get_by_role("button", name="Enregistrer le brouillon").click()
    # and adds a line from the lot, in French labels
    choose(french_page.get_by_label("Produit"), "PC/DC")
    choose(french_page.get_by_label("Lot"), "PCDC-2611-F")
    french_page.get_by_label("Volume (mL)").fill("8")
    french_page.get_by_label("Points").fill("40")
    french_page.get_by_role("button", name="Ajouter la ligne").click()
    french_page.get_by_text("PCDC-2611-F").first.wait_for()
    # and signs it
    french_page.get_by_role("button", name="Signer la séance").click()
    # then the page confirms it in French
    french_page.get_by_text(re.compile("Séance signée")).first.wait_for()
    assert french_page.locator("html").get_attribute("lang") == "fr"
    session = TreatmentSession.objects.get(patient=patient)
    assert session.is_signed

    # when the session's 48–72 hour check-in is sent
    check_in = CheckIn.objects.get(session=session, kind="acute")
    assert send_check_in(check_in, timezone.now())
    (message,) = mail.outbox
    path = re.search(r"/c/[0-9a-f-]+/[^/\s]+/", message.body)
    assert path is not None
    # and Maria opens the link on her phone (whose browser asks for English)
    phone_page.goto(path.group(0))
    # then the check-in speaks Spanish and fits the phone's width
    assert phone_page.locator("html").get_attribute("lang") == "es"
    phone_page.get_by_role("heading", name="¿Cómo se encuentra desde su tratamiento?").wait_for()
    assert phone_page.evaluate("document.documentElement.scrollWidth") <= 390
    assert phone_page.get_by_role("button", name="Enviar mis respuestas").is_visible()
    # when she answers every question (the first choice of each) and sends her answers
    form = phone_page.locator("main form")
    for group in form.get_by_role("group").all():
        radios = group.get_by_role("radio")
        if radios.count():
            radios.first.check()
    form.get_by_role("button", name="Enviar mis respuestas").click()
    # then she is thanked in Spanish, and the answers are recorded
    phone_page.get_by_role("heading", name="Gracias").wait_for()
    assert phone_page.locator("html").get_attribute("lang") == "es"
    check_in.refresh_from_db()
    assert check_in.status == "answered"
