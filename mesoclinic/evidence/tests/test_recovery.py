"""The engine recovers the truths planted in a synthetic bundle (one fixed seed)."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from mesoclinic.evidence.engine.report import build_report
from mesoclinic.evidence.synthetic import SyntheticBundle, SyntheticConfig, generate


def holds(ci: list[float], value: float) -> bool:
    return ci[0] <= value <= ci[1]


@pytest.fixture(scope="module")
def fat_report(bundle: SyntheticBundle) -> dict[str, Any]:
    return build_report(**bundle.tables(), indication="localized_fat")


@pytest.fixture(scope="module")
def null_report(bundle: SyntheticBundle) -> dict[str, Any]:
    return build_report(**bundle.tables(), indication="cellulite", area="thigh_outer")


def test_it_holds_the_planted_per_session_effect_in_the_adjusted_interval(bundle, fat_report):
    # given a bundle with a planted effect of -0.5 cm per session and dieters who stay longer
    planted = bundle.truth["arms"]["localized_fat"]["per_session_effect"]
    # when the report is built
    effect = fat_report["per_session_effect"]
    # then the weight-adjusted 95% interval holds the planted value
    assert holds(effect["ci95"], planted)
    assert effect["converged"] is True


def test_it_shows_the_naive_estimate_missing_the_planted_effect(bundle, fat_report):
    # given the same bundle, where dieters lose weight and stay for more sessions
    planted = bundle.truth["arms"]["localized_fat"]["per_session_effect"]
    # when the naive change per session is read
    naive = fat_report["naive_change"]
    # then it overstates the reduction: its interval lies wholly below the planted value
    assert naive["per_session_ci95"][1] < planted
    assert naive["per_session_estimate"] < fat_report["per_session_effect"]["ci95"][0]


def test_it_holds_zero_for_the_no_effect_indication_while_the_naive_change_does_not(null_report):
    # given an indication with no effect at all (cellulite in the synthetic bundle)
    # when the report is built
    adjusted = null_report["per_session_effect"]["ci95"]
    naive = null_report["naive_change"]["ci95"]
    # then the adjusted interval holds 0 and the naive change (weight loss) excludes it
    assert holds(adjusted, 0.0)
    assert naive[1] < 0.0


def test_it_recovers_the_planted_weight_slope(bundle, fat_report):
    # given 0.8 cm per kg planted
    planted = bundle.truth["arms"]["localized_fat"]["weight_effect_per_kg"]
    # when / then the within-patient weight term's interval holds it
    assert holds(fat_report["weight_effect_per_kg"]["ci95"], planted)


@pytest.mark.parametrize(("report_name", "planted"), [("fat_report", -0.5), ("null_report", 0.0)])
def test_it_recovers_the_planted_effect_from_the_control_site_difference(
    request, report_name, planted
):
    # given patients with an untreated contralateral site measured on the same dates
    report = request.getfixturevalue(report_name)
    # when the control-site difference is read
    control = report["control_difference_per_session"]
    # then its interval holds the planted per-session effect
    assert holds(control["ci95"], planted)
    assert control["patients"] >= 20


def test_it_keeps_the_known_failure_visible_and_the_control_site_fixes_it():
    # given "exercisers" whose girth falls 0.3 cm/week with no weight change, who stay longer
    config = SyntheticConfig(exerciser_share=0.5, exercise_cm_per_week=-0.3)
    bundle = generate(config, np.random.default_rng(5))
    # when the report is built
    report = build_report(**bundle.tables(), indication="cellulite")
    # then weight adjustment cannot remove it (the adjusted interval misses 0) ...
    assert report["per_session_effect"]["ci95"][1] < 0.0
    # ... but the untreated control site, which the lifestyle also moves, does
    assert holds(report["control_difference_per_session"]["ci95"], 0.0)


def test_it_holds_the_planted_adverse_event_rates(bundle, fat_report):
    # given side effects with known per-session rates, clustered within patients
    planted = bundle.truth["adverse_events"]
    # when the report's adverse-event rates are read
    rates = {entry["type"]: entry for entry in fat_report["adverse_events"]}
    # then every interval holds the planted marginal rate
    assert set(rates) == set(planted)
    for ae_type, truth in planted.items():
        assert holds(rates[ae_type]["ci95"], truth["rate_per_session"]), ae_type


def test_it_recovers_the_planted_median_time_to_resolution(bundle, fat_report):
    # given Weibull resolution times with known medians, unresolved at the last contact
    # for some events (right-censored)
    planted = bundle.truth["adverse_events"]
    rates = {entry["type"]: entry for entry in fat_report["adverse_events"]}
    for ae_type in ("bruising", "swelling"):
        # when / then the Kaplan-Meier median's interval holds the whole-day median
        low, high = rates[ae_type]["median_days_to_resolution_ci95"]
        whole_days = np.ceil(planted[ae_type]["median_days_to_resolution"])
        assert low <= whole_days <= high, ae_type
