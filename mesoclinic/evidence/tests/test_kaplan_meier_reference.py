"""The engine's Kaplan–Meier against an independent implementation: statsmodels' SurvfuncRight.

For every data set (hand tables with ties and censoring, and Hypothesis-generated ones) the
engine's curve at each event time must equal statsmodels' to 1e-9: the number at risk, the
events, the survival probability and its Greenwood standard error. The pointwise 95%
log-log band is rebuilt from statsmodels' curve and standard error, and the median and its
interval must be statsmodels' ``quantile(0.5)`` and ``quantile_ci(0.5, method="cloglog")``
(the same Brookmeyer–Crowley inversion of the log-log test, as SAS's LIFETEST does). Two
conventions differ, and are checked against statsmodels' curve instead:
- statsmodels (like SAS) takes the median as the first time S(t) < 0.5; the engine, as its
  docstring says, the first time S(t) ≤ 0.5. They differ only when S(t) is exactly 0.5;
- at S(t) = 0 the log-log test is undefined (statsmodels gives NaN); the engine's band is 0
  there, so a curve that reaches 0 still has a median interval.
"""

from __future__ import annotations

import warnings
from fractions import Fraction

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from statsmodels.duration.survfunc import SurvfuncRight

from mesoclinic.evidence.engine.adverse import HALF_TOLERANCE, kaplan_meier, kaplan_meier_median
from mesoclinic.evidence.engine.proportions import Z95

TOLERANCE = 1e-9

# Freireich et al. (Blood, 1963), 6-MP arm: weeks in remission, "+" censored; the textbook
# example of Kaplan–Meier with ties and censoring (reproduced in Klein & Moeschberger,
# Survival Analysis).
SIX_MP = "6 6 6 6+ 7 9+ 10 10+ 11+ 13 16 17+ 19+ 20+ 22 23 25+ 32+ 32+ 34+ 35+"
HAND_TABLES = {
    "6-MP": SIX_MP,
    "ties of events and a censoring at the same time": "2 2 2+ 3 3 3 3+ 5 8 8+ 9+",
    "first time censored, last an event": "1+ 4 4 6 7+ 9",
    "curve reaches zero": "1 2 2 3+ 4",
    "curve exactly one half": "1 2 3 4",
    "one event": "5",
    "mostly censored": "1 2+ 3+ 4+ 5+ 6+",
}


def _parse(table: str) -> tuple[np.ndarray, np.ndarray]:
    cells = table.split()
    return (
        np.array([float(c.rstrip("+")) for c in cells]),
        np.array([not c.endswith("+") for c in cells]),
    )


def _first_at_or_below_half(times: np.ndarray, values: np.ndarray) -> float | None:
    hits = np.flatnonzero(values <= 0.5 + HALF_TOLERANCE)
    return float(times[hits[0]]) if len(hits) else None


def assert_matches_statsmodels(duration: np.ndarray, resolved: np.ndarray) -> None:
    # when the engine and statsmodels each estimate the curve
    curve = kaplan_meier(duration, resolved)
    reference = SurvfuncRight(duration, resolved.astype(int))
    at_events = curve.events > 0
    # then they agree at every event time: who was at risk, the events and S(t)
    np.testing.assert_array_equal(curve.times[at_events], reference.surv_times)
    np.testing.assert_array_equal(curve.at_risk[at_events], reference.n_risk)
    np.testing.assert_array_equal(curve.events[at_events], reference.n_events)
    survival = curve.survival[at_events]
    np.testing.assert_allclose(survival, reference.surv_prob, rtol=0, atol=TOLERANCE)
    # and, wherever S(t) > 0, Greenwood's standard error of S(t)
    alive = reference.surv_prob > 0
    with np.errstate(invalid="ignore"):
        standard_error = survival * np.sqrt(curve.greenwood[at_events])
    np.testing.assert_allclose(
        standard_error[alive], reference.surv_prob_se[alive], rtol=0, atol=TOLERANCE
    )
    # and the pointwise 95% log-log band, built from statsmodels' S(t) and its SE (0 at S = 0)
    s, se = reference.surv_prob, reference.surv_prob_se
    inside = (s > 0) & (s < 1)
    with np.errstate(divide="ignore", invalid="ignore"):
        centre = np.log(-np.log(s))
        se_loglog = se / (s * np.abs(np.log(s)))
        low = np.where(s > 0, np.exp(-np.exp(centre + Z95 * se_loglog)), 0.0)
        high = np.where(s > 0, np.exp(-np.exp(centre - Z95 * se_loglog)), 0.0)
    for engine_band, reference_band in ((curve.band_low, low), (curve.band_high, high)):
        np.testing.assert_allclose(
            engine_band[at_events][inside | (s <= 0)],
            reference_band[inside | (s <= 0)],
            rtol=0,
            atol=TOLERANCE,
        )
    # and the median and its interval
    median, (lower, upper) = kaplan_meier_median(duration, resolved)
    exactly_half = bool(np.any(np.abs(s - 0.5) <= HALF_TOLERANCE))
    reaches_zero = bool(np.any(s <= 0))
    if not exactly_half:
        expected = reference.quantile(0.5)
        assert median == (None if np.isnan(expected) else expected)
    assert median == _first_at_or_below_half(reference.surv_times, s)
    if not exactly_half and not reaches_zero:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)  # log(1) = 0 at S(t) = 1
            expected_ci = reference.quantile_ci(0.5, alpha=0.05, method="cloglog")
        assert [lower, upper] == [None if not np.isfinite(x) else float(x) for x in expected_ci]
    times = reference.surv_times
    assert lower == _first_at_or_below_half(times, np.nan_to_num(low, nan=1.0))
    assert upper == _first_at_or_below_half(times, np.nan_to_num(high, nan=1.0))


@pytest.mark.parametrize("name", sorted(HAND_TABLES))
def test_it_estimates_the_hand_tables_as_statsmodels_does(name):
    # given a table of durations with ties and censoring
    duration, resolved = _parse(HAND_TABLES[name])
    # when / then
    assert_matches_statsmodels(duration, resolved)


def test_it_reproduces_the_six_mp_curve_by_the_product_limit_formula():
    # given the 6-MP remission times
    duration, resolved = _parse(SIX_MP)
    # when the engine estimates the curve
    curve = kaplan_meier(duration, resolved)
    # then S(t) at each event time is the product of (n - d) / n, in exact fractions
    expected, product = {}, Fraction(1)
    for t in sorted(set(duration[resolved])):
        n = int((duration >= t).sum())
        d = int(((duration == t) & resolved).sum())
        product *= Fraction(n - d, n)
        expected[t] = product
    at_events = curve.events > 0
    got = dict(zip(curve.times[at_events], curve.survival[at_events], strict=True))
    assert set(got) == set(expected) == {6.0, 7.0, 10.0, 13.0, 16.0, 22.0, 23.0}
    for t, value in expected.items():
        assert abs(got[t] - float(value)) < TOLERANCE
    # and the textbook's rounded figures: S(6) = 0.857, S(23) = 0.448, median 23 weeks
    assert round(got[6.0], 3) == 0.857
    assert round(got[23.0], 3) == 0.448
    assert kaplan_meier_median(duration, resolved)[0] == 23.0


durations = st.one_of(
    st.integers(min_value=0, max_value=12).map(float),  # whole days: many ties
    st.floats(min_value=0, max_value=400, allow_nan=False, allow_infinity=False),
)


@given(st.lists(st.tuples(durations, st.booleans()), min_size=1, max_size=60))
def test_it_estimates_any_data_set_as_statsmodels_does(rows):
    # given any durations, some resolved and some censored (at least one resolved)
    duration = np.array([t for t, _ in rows])
    resolved = np.array([r for _, r in rows])
    if not resolved.any():
        resolved[0] = True
    # when / then
    assert_matches_statsmodels(duration, resolved)


def test_it_takes_a_curve_of_exactly_one_half_at_that_time_despite_rounding():
    # given 194 events on days 1..194, none censored: S(97) is exactly 1/2, but the float
    # product of 97 factors (n − 1) / n lands a rounding error above it
    duration = np.arange(1.0, 195.0)
    resolved = np.ones(194, dtype=bool)
    assert kaplan_meier(duration, resolved).survival[96] != 0.5
    # when the median is read from the curve
    median, _ = kaplan_meier_median(duration, resolved)
    # then it is day 97, the first day the curve is at or below one half
    assert median == 97.0
