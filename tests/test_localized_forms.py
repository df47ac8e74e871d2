"""Edit forms under French keep their dates and numbers (issue 8's erased dates, issue 12).

A date input's value is ISO whatever the language (a browser's date picker reads nothing
else), and a number input's value keeps the dot ("172.5"): a French page that wrote "14/03/1985"
or "172,5" there would show an empty field, and saving it untouched would erase the value.
Displayed text is French (the page's dates and numbers are the reader's).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse

from mesoclinic.clinics.language import set_language
from mesoclinic.plans.models import PlanArea, TreatmentPlan
from tests.form_submission import entry_list, own_post_forms

pytestmark = pytest.mark.django_db


@pytest.fixture
def french_alice(alice, login) -> Client:
    set_language(alice.user, "fr")
    return login(alice)


@pytest.fixture
def plan(riverside, patient, alice) -> TreatmentPlan:
    plan = TreatmentPlan.objects.create(
        clinic=riverside,
        patient=patient,
        indication="localized_fat",
        protocol="PC/DC 4x8w",
        planned_sessions=4,
        interval_days=56,
        start_date=dt.date(2026, 3, 2),
        estimated_price=Decimal("1234.50"),
        currency="GBP",
        created_by=alice.user,
    )
    PlanArea.objects.create(plan=plan, area="abdomen", side="midline")
    return plan


def _save_untouched(client: Client, url: str) -> tuple[str, int]:
    page = client.get(url)
    assert page["Content-Language"] == "fr"
    html = page.content.decode()
    (form,) = own_post_forms(html, url)
    data, refusals = entry_list(form)
    assert refusals == []
    return html, client.post(url, data).status_code


def test_it_keeps_a_patient_date_and_height_in_machine_form_under_french(french_alice, patient):
    # given a patient with a birth date and a height with a decimal
    patient.height_cm = Decimal("172.5")
    patient.save()
    url = reverse("patients:edit", args=[patient.public_id])
    # when alice, reading French, opens the edit form and saves it untouched
    html, status = _save_untouched(french_alice, url)
    # then the inputs held ISO and dot forms, the page spoke French, and nothing changed
    assert 'value="1985-03-14"' in html
    assert 'value="172.5"' in html
    assert "Se déconnecter" in html
    assert status == 302
    patient.refresh_from_db()
    assert patient.birth_date == dt.date(1985, 3, 14)
    assert patient.height_cm == Decimal("172.5")


def test_it_keeps_a_plan_start_and_price_under_french(french_alice, plan):
    # given a plan with a start date and a price with cents
    url = reverse("plans:edit", args=[plan.public_id])
    # when alice, reading French, saves its edit form untouched
    html, status = _save_untouched(french_alice, url)
    # then the date stayed ISO and the price kept its dot, and nothing changed
    assert 'value="2026-03-02"' in html
    assert 'value="1234.50"' in html
    assert status == 302
    plan.refresh_from_db()
    assert plan.start_date == dt.date(2026, 3, 2)
    assert plan.estimated_price == Decimal("1234.50")


def test_it_shows_the_plan_price_and_date_in_french_on_its_page(french_alice, plan):
    # when alice, reading French, opens the plan's page
    html = french_alice.get(reverse("plan_detail", args=[plan.public_id])).content.decode()
    # then the price and the start are written the French way
    assert "1\u202f234,50\u00a0£GB" in html
    assert "02/03/2026" in html
