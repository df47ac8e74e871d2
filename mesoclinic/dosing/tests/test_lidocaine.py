"""R1/R2: lidocaine totals against 4.5 mg/kg ≤ 300 mg (plain) and 7 mg/kg ≤ 500 mg (epinephrine).

Numbers from reference/mesotherapy-clinical.md §2.3.
"""

from __future__ import annotations

from decimal import Decimal

import pytest

from mesoclinic.dosing.rules import RuleSet, SessionCap
from mesoclinic.dosing.tests.plans import (
    check,
    ingredient,
    lidocaine,
    plan,
    rules_broken,
    syringe,
    total,
)

OVER = ("max_dose", "lidocaine")


@pytest.mark.parametrize(
    ("weight_kg", "mg", "limit_mg", "over"),
    [
        # 60 kg: 4.5 mg/kg = 270 mg binds (under the 300 mg cap)
        (60, "269.99", 270, False),
        (60, "270", 270, False),
        (60, "270.01", 270, True),
        # 80 kg: 4.5 mg/kg = 360 mg, so the 300 mg cap binds
        (80, "299.99", 300, False),
        (80, "300", 300, False),
        (80, "300.01", 300, True),
        # switch-over around 66.67 kg (300 / 4.5)
        (66, "297", 297, False),
        (66, "297.1", 297, True),
        (67, "300", 300, False),
        (67, "301", 300, True),
    ],
)
def test_it_checks_plain_lidocaine_against_mg_per_kg_and_cap(weight_kg, mg, limit_mg, over):
    # given a session with plain lidocaine
    data = plan(lidocaine(mg), weight_kg=weight_kg)
    # when it is checked
    verdict = check(data)
    # then the limit is the lower of 4.5 mg/kg and 300 mg, and only an excess violates
    row = total(verdict, "lidocaine")
    assert row["limit_mg"] == limit_mg
    assert row["mg"] == float(mg)
    assert (OVER in rules_broken(verdict)) is over
    assert verdict.ok is not over


@pytest.mark.parametrize(
    ("weight_kg", "mg", "limit_mg", "over"),
    [
        # 60 kg: 7 mg/kg = 420 mg
        (60, "419.99", 420, False),
        (60, "420", 420, False),
        (60, "420.01", 420, True),
        # 80 kg: 7 mg/kg = 560 mg, so the 500 mg cap binds
        (80, "500", 500, False),
        (80, "500.01", 500, True),
        # switch-over around 71.43 kg (500 / 7)
        (71, "497", 497, False),
        (71, "497.5", 497, True),
        (72, "500", 500, False),
    ],
)
def test_it_checks_lidocaine_with_epinephrine_against_its_own_limits(weight_kg, mg, limit_mg, over):
    # given a session with lidocaine with epinephrine
    data = plan(lidocaine(mg, epinephrine=True), weight_kg=weight_kg)
    # when it is checked
    verdict = check(data)
    # then 7 mg/kg capped at 500 mg applies
    assert total(verdict, "lidocaine")["limit_mg"] == limit_mg
    assert (OVER in rules_broken(verdict)) is over


def test_it_shows_the_basis_of_a_capped_limit_as_in_the_spec():
    # given a 70 kg patient with 40 mg plain lidocaine
    data = plan(lidocaine(40), weight_kg=70)
    # when it is checked
    row = total(check(data), "lidocaine")
    # then the basis reads as in the spec's example
    assert "4.5 mg/kg (315 mg) capped at 300 mg" in row["limit_basis"]
    assert row["source"] == "https://www.recallguide.org/manufacturer/roxane-laboratoriesinc/"


def test_it_sums_lidocaine_over_every_syringe_including_cocktails():
    # given 80 kg, three syringes holding 100 + 100 + 100 mg lidocaine, one of them a cocktail
    cocktail = syringe(ingredient("lidocaine", 10), ingredient("hyaluronic_acid", 5), volume_ml=10)
    data = plan(lidocaine(100), lidocaine(100), cocktail, weight_kg=80)
    # when it is checked
    verdict = check(data)
    # then the total is 300 mg: exactly at the cap, no violation
    assert total(verdict, "lidocaine")["mg"] == 300.0
    assert verdict.ok
    # and one more milligram in a fourth syringe breaks the cap
    data["syringes"].append(lidocaine("0.1"))
    assert OVER in rules_broken(check(data))


@pytest.mark.parametrize(
    ("plain_mg", "epinephrine_mg", "broken"),
    [
        # 80 kg: plain limit 300 mg, with-epinephrine limit 500 mg
        ("200", "300", set()),  # combined 500 at the epinephrine cap, plain within
        ("200", "300.5", {OVER}),  # combined 500.5 over the epinephrine cap
        ("300", "100", set()),  # plain portion exactly at the plain cap
        ("300.5", "100", {("max_dose_plain_portion", "lidocaine")}),  # plain portion over
        ("350", "200", {OVER, ("max_dose_plain_portion", "lidocaine")}),
    ],
)
def test_it_checks_mixed_plain_and_epinephrine_lidocaine_conservatively(
    plain_mg, epinephrine_mg, broken
):
    # given a session with both plain and with-epinephrine lidocaine, 80 kg
    data = plan(lidocaine(plain_mg), lidocaine(epinephrine_mg, epinephrine=True), weight_kg=80)
    # when it is checked
    verdict = check(data)
    # then the combined total meets the epinephrine limit and the plain part the plain limit
    assert rules_broken(verdict) == broken
    row = total(verdict, "lidocaine")
    assert row["limit_mg"] == 500.0
    assert row["plain_limit_mg"] == 300.0
    assert row["plain_mg"] == float(plain_mg)
    assert "plain portion" in row["limit_basis"]


def test_it_treats_a_missing_weight_as_a_violation_not_a_pass():
    # given a tiny lidocaine dose and no recorded weight
    data = plan(lidocaine(10), weight_kg=None)
    # when it is checked
    verdict = check(data)
    # then the mg/kg limit cannot be verified, which is a violation
    assert rules_broken(verdict) == {("weight_required", "lidocaine")}
    assert not verdict.ok
    assert "cannot verify" in verdict.violations[0].message
    # and the absolute cap is still shown
    assert total(verdict, "lidocaine")["limit_mg"] == 300.0


def test_it_still_checks_the_absolute_cap_without_a_weight():
    # given 510 mg lidocaine with epinephrine and no weight
    data = plan(lidocaine(510, epinephrine=True), weight_kg=None)
    # when it is checked
    verdict = check(data)
    # then both the missing weight and the 500 mg cap are violations
    assert rules_broken(verdict) == {("weight_required", "lidocaine"), OVER}


def test_it_needs_no_weight_when_no_weight_based_substance_is_given():
    # given a vitamin cocktail and no weight
    data = plan(syringe(ingredient("vitamin_c", 100), volume_ml=2), weight_kg=None)
    # when it is checked
    verdict = check(data)
    # then there is nothing weight-based to verify
    assert verdict.ok


@pytest.mark.parametrize(
    ("actual_kg", "ideal_kg", "limit_mg", "basis"),
    [
        (100, 60, 270, "ideal body weight 60 kg (actual 100 kg)"),  # obese: ideal is lower
        (60, 70, 270, "actual weight 60 kg"),  # ideal above actual: the lower (actual) is used
        (None, 60, 270, "ideal body weight 60 kg (no actual weight recorded)"),
    ],
)
def test_it_uses_the_lower_of_ideal_and_actual_weight_when_ideal_is_chosen(
    actual_kg, ideal_kg, limit_mg, basis
):
    # given the ideal-weight basis
    rules = RuleSet.defaults().with_weight_basis("ideal")
    data = plan(lidocaine(100), weight_kg=actual_kg)
    # when it is checked with the clinician's ideal weight
    verdict = check(data, rules, ideal_weight_kg=Decimal(ideal_kg))
    # then the lower weight sets the limit and the basis says which
    row = total(verdict, "lidocaine")
    assert row["limit_mg"] == limit_mg
    assert basis in row["limit_basis"]
    assert verdict.weight_basis.startswith(basis)


def test_it_cannot_verify_when_ideal_weight_is_chosen_but_not_given():
    # given the ideal-weight basis and no ideal weight
    rules = RuleSet.defaults().with_weight_basis("ideal")
    # when it is checked
    verdict = check(plan(lidocaine(50), weight_kg=70), rules)
    # then it is a violation, not a pass
    assert ("weight_required", "lidocaine") in rules_broken(verdict)


def test_it_applies_a_practice_cap_that_tightens_lidocaine():
    # given a practice cap of 200 mg lidocaine per session
    cap = SessionCap("lidocaine", Decimal(200), "practice rule", "clinic policy 2026")
    rules = RuleSet.defaults().with_practice_caps((cap,))
    # when 250 mg (within the 300 mg label cap) is checked
    verdict = check(plan(lidocaine(250), weight_kg=80), rules)
    # then the practice cap binds and is violated
    row = total(verdict, "lidocaine")
    assert row["limit_mg"] == 200.0
    assert row["source"] == "clinic policy 2026"
    assert OVER in rules_broken(verdict)


def test_it_never_lets_a_practice_cap_loosen_the_label():
    # given a practice cap of 1000 mg lidocaine
    cap = SessionCap("lidocaine", Decimal(1000), "practice rule", "clinic policy")
    rules = RuleSet.defaults().with_practice_caps((cap,))
    # when 301 mg is checked at 80 kg
    verdict = check(plan(lidocaine(301), weight_kg=80), rules)
    # then the 300 mg label cap still applies
    assert total(verdict, "lidocaine")["limit_mg"] == 300.0
    assert OVER in rules_broken(verdict)
