"""The attack-rate statistics, checked against scipy (which the app does not import: the
pages and commands must start without it)."""

from __future__ import annotations

import math

import pytest
from scipy.stats import fisher_exact
from scipy.stats.contingency import relative_risk

from mesoclinic.safety.signal_rates import (
    exact_stratified_greater,
    fisher_greater,
    holm,
    mantel_haenszel,
    score_ci,
    stratified_p,
)

TABLES = [
    (5, 20, 3, 100),
    (0, 10, 5, 50),
    (10, 500, 5427, 999_500),
    (7, 150, 200, 3000),
    (3, 3, 0, 10),
]


@pytest.mark.parametrize("table", TABLES)
def test_it_gives_the_one_sided_fisher_p_value_of_scipy(table):
    # given a 2x2 table (cases and sessions among exposed and unexposed)
    a, n1, c, n0 = table
    # when
    ours = fisher_greater(*table)
    exact = exact_stratified_greater([table])
    # then scipy's one-sided Fisher test, by both routes
    theirs = fisher_exact([[a, n1 - a], [c, n0 - c]], alternative="greater")[1]
    assert ours == pytest.approx(theirs, rel=1e-9, abs=1e-15)
    assert exact == pytest.approx(theirs, rel=1e-9, abs=1e-15)


def test_it_gives_the_exact_conditional_test_of_scipy_over_two_strata():
    # given two strata with the same odds ratio: the conditional test of scipy's
    # odds_ratio, one stratum at a time, bounds ours (there is no stratified exact in scipy)
    strata = [(4, 10, 1, 30), (3, 8, 0, 25)]
    # when
    p = exact_stratified_greater(strata)
    # then smaller than either stratum alone, and larger than their product
    single = [fisher_greater(*s) for s in strata]
    assert p < min(single)
    assert p > single[0] * single[1]


def test_it_brackets_the_relative_risk_with_the_score_interval():
    # given 12 of 100 exposed sessions against 10 of 1000
    low, high = score_ci(12, 100, 10, 1000)
    # then the interval holds the RR of 12 and excludes 1
    assert low < 12 < high
    assert low > 1
    # and it is close to scipy's (Katz, log-scale) interval, which is fine with 22 cases
    katz = relative_risk(12, 100, 10, 1000).confidence_interval()
    assert low == pytest.approx(katz.low, rel=0.1)
    assert high == pytest.approx(katz.high, rel=0.1)
    # and an exposed group without a case has a lower limit of 0
    assert score_ci(0, 50, 10, 1000)[0] == 0.0


def test_it_stratifies_away_a_confounded_excess():
    # given an exposure whose crude excess comes from a stratum with a high rate
    strata = [(20, 100, 20, 100), (1, 100, 9, 900)]
    crude = fisher_greater(21, 200, 29, 1000)
    # when
    rr, (low, high), p = mantel_haenszel(strata)
    # then the crude test finds an excess, the stratified one does not, and RR_MH is 1
    assert crude < 0.001
    assert rr == pytest.approx(1.0)
    assert low < 1 < high
    assert p > 0.3
    assert stratified_p(strata) > 0.3


def test_it_adjusts_p_values_by_holm():
    # given four p-values
    adjusted = holm([0.01, 0.04, 0.03, 0.005])
    # then Holm's step-down, in the order given, monotone
    assert adjusted == pytest.approx([0.03, 0.06, 0.06, 0.02])
    assert all(0 <= x <= 1 for x in holm([0.9, 0.8, 0.7]))
    assert not any(math.isnan(x) for x in holm([]))
