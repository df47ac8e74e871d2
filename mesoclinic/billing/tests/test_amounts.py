"""Invoice arithmetic: VAT per line, rounded to the cent half up; totals add the lines."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from mesoclinic.billing.amounts import line_amounts, totals

D = Decimal


@pytest.mark.parametrize(
    ("quantity", "price", "rate", "net", "vat", "gross"),
    [
        ("1", "150.00", "20", "150.00", "30.00", "180.00"),
        # 33.33 × 20 % = 6.666 → 6.67 (half up, on the line)
        ("1", "33.33", "20", "33.33", "6.67", "40.00"),
        # 0.125 rounds up to 0.13, not to the even 0.12
        ("1", "1.25", "10", "1.25", "0.13", "1.38"),
        ("3", "19.99", "5.5", "59.97", "3.30", "63.27"),
        ("1", "100.00", "0", "100.00", "0.00", "100.00"),
        # a credit note's line is the same line negated, cent for cent
        ("-1", "1.25", "10", "-1.25", "-0.13", "-1.38"),
    ],
)
def test_it_rounds_each_line_to_the_cent_half_up(quantity, price, rate, net, vat, gross):
    # given a line / when its amounts are computed / then each is rounded on the line
    assert line_amounts(D(quantity), D(price), D(rate)) == (D(net), D(vat), D(gross))


def test_it_adds_the_rounded_lines_for_the_totals():
    # given three lines whose VAT rounds up on each line
    lines = [line_amounts(D(1), D("33.33"), D(20)) for _ in range(3)]
    # when they are totalled
    net, vat, gross = totals(lines)
    # then the VAT is the sum of the lines' VAT (20.01), not the VAT of the sum (20.00)
    assert (net, vat, gross) == (D("99.99"), D("20.01"), D("120.00"))


cents = st.decimals(min_value=0, max_value=10000, places=2)
rates = st.decimals(min_value=0, max_value=30, places=2)


@given(cents, rates, st.integers(min_value=1, max_value=20))
def test_it_negates_a_credited_line_exactly(price, rate, quantity):
    # given any line / when it is credited (negative quantity)
    line = line_amounts(D(quantity), price, rate)
    credited = line_amounts(D(-quantity), price, rate)
    # then every amount is exactly the negation, and gross is net plus VAT
    assert credited == (-line.net, -line.vat, -line.gross)
    assert line.gross == line.net + line.vat
