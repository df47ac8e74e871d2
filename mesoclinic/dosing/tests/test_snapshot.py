"""The dose check as kept at signing, and how today's check is compared with it (pure)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from mesoclinic.dosing.rules import DeoxycholicAcidLabel, RuleSet, SessionCap
from mesoclinic.dosing.snapshot import WeightUsed, build, compare, fingerprint, rules_record
from mesoclinic.dosing.tests.plans import check, ingredient, plan, syringe

DAY = dt.date(2026, 11, 20)


def _snapshot(
    volume_ml: str,
    weight_kg: str | None,
    substance: str = "lidocaine",
    rules: RuleSet | None = None,
) -> dict[str, Any]:
    rules = rules or RuleSet.defaults()
    verdict = check(
        plan(syringe(ingredient(substance, 10), volume_ml=volume_ml), weight_kg=weight_kg), rules
    )
    weight = WeightUsed(
        weight_kg=Decimal(weight_kg) if weight_kg else None,
        on=DAY if weight_kg else None,
        origin="measurement" if weight_kg else "",
        text=f"{weight_kg} kg, measurement of {DAY}" if weight_kg else "none recorded",
    )
    return build(
        verdict=verdict,
        rules=rules,
        protocol=None,
        limits=[],
        weight=weight,
        notes=[],
        digest="d",
    )


def test_it_keeps_amounts_exact_where_the_command_rounds_them() -> None:
    # given 30.00004 mL of 1 % lidocaine: 300.0004 mg
    kept = _snapshot("30.00004", "70")
    # then the kept total is exact
    (row,) = kept["verdict"]["totals"]
    assert row["mg"] == "300.0004"
    assert row["limit_mg"] == "300"
    assert kept["verdict"]["ok"] is False


def test_it_finds_no_difference_when_nothing_changed() -> None:
    comparison = compare(_snapshot("20", "60"), _snapshot("20", "60"))
    assert comparison.differences == []
    assert not comparison.verdict_differs


def test_it_names_the_weight_and_the_limit_when_the_weight_changes_the_verdict() -> None:
    # given 260 mg lidocaine checked at 60 kg (270 mg), and today at 50 kg (225 mg)
    comparison = compare(_snapshot("26", "60"), _snapshot("26", "50"))
    # then the verdict differs, and the limit, the new violation and the weight are named
    assert comparison.verdict_differs
    assert "lidocaine limit: 270 mg at signing, 225 mg today" in comparison.differences[0]
    assert any(
        d.startswith("a new violation today: lidocaine total 260 mg")
        for d in comparison.differences
    )
    assert (
        "weight at signing: 60 kg, measurement of 2026-11-20; today: 50 kg, measurement of 2026-11-20"
        in (comparison.differences)
    )


def test_it_says_the_verdict_is_the_same_when_only_an_unused_input_changed() -> None:
    # given procaine only (no weight-based limit), checked with and without a weight
    comparison = compare(_snapshot("20", "60", "procaine"), _snapshot("20", None, "procaine"))
    # then only the weight differs
    assert not comparison.verdict_differs
    assert comparison.differences == [
        "weight at signing: 60 kg, measurement of 2026-11-20; today: none recorded"
    ]


def test_it_fingerprints_the_numbers_of_the_rules() -> None:
    # given the defaults and a rule set with one label number tightened
    tighter = RuleSet.defaults().with_label_limits(
        deoxycholic_acid=DeoxycholicAcidLabel(max_sessions=4)
    )
    # then their fingerprints differ, and the same rules give the same fingerprint
    assert fingerprint(rules_record(RuleSet.defaults())) == fingerprint(
        rules_record(RuleSet.defaults())
    )
    assert fingerprint(rules_record(tighter)) != fingerprint(rules_record(RuleSet.defaults()))


def test_it_reports_the_same_rule_broken_against_another_limit() -> None:
    # given a practice cap of 150 mg lidocaine, and 200 mg given: over the cap at 60 kg
    # (4.5 mg/kg × 60 kg = 270 mg), and today, at 40 kg, over 180 mg as well
    capped = RuleSet.defaults().with_practice_caps(
        (SessionCap("lidocaine", Decimal(150), "practice limit: 150 mg", "Policy"),)
    )
    comparison = compare(_snapshot("20", "60", rules=capped), _snapshot("20", "40", rules=capped))
    # then the binding limit is the same, yet the new weight-based violation is named
    assert comparison.verdict_differs
    assert any(
        d.startswith("a new violation today: lidocaine total 200 mg is above 180 mg")
        for d in comparison.differences
    )
