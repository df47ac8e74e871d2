"""Invoice arithmetic, pure: money in Decimal, rounded to the cent half up, per line.

Each line's VAT is rounded on that line and the totals add the rounded lines, so the
invoice's lines always add up to its totals as printed (and the accountant's export agrees
with the PDF to the cent)."""

from __future__ import annotations

from collections.abc import Iterable
from decimal import ROUND_HALF_UP, Decimal
from typing import NamedTuple

CENT = Decimal("0.01")
ZERO = Decimal("0.00")
HUNDRED = Decimal(100)


def to_cents(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


class LineAmounts(NamedTuple):
    net: Decimal
    vat: Decimal
    gross: Decimal


def line_amounts(quantity: Decimal, unit_price: Decimal, vat_rate_percent: Decimal) -> LineAmounts:
    """Net = quantity × price before VAT, VAT = net × rate, each rounded to the cent."""
    net = to_cents(quantity * unit_price)
    vat = to_cents(net * vat_rate_percent / HUNDRED)
    return LineAmounts(net, vat, net + vat)


def totals(lines: Iterable[LineAmounts]) -> LineAmounts:
    net = vat = ZERO
    for line in lines:
        net += line.net
        vat += line.vat
    return LineAmounts(net, vat, net + vat)
