"""The shared cleaning of form fields: a price's currency, and the source of a rule."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django import forms

from mesoclinic.records.forms import CurrencyMixin, SourceMixin


class PricedForm(CurrencyMixin, forms.Form):
    price_field = "price"
    default_currency = "EUR"

    price = forms.DecimalField(required=False)
    currency = forms.CharField(required=False)


class CurrencyOnlyForm(CurrencyMixin, forms.Form):
    currency = forms.CharField()


class SourcedForm(SourceMixin, forms.Form):
    source_needed = "Say where this limit comes from."

    source = forms.CharField(required=False)


ISO = "Use a three-letter ISO 4217 code such as GBP or EUR."


@pytest.mark.parametrize(
    ("price", "currency", "cleaned", "errors"),
    [
        ("12.50", "GBP", {"price": Decimal("12.50"), "currency": "GBP"}, {}),
        ("12.50", " gbp ", {"price": Decimal("12.50"), "currency": "GBP"}, {}),
        ("12.50", "usd", {"price": Decimal("12.50"), "currency": "USD"}, {}),
        # a price without a currency is in the clinic's currency
        ("12.50", "", {"price": Decimal("12.50"), "currency": "EUR"}, {}),
        ("0", "", {"price": Decimal("0"), "currency": "EUR"}, {}),
        # no price: no currency is invented
        ("", "", {"price": None, "currency": ""}, {}),
        ("", "chf", {"price": None, "currency": "CHF"}, {}),
        ("-1", "GBP", None, {"price": ["A price cannot be negative."]}),
        ("-0.01", "", None, {"price": ["A price cannot be negative."]}),
        ("5", "G8P", None, {"currency": [ISO]}),
        ("5", "GBPX", None, {"currency": [ISO]}),
        ("5", "£", None, {"currency": [ISO]}),
        ("5", "GB", None, {"currency": [ISO]}),
    ],
)
def test_it_cleans_a_price_and_its_currency(price, currency, cleaned, errors):
    # given a priced form as posted
    form = PricedForm({"price": price, "currency": currency})
    # when it is cleaned
    valid = form.is_valid()
    # then it is accepted with the cleaned values, or refused with the field's message
    assert valid is (cleaned is not None)
    assert form.errors == errors
    if cleaned is not None:
        assert form.cleaned_data == cleaned


@pytest.mark.parametrize(
    ("currency", "cleaned", "errors"),
    [
        ("eur", "EUR", {}),
        ("", None, {"currency": ["This field is required."]}),
        ("EURO", None, {"currency": [ISO]}),
    ],
)
def test_it_cleans_a_currency_without_a_price(currency, cleaned, errors):
    # given a form with a required currency and no price (the clinic's settings)
    form = CurrencyOnlyForm({"currency": currency})
    # when it is cleaned, then the code is upper case or refused
    assert form.is_valid() is (cleaned is not None)
    assert form.errors == errors
    if cleaned is not None:
        assert form.cleaned_data["currency"] == cleaned


@pytest.mark.parametrize(
    ("source", "cleaned"),
    [
        ("Summary of product characteristics, 2023", "Summary of product characteristics, 2023"),
        ("  practice policy 4.2 \n", "practice policy 4.2"),
        ("", None),
        ("   ", None),
        ("\n\t", None),
    ],
)
def test_it_requires_a_source_and_strips_it(source, cleaned):
    # given a form with a source as typed
    form = SourcedForm({"source": source})
    # when it is cleaned
    valid = form.is_valid()
    # then a source is kept without its blanks, and a missing one is refused with the message
    if cleaned is None:
        assert not valid
        assert form.errors == {"source": ["Say where this limit comes from."]}
    else:
        assert valid
        assert form.cleaned_data["source"] == cleaned
