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


def uncredited(line: LineAmounts, credited: Iterable[LineAmounts]) -> LineAmounts:
    """What of ``line`` no credit note has refunded yet; ``credited`` as the credit notes store
    their lines (negative amounts)."""
    net, vat = line.net, line.vat
    for credit in credited:
        net += credit.net
        vat += credit.vat
    return LineAmounts(net, vat, net + vat)


class CreditTooLargeError(ValueError):
    """A partial credit asks for more than remains of the line (or for no money at all)."""


def credit_amounts(
    net_requested: Decimal, vat_rate_percent: Decimal, remaining: LineAmounts
) -> LineAmounts:
    """The amounts (positive) of a credit of ``net_requested`` before VAT against a line of
    which ``remaining`` is not yet credited.

    VAT is computed on the credited amount as on an invoice line (rounded to the cent, half
    up), except that the credit taking all that remains takes the remaining VAT to the cent,
    and no credit takes more VAT than remains: the credits of a line add up, cent for cent, to
    at most the line, and to exactly the line once it is refunded in full, however it was split.
    """
    if net_requested != to_cents(net_requested) or net_requested <= ZERO:
        raise CreditTooLargeError("a credit is a positive amount in cents")
    if net_requested > remaining.net:
        raise CreditTooLargeError("more than remains of the line")
    if net_requested == remaining.net:
        vat = remaining.vat
    else:
        vat = min(to_cents(net_requested * vat_rate_percent / HUNDRED), max(remaining.vat, ZERO))
    return LineAmounts(net_requested, vat, net_requested + vat)
