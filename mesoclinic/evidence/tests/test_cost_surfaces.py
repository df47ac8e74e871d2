"""The cost and dose-response sections on the evidence page and in its PDF: prices recorded
with the sessions, else the price list's; an empty state when nothing is priced."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from urllib.parse import urlencode

import pytest
from django.contrib.auth.models import User
from django.urls import reverse

from mesoclinic.billing.models import PriceItem
from mesoclinic.clinics.models import Clinic
from mesoclinic.evidence.tests.pdf_reading import page_texts
from mesoclinic.outcomes.models import Measurement
from mesoclinic.patients.models import Patient
from mesoclinic.treatments.models import SessionArea, TreatmentSession

pytestmark = pytest.mark.django_db
QUERY = urlencode({"outcome": "circumference_cm"})


def _course(clinic: Clinic, user: User, mrn: str, price: Decimal | None, currency: str = "") -> None:  # fmt: skip
    """Four monthly cellulite sessions (at ``price`` each, or none) and falling thigh girth."""
    patient = Patient.objects.create(clinic=clinic, mrn=mrn, given_name="Zelda", family_name=f"Quarrington{mrn}", birth_date=dt.date(1980, 5, 17), sex="f", created_by=user)  # fmt: skip
    for k in range(4):
        day = dt.date(2025, 1, 6) + dt.timedelta(days=28 * k)
        session = TreatmentSession.objects.create(clinic=clinic, patient=patient, performed_at=dt.datetime.combine(day, dt.time(10), tzinfo=dt.UTC), indication="cellulite", protocol="Series A", practitioner=user, created_by=user)  # fmt: skip
        SessionArea.objects.create(session=session, area="thigh_outer", side="left", price=price, currency=currency)  # fmt: skip
        for kind, value, extra in (("weight_kg", Decimal(70), {}), ("circumference_cm", Decimal(60) - Decimal("0.7") * k, {"area": "thigh_outer", "side": "left"})):  # fmt: skip
            Measurement.objects.create(clinic=clinic, patient=patient, measured_on=day, kind=kind, value=value, created_by=user, **extra)  # fmt: skip


def _words(body: bytes) -> str:
    return " ".join(" ".join(page_texts(body)).split())


def test_it_shows_the_cost_of_a_course_on_the_page_and_in_the_pdf(login, alice, rita):
    # given twelve courses of four sessions at 150 EUR each
    for i in range(12):
        _course(alice.clinic, alice.user, f"CO{i}", Decimal("150.00"), "EUR")
    client = login(rita)
    # when rita opens the page and its PDF
    page = client.get(reverse("evidence:indication", args=["cellulite"]) + "?" + QUERY).content.decode()  # fmt: skip
    pdf = _words(client.get(reverse("evidence:pdf", args=["cellulite"]) + "?" + QUERY).content)
    # then both give the mean cost of a course, 600.00 EUR, and the dose-response's empty state
    assert "<td>EUR</td><td>12</td>" in page
    assert "600.00 (600.00–600.00)" in page
    assert 'id="dose-empty-state"' in page
    assert "EUR, 12 priced courses: mean cost of a course 600.00 (600.00–600.00)" in pdf
    assert "No dose–response view" in pdf


def test_it_prices_unpriced_sessions_from_the_price_list(login, alice, rita):
    # given twelve courses without a price, and the clinic's price for the thigh
    for i in range(12):
        _course(alice.clinic, alice.user, f"PL{i}", None)
    PriceItem.objects.create(clinic=alice.clinic, name="Thigh session", indication="cellulite", area="thigh_outer", unit_price=Decimal("95.00"))  # fmt: skip
    # when rita opens the page
    page = login(rita).get(reverse("evidence:indication", args=["cellulite"]) + "?" + QUERY).content.decode()  # fmt: skip
    # then the courses cost four sessions at the price list's price, in the clinic's currency
    assert f"<td>{alice.clinic.currency}</td><td>12</td>" in page
    assert "380.00 (380.00–380.00)" in page


def test_it_says_so_when_no_session_has_a_price(login, alice, rita):
    # given courses without a price and no price list
    for i in range(12):
        _course(alice.clinic, alice.user, f"NP{i}", None)
    # when rita opens the page
    page = login(rita).get(reverse("evidence:indication", args=["cellulite"]) + "?" + QUERY).content.decode()  # fmt: skip
    # then the cost section says that nothing is priced
    assert 'id="cost-empty-state"' in page
