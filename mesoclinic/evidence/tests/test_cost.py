"""Cost per course, per responder and per unit of improvement (engine/cost.py) recover the
costs planted in synthetic practices, and their naive counterparts visibly miss."""

from __future__ import annotations

import json
from dataclasses import replace
from typing import Any

import numpy as np
import pytest

from mesoclinic.evidence.cost_synthetic import (
    PricedScaleConfig,
    generate_priced_scale,
    planted_cost_per_responder,
)
from mesoclinic.evidence.figures import Tables, evidence_report
from mesoclinic.evidence.synthetic import Arm, SyntheticConfig, generate

SEED = 20240611
FAT = SyntheticConfig(arms=(Arm("localized_fat", "flank", "synthetic PC/DC", -0.5, 0.2, 1.0),), session_price=150.0)  # fmt: skip


def holds(ci: list[float], value: float) -> bool:
    return ci[0] <= value <= ci[1]


def fat_report(config: SyntheticConfig, seed: int = SEED) -> dict[str, Any]:
    bundle = generate(config, np.random.default_rng(seed))
    return evidence_report(Tables(**bundle.tables()), indication="localized_fat", area=None, outcome="circumference_cm")  # fmt: skip


def scale_report(config: PricedScaleConfig, seed: int = SEED) -> dict[str, Any]:
    tables = generate_priced_scale(config, np.random.default_rng(seed))
    return evidence_report(Tables(**tables), indication="cellulite", area=None, outcome="hexsel_css")  # fmt: skip


@pytest.fixture(scope="module")
def fat() -> dict[str, Any]:
    return fat_report(FAT)


def test_it_holds_the_planted_cost_per_cm_while_the_naive_figure_misses(fat):
    # given 150 EUR a session and a planted -0.5 cm per session (300 EUR per cm), with
    # dieters who lose weight and stay for more sessions
    planted = 150.0 / 0.5
    # when the cost figures are read
    per_cm = fat["cost"]["by_currency"][0]["cost_per_unit"]
    # then the figure net of weight holds 300 EUR per cm, and the naive one (weight loss
    # counted as treatment) lies wholly below it
    assert per_cm["unit"] == "cm"
    assert holds(per_cm["ci95"], planted)
    assert per_cm["naive"]["ci95"][1] < planted


def test_it_holds_the_planted_cost_per_responder_while_a_responders_own_course_misses():
    # given a graded practice where 40 % of courses respond, longer courses more often
    config = PricedScaleConfig()
    planted, planted_naive = planted_cost_per_responder(config)
    # when the report is built
    report = scale_report(config)
    figure = report["cost"]["by_currency"][0]["cost_per_responder"]
    # then the cost per responder holds the planted one, and the mean cost of a responder's
    # own course (which leaves out what non-responders paid) holds its own truth, far below
    assert holds(figure["ci95"], planted)
    assert holds(figure["naive"]["ci95"], planted_naive)
    assert figure["naive"]["ci95"][1] < figure["ci95"][0]
    # and it counts the responders the report's responder rate counts
    assert figure["responders"] == report["responders"]["k"]
    assert figure["courses_assessed"] == report["responders"]["n"]


def test_it_never_adds_two_currencies():
    # given a practice where a third of the patients paid 100 GBP a session, the rest 120 EUR
    tables = generate_priced_scale(PricedScaleConfig(second_currency_share=0.3), np.random.default_rng(SEED))  # fmt: skip
    report = evidence_report(Tables(**tables), indication="cellulite", area=None, outcome="hexsel_css")  # fmt: skip
    # when the cost figures are read
    blocks = {b["currency"]: b for b in report["cost"]["by_currency"]}
    # then each currency has its own figures, each from its own courses' prices only
    sessions = tables["sessions"]
    assert sessions is not None
    for currency in ("EUR", "GBP"):
        own = sessions[sessions["currency"] == currency].groupby("patient_id")["price"].sum()
        assert blocks[currency]["courses"] == len(own)
        assert blocks[currency]["mean_course_cost"]["estimate"] == pytest.approx(own.mean(), abs=0.01)  # fmt: skip


def test_it_leaves_out_and_counts_the_courses_with_an_unpriced_session():
    # given 10 % of the session rows without a price
    report = fat_report(replace(FAT, unpriced_share=0.1, n_patients=300))
    cost = report["cost"]
    # when the cost figures are read
    block = cost["by_currency"][0]
    # then the unpriced rows are counted, their courses left out, and the remaining courses'
    # mean cost is a whole number of 150 EUR sessions each
    assert cost["session_rows_unpriced"] > 0
    assert cost["courses_excluded"] > 0
    assert block["courses"] + cost["courses_excluded"] == report["courses"]
    assert block["mean_course_cost"]["estimate"] == pytest.approx(150.0 * block["sessions"] / block["courses"], abs=0.01)  # fmt: skip


def test_it_says_plainly_when_there_are_too_few_priced_sessions():
    # given a practice with prices for no session, and one with 8 patients
    unpriced = fat_report(replace(FAT, session_price=None, n_patients=200))
    few = scale_report(PricedScaleConfig(n_patients=8))
    # when the cost figures are read
    # then there is no figure, and the reason says why
    assert unpriced["cost"]["by_currency"] == []
    assert any("no priced session" in r for r in unpriced["cost"]["reasons"])
    block = few["cost"]["by_currency"][0]
    assert block["mean_course_cost"] is None
    assert block["cost_per_responder"] is None
    assert any("too few priced courses" in r for r in block["reasons"])


def test_it_gives_no_cost_per_responder_where_the_outcome_has_no_responder_definition(fat):
    # given girth, which has no validated responder threshold in the reference
    # when the cost figures are read
    # then there is no cost per responder, and the section says why
    assert fat["cost"]["by_currency"][0]["cost_per_responder"] is None
    assert any("no responder definition" in r for r in fat["cost"]["reasons"])


def test_it_gives_a_linearised_interval_close_to_the_bootstrap_for_many_patients(monkeypatch, fat):
    # given the same practice, its intervals computed as for a registry too large to resample
    from mesoclinic.evidence.engine import cost

    monkeypatch.setattr(cost, "BOOTSTRAP_MAX_PATIENTS", 0)
    linear = fat_report(FAT)["cost"]["by_currency"][0]
    resampled = fat["cost"]["by_currency"][0]
    # when the two intervals of each figure are compared
    # then they agree to within a tenth of their width, and the estimates are the same
    for key in ("mean_course_cost", "cost_per_unit"):
        a, b = linear[key]["ci95"], resampled[key]["ci95"]
        assert linear[key]["estimate"] == resampled[key]["estimate"]
        assert abs(a[0] - b[0]) < 0.1 * (b[1] - b[0])
        assert abs(a[1] - b[1]) < 0.1 * (b[1] - b[0])


def test_it_writes_the_cost_and_dose_sections_as_strict_json(fat):
    # given reports with and without figures (priced girth; an unpriced practice of 8)
    few = scale_report(PricedScaleConfig(n_patients=8))
    # when they are written as JSON that refuses NaN and infinity
    # then both sections are valid, and an unbounded limit is null
    for report in (fat, few):
        json.dumps({"cost": report["cost"], "dose_response": report["dose_response"]}, allow_nan=False)  # fmt: skip
