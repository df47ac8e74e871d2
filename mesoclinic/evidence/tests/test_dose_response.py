"""The dose-response view (engine/dose_response.py) recovers a planted slope where the naive
one does not; the pooled report pools it and the costs per currency (pooled_cost_dose.py)."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import numpy as np
import pytest

from mesoclinic.evidence.figures import Tables, evidence_report
from mesoclinic.evidence.pooled_report import pooled_report
from mesoclinic.evidence.pooled_synthetic import SitesConfig, generate_sites
from mesoclinic.evidence.synthetic import Arm, SyntheticConfig, generate

SEED = 20240611
PLANTED = -0.1  # cm per session for each mL per session above the mean dose
# Dieters are given 0.5 mL more: the dose goes with weight loss, so a slope that does not
# remove weight is confounded.
DOSED = SyntheticConfig(arms=(Arm("localized_fat", "flank", "synthetic PC/DC", -0.5, 0.2, 1.0),), dose_ml=4.0, dieter_extra_ml=0.5, dose_slope_cm_per_ml=PLANTED)  # fmt: skip


def holds(ci: list[float], value: float) -> bool:
    return ci[0] <= value <= ci[1]


def report_of(config: SyntheticConfig, dose_mg: tuple[str, dict[str, float]] | None = None) -> dict[str, Any]:  # fmt: skip
    tables = Tables(**generate(config, np.random.default_rng(SEED)).tables())
    tables.dose_mg = dose_mg
    return evidence_report(tables, indication="localized_fat", area=None, outcome="circumference_cm")  # fmt: skip


@pytest.fixture(scope="module")
def dosed() -> dict[str, Any]:
    return report_of(DOSED)


def test_it_holds_the_planted_dose_slope_while_the_naive_slope_misses(dosed):
    # given a planted -0.1 cm per session per mL, and dieters given more
    # when the dose-response view is computed
    section = dosed["dose_response"]
    # then the slope net of weight holds the planted value, and the naive slope (weight
    # loss counted as treatment) lies wholly below it
    assert section["dose_unit"] == "ml"
    assert holds(section["slope"]["ci95"], PLANTED)
    assert section["naive_slope"]["ci95"][1] < PLANTED
    # and the courses are grouped by dose for the plot, lower doses changing less
    assert len(section["bins"]) == 4
    assert section["bins"][0]["mean_effect"] > section["bins"][-1]["mean_effect"]


def test_it_finds_no_slope_where_none_is_planted():
    # given the same practice with a dose that does nothing
    section = report_of(replace(DOSED, dose_slope_cm_per_ml=0.0))["dose_response"]
    # when the view is computed
    # then the slope's interval holds zero
    assert holds(section["slope"]["ci95"], 0.0)


def test_it_gives_the_slope_per_mg_when_every_product_s_concentration_is_known(dosed):
    # given the product's concentration, 50 mg of phosphatidylcholine per mL
    per_mg = report_of(DOSED, ("phosphatidylcholine", {"synthetic PC/DC": 50.0}))["dose_response"]
    # when the view is computed
    # then the dose is in mg and the slope is the one per mL divided by 50
    assert per_mg["dose_unit"] == "mg phosphatidylcholine"
    assert per_mg["slope"]["estimate"] == pytest.approx(dosed["dose_response"]["slope"]["estimate"] / 50, rel=1e-3)  # fmt: skip


def test_it_stays_in_ml_when_a_product_s_concentration_is_unknown(dosed):
    # given concentrations for another product only
    section = report_of(DOSED, ("lidocaine", {"other": 10.0}))["dose_response"]
    # then the dose stays in mL
    assert section["dose_unit"] == "ml"
    assert section["slope"]["estimate"] == dosed["dose_response"]["slope"]["estimate"]


def test_it_shows_an_empty_state_without_recorded_doses():
    # given a practice that records no injection lines
    section = report_of(replace(DOSED, dose_ml=None, n_patients=200))["dose_response"]
    # when the view is computed
    # then there is no slope, and the reason says what is missing
    assert section["slope"] is None
    assert section["bins"] == []
    assert any("dose-response not computed" in r for r in section["reasons"])


def test_it_pools_costs_per_currency_only_and_the_dose_slope_over_sites():
    # given four sites, two charging in EUR and two in GBP, all recording doses
    config = SitesConfig(sites=4, session_prices=(150.0, 140.0, 130.0, 120.0), currencies=("EUR", "GBP"), dose_ml=4.0, dose_slope_cm_per_ml=PLANTED, dieter_extra_ml=0.5)  # fmt: skip
    planted = generate_sites(config, np.random.default_rng(SEED))
    # when the pooled report is built
    report = pooled_report(planted.sites, indication="localized_fat", area=None, outcome="circumference_cm")  # fmt: skip
    # then each currency is pooled over its own two sites, never over all four
    pooled = {p["currency"]: p for p in report["cost"]["pooled"]}
    assert set(pooled) == {"EUR", "GBP"}
    for currency, sites in (("EUR", ["site-001", "site-003"]), ("GBP", ["site-002", "site-004"])):
        assert pooled[currency]["mean_course_cost"]["sites_pooled"] == sites
    # and every site has its own dose slope, pooled into one whose CI holds the planted one
    assert all(s["slope"] for s in report["dose_response"]["sites"])
    assert holds(report["dose_response"]["pooled"]["ci95"], PLANTED)
