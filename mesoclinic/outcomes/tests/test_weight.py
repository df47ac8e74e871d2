"""The >5% weight-change flag (http://cdek.wustl.edu/trial/NCT03510598/)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from mesoclinic.outcomes.weight import WeightChange, weight_changes

D1, D2, D3 = dt.date(2025, 1, 1), dt.date(2025, 2, 1), dt.date(2025, 3, 1)


@pytest.mark.parametrize(
    ("later_kg", "flagged"),
    [("105.00", False), ("95.00", False), ("105.01", True), ("94.99", True), ("100", False)],
)
def test_it_flags_only_a_change_of_more_than_five_percent(later_kg, flagged):
    # given a first weight of 100 kg and a later one
    changes = weight_changes([(D1, Decimal(100), "a"), (D2, Decimal(later_kg), "b")])
    # then the later one is flagged only beyond 5%
    assert changes["b"].flagged is flagged
    assert "a" not in changes


def test_it_compares_with_the_first_recorded_weight_not_the_first_given():
    # given weights passed out of date order
    changes = weight_changes(
        [(D3, Decimal(90), "c"), (D1, Decimal(80), "a"), (D2, Decimal(82), "b")]
    )
    # then the earliest (80 kg) is the baseline
    assert changes["c"].baseline_kg == Decimal(80)
    assert changes["c"].percent == Decimal("12.5")
    assert changes["c"].flagged
    assert not changes["b"].flagged


def test_it_has_nothing_to_compare_with_a_single_weight():
    assert weight_changes([(D1, Decimal(70), "a")]) == {}
    assert weight_changes([]) == {}


@given(
    base=st.decimals(min_value=20, max_value=400, places=2),
    later=st.decimals(min_value=20, max_value=400, places=2),
)
def test_it_flags_exactly_when_the_ratio_leaves_the_five_percent_band(base, later):
    change = WeightChange(base, D1, later, D2)
    assert change.flagged == (abs(later / base - 1) > Decimal("0.05"))
