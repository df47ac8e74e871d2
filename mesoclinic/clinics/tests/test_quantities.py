"""Quantities read as people write them, with their unit: "10.2 mL", never "10.2000000000000
mL" (a SQLite sum) nor "1E+2" (``Decimal.normalize``)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.template import Context, Template
from django.urls import reverse

from mesoclinic.clinics.templatetags.quantities import qty
from mesoclinic.formulary.tests.test_recall import give, make_patient


@pytest.mark.parametrize(
    ("value", "unit", "shown"),
    [
        (Decimal("10.2000000000000"), "mL", "10.2 mL"),
        (Decimal("10.20"), "mL", "10.2 mL"),
        (Decimal("100"), "mL", "100 mL"),
        (Decimal("100.00"), "", "100"),
        (Decimal("0.000"), "mL", "0 mL"),
        (Decimal("-0.0"), "", "0"),
        (Decimal("0.125"), "mg", "0.125 mg"),
        (Decimal("1E+2"), "kg", "100 kg"),
        (12.5, "cm", "12.5 cm"),
        ("7.50", "kg", "7.5 kg"),
        (3, "", "3"),
        (None, "mL", "—"),
        ("", "mL", "—"),
        ("not a number", "mL", "not a number"),
    ],
)
def test_it_shows_a_quantity_normalised_with_its_unit(value, unit, shown):
    # when a value is shown with the filter, then it reads as written by hand
    assert qty(value, unit) == shown


def test_it_is_available_in_every_template_without_loading():
    # when a template uses the filter without {% load %}
    rendered = Template('{{ v|qty:"mL" }}').render(Context({"v": Decimal("2.50")}))
    # then it works (a template builtin)
    assert rendered == "2.5 mL"


@pytest.mark.django_db
def test_it_shows_a_lots_use_without_trailing_zeros(login, riverside, alice, pcdc, pcdc_lot):
    # given 8.1 mL and 2.1 mL of the lot injected in signed sessions (summed by the database)
    patient = make_patient(riverside, "RV000020", "Ines", "Vega")
    give(patient, pcdc_lot, dt.date(2025, 3, 1), alice, volume="8.1")
    give(patient, pcdc_lot, dt.date(2025, 4, 1), alice, volume="2.1")
    # when the lot's page is opened
    body = login(alice).get(reverse("formulary:lot_detail", args=[pcdc_lot.public_id]))
    page = body.content.decode()
    # then the volumes read 10.2 mL, 50 mL and 5 mL, with no tail of zeros
    assert "10.2 mL in signed sessions" in page
    assert "10.20" not in page
    assert "50 mL" in page
    assert "× 5 mL" in page
