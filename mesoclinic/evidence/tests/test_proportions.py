"""Intervals for proportions and rates, against the reference's worked examples."""

from __future__ import annotations

import numpy as np
import pytest
import statsmodels.api as sm

from mesoclinic.evidence.engine.adverse import kaplan_meier_median
from mesoclinic.evidence.engine.proportions import (
    clopper_pearson,
    clustered_rate,
    poisson_rate_ci,
    proportion_ci,
    wilson,
)


def test_it_reproduces_the_reference_wilson_and_clopper_pearson_examples():
    # given 52 responders of 84 and 0 of 30 (evidence-analytics.md §2.4)
    # when / then Wilson is 51.2–71.6%, Clopper–Pearson 50.7–72.3%, and 0/30 tops at 11.6%
    assert wilson(52, 84) == pytest.approx((0.512, 0.716), abs=5e-4)
    assert clopper_pearson(52, 84) == pytest.approx((0.507, 0.723), abs=5e-4)
    assert clopper_pearson(0, 30)[1] == pytest.approx(0.116, abs=5e-4)


def test_it_uses_the_exact_interval_for_small_or_extreme_counts():
    # given / when / then
    assert proportion_ci(0, 200)[2].startswith("Clopper-Pearson")
    assert proportion_ci(5, 20)[2].startswith("Clopper-Pearson")
    assert proportion_ci(52, 84)[2] == "Wilson"


def test_it_reproduces_the_reference_exact_poisson_example():
    # given 3 events in 250 sessions: 1.2 per 100, 95% CI 0.25–3.5 (evidence-analytics.md §2.5)
    low, high = poisson_rate_ci(3, 2.5)
    # then
    assert (low, high) == pytest.approx((0.25, 3.5), abs=0.01)


def test_it_matches_a_gee_with_robust_errors_for_clustered_session_rates():
    # given sessions clustered within 80 patients with a patient frailty
    rng = np.random.default_rng(2)
    sessions = rng.integers(1, 7, 80)
    frailty = rng.gamma(2.0, 0.5, 80)
    patient = np.repeat(np.arange(80), sessions)
    outcome = (rng.random(len(patient)) < 0.2 * frailty[patient]).astype(float)
    events = np.bincount(patient, outcome)
    # when our rate and statsmodels' GEE (logistic, independence, robust) are computed
    rate, low, high, method = clustered_rate(events, sessions.astype(float))
    gee = sm.GEE(outcome, np.ones((len(patient), 1)), groups=patient, family=sm.families.Binomial(), cov_struct=sm.cov_struct.Independence()).fit()  # fmt: skip
    # then the point estimate is the same and our interval is the GEE one with the CR1 factor
    assert rate == pytest.approx(1 / (1 + np.exp(-gee.params[0])), abs=1e-9)
    half = (np.log(high / (1 - high)) - np.log(low / (1 - low))) / 2
    assert half / 1.959964 == pytest.approx(gee.bse[0] * np.sqrt(80 / 79), rel=1e-6)
    assert method.startswith("GEE")


def test_it_falls_back_to_an_exact_interval_when_events_are_few():
    # given 2 events in 300 sessions
    events = np.zeros(100)
    events[:2] = 1
    # when
    rate, low, high, method = clustered_rate(events, np.full(100, 3.0))
    # then the interval is exact (Korn–Graubard) and holds the estimate
    assert "Clopper-Pearson" in method
    assert low < rate < high


def test_it_computes_the_kaplan_meier_median_with_censoring():
    # given durations 2, 3, 3(censored), 5, 8, 9(censored)
    duration = np.array([2.0, 3, 3, 5, 8, 9])
    resolved = np.array([True, True, False, True, True, False])
    # when: S(2)=5/6, S(3)=4/6, S(5)=4/6*2/3=0.444
    median, ci = kaplan_meier_median(duration, resolved)
    # then the median is the first time S <= 0.5
    assert median == 5.0
    assert ci[0] is not None
    assert ci[0] <= 5.0


def test_it_reports_no_median_when_fewer_than_half_resolve():
    # given / when
    median, ci = kaplan_meier_median(np.array([1.0, 5, 5, 5]), np.array([True, False, False, False]))  # fmt: skip
    # then
    assert median is None
