"""Partial credits of an invoice line: VAT per credited amount as on the invoice, never more
than the line, exactly the line once refunded in full (pure)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from mesoclinic.billing.amounts import (
    CreditTooLargeError,
    LineAmounts,
    credit_amounts,
    line_amounts,
    uncredited,
)

D = Decimal


def _credit_all(line: LineAmounts, rate: Decimal, parts: list[Decimal]) -> list[LineAmounts]:
    """Credit ``parts`` of ``line`` one after another, as credit notes store them (negative)."""
    stored: list[LineAmounts] = []
    for part in parts:
        amounts = credit_amounts(part, rate, uncredited(line, stored))
        stored.append(LineAmounts(-amounts.net, -amounts.vat, -amounts.gross))
    return stored


@pytest.mark.parametrize(
    ("price", "rate", "parts", "vats"),
    [
        # 50.00 of a 150.00 line at 20 %: VAT 10.00, as on an invoice line of 50.00; the rest
        ("150.00", "20", ["50.00", "100.00"], ["10.00", "20.00"]),
        # 33.33 at 20 % is 6.67 on the line; 10.00 then 23.33: 2.00, then the rest, 4.67
        ("33.33", "20", ["10.00", "23.33"], ["2.00", "4.67"]),
        # 10.00 at 20 % (2.00) in thirds: 3.33 → 0.67 (0.666 half up), 3.33 → 0.67, and the
        # last takes what remains, 0.66, not 0.67: the thirds add up to the line, not 2.01
        ("10.00", "20", ["3.33", "3.33", "3.34"], ["0.67", "0.67", "0.66"]),
        # 1.00 at 5 % (0.05) in tenths: each 0.10 → 0.01 (0.005 half up) until none remains;
        # the later tenths take no VAT rather than more than the line's
        ("1.00", "5", ["0.10"] * 10, ["0.01"] * 5 + ["0.00"] * 5),
        # 0.10 at 20 % (0.02) in cents: each 0.002 → 0.00, the last takes the 0.02
        ("0.10", "20", ["0.01"] * 10, ["0.00"] * 9 + ["0.02"]),
        # no VAT
        ("33.33", "0", ["33.33"], ["0.00"]),
    ],
)
def test_it_computes_the_vat_of_each_partial_credit(price, rate, parts, vats):
    # given an invoice line of one unit
    line = line_amounts(D(1), D(price), D(rate))
    # when it is credited in the given parts
    stored = _credit_all(line, D(rate), [D(p) for p in parts])
    # then each credit's VAT is as expected and, credited whole, the credits equal the line
    assert [-s.vat for s in stored] == [D(v) for v in vats]
    assert uncredited(line, stored) == (D(0), D(0), D(0))


@pytest.mark.parametrize("part", ["0.00", "-1.00", "150.01", "10.001"])
def test_it_refuses_a_credit_of_no_money_or_more_than_remains(part):
    # given a line of 150.00 / when a credit asks for 0, a negative amount, more than the
    # line or a fraction of a cent / then it is refused
    line = line_amounts(D(1), D("150.00"), D(20))
    with pytest.raises(CreditTooLargeError):
        credit_amounts(D(part), D(20), line)


def test_it_refuses_more_than_remains_after_an_earlier_credit():
    # given 100.00 of a 150.00 line already credited
    line = line_amounts(D(1), D("150.00"), D(20))
    stored = _credit_all(line, D(20), [D("100.00")])
    # when 50.01 more is asked / then it is refused; 50.00 is not
    with pytest.raises(CreditTooLargeError):
        credit_amounts(D("50.01"), D(20), uncredited(line, stored))
    assert credit_amounts(D("50.00"), D(20), uncredited(line, stored)).gross == D("60.00")


prices = st.decimals(min_value=D("0.01"), max_value=10000, places=2)
rates = st.decimals(min_value=0, max_value=30, places=2)
quantities = st.integers(min_value=1, max_value=20)
# each part a fraction of what remains, in thousandths (rounded down to the cent, at least 1 c)
fractions = st.lists(st.integers(min_value=1, max_value=1000), min_size=1, max_size=12)


@given(prices, rates, quantities, fractions)
def test_it_never_credits_more_than_the_line_however_it_is_split(price, rate, quantity, parts):
    # given any invoice line
    line = line_amounts(D(quantity), price, rate)
    stored: list[LineAmounts] = []
    # when it is credited in any sequence of parts, each at most what remains
    for thousandths in parts:
        remaining = uncredited(line, stored)
        if remaining.net <= 0:
            break
        part = max(
            (remaining.net * thousandths / 1000).quantize(D("0.01"), "ROUND_DOWN"), D("0.01")
        )
        amounts = credit_amounts(part, rate, remaining)
        stored.append(LineAmounts(-amounts.net, -amounts.vat, -amounts.gross))
        # then after every credit nothing of the line is credited twice: net, VAT and total
        # credited so far are each between zero and the line's
        left = uncredited(line, stored)
        assert D(0) <= left.net <= line.net
        assert D(0) <= left.vat <= line.vat
        assert D(0) <= left.gross <= line.gross
        assert amounts.gross == amounts.net + amounts.vat
    # and once nothing remains before VAT, exactly the line has been credited
    if uncredited(line, stored).net == 0:
        assert uncredited(line, stored) == (D(0), D(0), D(0))
