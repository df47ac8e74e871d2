"""``{{ value|qty:"mL" }}``: a measured quantity as a person writes it, with its unit.

Decimals come out of the database with their column's scale (``10.20``) or, for sums on
SQLite, with a long tail of zeros (``10.2000000000000``); ``Decimal.normalize`` alone turns
``100`` into ``1E+2``. This filter gives ``10.2 mL`` (``10,2 mL`` in French) and ``100 mL``, and
``money`` an amount with its currency in the reader's language; both are template builtins
(settings ``TEMPLATES``), so every page uses it without loading anything.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from babel.core import UnknownLocaleError
from babel.numbers import format_currency, format_decimal
from django import template
from django.conf import settings
from django.utils.formats import number_format
from django.utils.translation import get_language, to_locale

register = template.Library()

MISSING = "—"


def plain_number(value: Any) -> str | None:
    """``value`` without trailing zeros or exponent (``Decimal("10.20")`` → ``"10.2"``);
    None when it is not a number."""
    if value is None or isinstance(value, bool):
        return None
    try:
        number = value if isinstance(value, Decimal) else Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        return None
    if not number.is_finite():
        return None
    text = format(number.normalize(), "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


@register.filter
def qty(value: Any, unit: str = "") -> str:
    """The number normalised, written as the active language writes numbers ("10,2" in
    French), followed by ``unit`` when one is given; "—" when missing."""
    text = plain_number(value)
    if text is None:
        return MISSING if value in (None, "") else str(value)
    return f"{number_format(Decimal(text))} {unit}".strip()


@register.filter
def money(value: Any, currency: str = "") -> str:
    """An amount in ``currency`` (ISO 4217) as the active language writes money (CLDR, via
    Babel): "1 234,50 €" in French, "€ 1.234,50" in Italian, "£1,234.50" in English."""
    if value is None or value == "":
        return MISSING
    try:
        amount = value if isinstance(value, Decimal) else Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        return str(value)
    code = str(currency or "").strip().upper()
    locale = to_locale(get_language() or settings.LANGUAGE_CODE)
    try:
        if code:
            return format_currency(amount, code, locale=locale)
        return format_decimal(amount, locale=locale)
    except (UnknownLocaleError, ValueError):
        return f"{amount} {code}".strip()
