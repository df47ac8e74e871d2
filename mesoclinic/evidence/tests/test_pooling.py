"""The pooled report: the random-effects arithmetic against an independent REML fit, and the
planted per-site effects and heterogeneity recovered on simulated practices (issue 16)."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from scipy import optimize

from mesoclinic.evidence.engine.pooling import random_effects, reml_tau2
from mesoclinic.evidence.pooled_report import pooled_report
from mesoclinic.evidence.pooled_synthetic import SitesConfig, generate_sites


def _reml_by_optimiser(y: np.ndarray, v: np.ndarray) -> float:
    """τ² maximising the restricted log-likelihood, found by a bounded scalar search."""

    def minus_loglik(tau2: float) -> float:
        w = 1.0 / (v + tau2)
        mu = np.sum(w * y) / np.sum(w)
        return 0.5 * float(np.sum(np.log(v + tau2)) + np.log(np.sum(w)) + np.sum(w * (y - mu) ** 2))  # fmt: skip

    found = optimize.minimize_scalar(minus_loglik, bounds=(0.0, 10.0 * float(np.var(y)) + 1.0), method="bounded", options={"xatol": 1e-12})  # fmt: skip
    return float(found.x)


def test_it_estimates_tau2_as_the_restricted_likelihood_maximum():
    # given site estimates that differ more than their errors explain
    rng = np.random.default_rng(7)
    se = rng.uniform(0.05, 0.2, 15)
    y = rng.normal(-0.4, 0.2, 15) + rng.normal(0.0, se)
    # when τ² is estimated by the fixed-point iteration
    # then it is the maximum of the restricted likelihood found by a generic optimiser
    assert reml_tau2(y, se**2) == pytest.approx(_reml_by_optimiser(y, se**2), abs=1e-6)


@given(st.lists(st.floats(-5, 5), min_size=2, max_size=12), st.floats(0.01, 2.0))
def test_it_gives_equal_sites_no_heterogeneity_and_their_common_value(values, se):
    # given sites that all estimate the same value with the same error
    y = np.full(len(values), values[0])
    pooled = random_effects(y, np.full(len(values), se))
    # then the pooled value is that value, τ² and I² are zero, and the CI holds it
    assert pooled.mu == pytest.approx(values[0])
    assert pooled.tau2 == pytest.approx(0.0, abs=1e-12)
    assert pooled.i2 == 0.0
    assert pooled.ci95[0] <= pooled.mu <= pooled.ci95[1]


def test_it_refuses_to_pool_one_site():
    with pytest.raises(ValueError, match="at least 2 sites"):
        random_effects(np.array([1.0]), np.array([0.1]))


def test_it_reports_each_site_and_the_pooled_effect_with_its_heterogeneity():
    # given four simulated practices with different planted effects
    planted = generate_sites(SitesConfig(sites=4, tau_cm=0.2), np.random.default_rng(3))
    # when the pooled report is built
    report = pooled_report(planted.sites, indication="localized_fat", area=None, outcome="circumference_cm")  # fmt: skip
    # then every site has its own estimate, the pooled one sits among them, with τ², I²
    assert [s["site"] for s in report["sites"]] == [name for name, _t in planted.sites]
    site_effects = [s["per_session_effect"]["estimate"] for s in report["sites"]]
    effect = report["per_session_effect"]
    assert min(site_effects) <= effect["estimate"] <= max(site_effects)
    assert effect["sites"] == 4
    assert set(report["heterogeneity"]) >= {"tau2", "i2", "q", "q_p", "prediction95"}
    assert report["patients"] == sum(s["patients"] for s in report["sites"])
    assert report["adverse_events"]


@pytest.mark.slow
def test_it_covers_the_planted_mean_and_each_site_over_200_seeds():
    # given 200 seeded simulations of 5 practices, site effects drawn around -0.5 cm/session
    config = SitesConfig(sites=5, mean_effect_cm=-0.5, tau_cm=0.15, patients_low=50, patients_high=100)  # fmt: skip
    covered_mean, covered_site, covered_tau2, sites_seen = 0, 0, 0, 0
    for seed in range(200):
        planted = generate_sites(config, np.random.default_rng(1000 + seed))
        # when each is pooled
        report = pooled_report(planted.sites, indication="localized_fat", area=None, outcome="circumference_cm")  # fmt: skip
        effect = report["per_session_effect"]
        covered_mean += effect["ci95"][0] <= config.mean_effect_cm <= effect["ci95"][1]
        for site, truth in zip(report["sites"], planted.effects, strict=True):
            if site["per_session_effect"]:
                sites_seen += 1
                low, high = site["per_session_effect"]["ci95"]
                covered_site += low <= truth <= high
        covered_tau2 += effect["tau2_ci95"][0] <= config.tau_cm**2 <= effect["tau2_ci95"][1]
    # then the pooled 95% CI holds the planted mean in 90–99 % of the simulations
    assert 0.90 <= covered_mean / 200 <= 0.99, covered_mean
    # and each site's CI holds that site's planted effect as often
    assert 0.90 <= covered_site / sites_seen <= 0.99, (covered_site, sites_seen)
    # and the planted heterogeneity τ² = 0.0225 lies in the Q-profile 95% CI as often
    assert 0.90 <= covered_tau2 / 200 <= 0.99, covered_tau2
