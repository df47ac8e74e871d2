"""R3 procaine, R5 phosphatidylcholine (and protocols), R6 collagenase, R7 unlimited substances.

Numbers from reference/mesotherapy-clinical.md: procaine 350–600 mg (§2.3); PC 2,500 mg per
session (Network-Lipolysis) or 5 g per sitting (Indian series) (§2.2); collagenase 0.84 mg
per area, ≤ 2 areas per visit, every 21 days × 3 visits (§1.2, §2.4).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from mesoclinic.dosing.rules import CollagenaseLabel, DeoxycholicAcidLabel, RuleSet
from mesoclinic.dosing.tests.plans import (
    check,
    ingredient,
    past,
    plan,
    rules_broken,
    syringe,
    total,
    warned,
)

PC = "phosphatidylcholine"
QWO = "collagenase"


def procaine(mg: Any) -> dict[str, Any]:
    return syringe(ingredient("procaine", 10), volume_ml=Decimal(str(mg)) / 10)


@pytest.mark.parametrize(
    ("mg", "broken", "warnings"),
    [
        ("349", set(), set()),
        ("350", set(), set()),  # the lower end of 350–600 mg: no warning yet
        ("350.5", set(), {("above_usual_dose", "procaine")}),
        ("600", set(), {("above_usual_dose", "procaine")}),  # at the maximum
        ("600.5", {("max_dose", "procaine")}, set()),
    ],
)
def test_it_checks_procaine_against_600_mg_and_warns_above_350(mg, broken, warnings):
    # given procaine in a session
    verdict = check(plan(procaine(mg)))
    # then 600 mg is the limit and more than 350 mg is flagged
    assert rules_broken(verdict) == broken
    assert warned(verdict) == warnings
    assert total(verdict, "procaine")["limit_mg"] == 600.0


def test_it_sums_procaine_over_syringes():
    # given 300 + 300.5 mg of procaine in two syringes
    verdict = check(plan(procaine(300), procaine("300.5")))
    # then the 600.5 mg total is over
    assert ("max_dose", "procaine") in rules_broken(verdict)


def pcdc(pc_mg: Any, area: str = "abdomen") -> dict[str, Any]:
    """A PC/DC syringe at the US standard 25 mg/mL PC + 21 mg/mL DC holding ``pc_mg`` of PC."""
    return syringe(
        ingredient(PC, 25),
        ingredient("deoxycholic_acid", 21),
        volume_ml=Decimal(str(pc_mg)) / 25,
        area=area,
    )


@pytest.mark.parametrize(
    ("protocol", "mg", "limit_mg", "over"),
    [
        (None, "2499", 2500, False),
        (None, "2500", 2500, False),
        (None, "2500.5", 2500, True),
        ("network_lipolysis", "2500.5", 2500, True),
        ("india_pcdc", "2500.5", 5000, False),  # the Indian series' 5 g per sitting
        ("india_pcdc", "5000", 5000, False),
        ("india_pcdc", "5000.5", 5000, True),
    ],
)
def test_it_limits_phosphatidylcholine_by_default_or_by_protocol(protocol, mg, limit_mg, over):
    # given PC/DC in one session, and a protocol or none
    data = plan(pcdc(mg), protocol=protocol)
    # when it is checked
    verdict = check(data)
    # then the protocol's limit replaces the default, and its source is shown
    row = total(verdict, PC)
    assert row["limit_mg"] == limit_mg
    assert (("max_dose", PC) in rules_broken(verdict)) is over
    expected_source = "PMC5054992" if protocol == "india_pcdc" else "Hasengschwandtner"
    assert expected_source in row["source"]


def test_it_accepts_a_protocol_given_as_data_with_its_source():
    # given a protocol object limiting PC to 1,500 mg and adding a caffeine limit
    protocol = {
        "name": "clinic_pc_2026",
        "limits": [
            {"substance": PC, "max_mg": 1500, "source": "Clinic protocol v3, section 2"},
            {"substance": "caffeine", "max_mg": 100, "source": "Clinic protocol v3, section 4"},
        ],
    }
    caffeine = syringe(ingredient("caffeine", 50), volume_ml="2.5")
    verdict = check(plan(pcdc(1600), caffeine, protocol=protocol))
    # then both limits apply with their source text
    assert rules_broken(verdict) == {("max_dose", PC), ("max_dose", "caffeine")}
    assert total(verdict, "caffeine")["source"] == "Clinic protocol v3, section 4"
    assert "protocol clinic_pc_2026" in verdict.rule_set


def test_it_never_lets_a_protocol_loosen_a_labelled_limit():
    # given a protocol that would allow 1,000 mg procaine
    protocol = {
        "name": "loose",
        "limits": [{"substance": "procaine", "max_mg": 1000, "source": "somewhere"}],
    }
    # when 700 mg is checked
    verdict = check(plan(procaine(700), protocol=protocol))
    # then the label's 600 mg still applies
    assert ("max_dose", "procaine") in rules_broken(verdict)
    assert total(verdict, "procaine")["limit_mg"] == 600.0


def test_it_totals_and_shows_a_substance_without_a_limit():
    # given vitamins and hyaluronic acid in two syringes
    cocktail = syringe(ingredient("vitamin_c", 100), ingredient("hyaluronic_acid", 5), volume_ml=3)
    verdict = check(plan(cocktail, syringe(ingredient("vitamin_c", 100), volume_ml=2)))
    # then each is totalled, with no limit, and nothing is violated
    row = total(verdict, "vitamin_c")
    assert row["mg"] == 500.0
    assert row["limit_mg"] is None
    assert row["source"] is None
    assert verdict.ok


def qwo_exact(volume_ml: Any, side: str = "left", area: str = "buttock") -> dict[str, Any]:
    """Collagenase at 0.21 mg/mL, so that 4 mL is exactly the 0.84 mg per-area limit."""
    return syringe(ingredient(QWO, "0.21"), volume_ml=volume_ml, area=area, side=side)


@pytest.mark.parametrize(
    ("syringes", "broken"),
    [
        ([qwo_exact("4")], set()),  # 0.84 mg in one buttock
        ([qwo_exact("4.01")], {("max_dose_per_area", QWO), ("max_dose", QWO)}),
        ([qwo_exact("2"), qwo_exact("2")], set()),  # one buttock, two syringes: 0.84 mg
        ([qwo_exact("2"), qwo_exact("2.1")], {("max_dose_per_area", QWO), ("max_dose", QWO)}),
        ([qwo_exact("4", "left"), qwo_exact("4", "right")], set()),  # two buttocks
        ([qwo_exact("8", "bilateral")], set()),  # bilateral counts as two areas
        (
            [
                qwo_exact("4", "left"),
                qwo_exact("4", "right"),
                qwo_exact("1", "left", "thigh_posterior"),
            ],
            {("max_areas", QWO), ("max_dose", QWO)},
        ),
    ],
)
def test_it_limits_collagenase_per_area_and_areas_per_visit(syringes, broken):
    # given collagenase at 0.21 mg/mL (4 mL = 0.84 mg) in these syringes
    verdict = check(plan(*syringes))
    # then each area holds at most 0.84 mg and at most two areas are treated
    assert rules_broken(verdict) == broken


@pytest.mark.parametrize(
    ("history", "broken"),
    [
        (["2026-10-30"], set()),  # 21 days
        (["2026-10-31"], {("minimum_interval", QWO)}),  # 20 days
        (["2026-10-30", "2026-10-09"], set()),  # third visit
        (["2026-10-30", "2026-10-09", "2026-09-18"], {("max_course", QWO)}),  # fourth
    ],
)
def test_it_spaces_collagenase_visits_21_days_apart_and_stops_after_three(history, broken):
    # given earlier collagenase visits
    data = plan(qwo_exact("4"), history=[past(d, QWO, area="buttock") for d in history])
    # when this visit is checked on 2026-11-20
    verdict = check(data)
    # then the interval and course count follow the label
    assert rules_broken(verdict) == broken


def test_it_warns_on_collagenase_outside_the_buttock():
    # given collagenase on the thigh
    verdict = check(plan(qwo_exact("2", area="thigh_outer")))
    # then the label's area is flagged
    assert ("off_label_area", QWO) in warned(verdict)


def test_it_lets_a_practice_tighten_a_label_limit_but_not_loosen_it():
    # given the default rules
    rules = RuleSet.defaults()
    # when a practice allows only four deoxycholic acid treatments
    tight = rules.with_label_limits(deoxycholic_acid=DeoxycholicAcidLabel(max_sessions=4))
    data = plan(
        syringe(ingredient("deoxycholic_acid", 10), volume_ml=4, area="submental", points=20),
        history=[
            past(d, "deoxycholic_acid")
            for d in ("2026-06-01", "2026-07-01", "2026-08-01", "2026-09-01")
        ],
    )
    # then the fifth treatment violates it
    assert ("max_course", "deoxycholic_acid") in rules_broken(check(data, tight))
    # and a looser limit is refused
    with pytest.raises(ValueError, match="would loosen"):
        rules.with_label_limits(collagenase=CollagenaseLabel(min_interval_days=14))
