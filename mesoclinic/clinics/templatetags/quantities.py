"""``{{ value|qty:"mL" }}``: a measured quantity as a person writes it, with its unit.

Decimals come out of the database with their column's scale (``10.20``) or, for sums on
SQLite, with a long tail of zeros (``10.2000000000000``); ``Decimal.normalize`` alone turns
``100`` into ``1E+2``. This filter gives ``10.2 mL`` and ``100 mL`` and is a template builtin
(settings ``TEMPLATES``), so every page uses it without loading anything.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from django import template

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
    """The number normalised, followed by ``unit`` when one is given; "—" when missing."""
    text = plain_number(value)
    if text is None:
        return MISSING if value in (None, "") else str(value)
    return f"{text} {unit}".strip()
