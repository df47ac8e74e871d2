"""The standard outcome sets per indication and the rows the visit form is prefilled with."""

from __future__ import annotations

import pytest

from mesoclinic.clinical_codes import INDICATIONS, MEASUREMENT_KINDS
from mesoclinic.outcomes.outcome_sets import (
    OUTCOME_SETS,
    primary_outcome,
    prompt_rows,
    report_outcomes,
)
from mesoclinic.outcomes.rules import measurement_problems


def test_it_lists_the_measures_of_the_issue_per_indication():
    # given the sets, when their (kind, rater) pairs are read, then they are the issue's
    pairs = {code: {(m.kind, m.rater) for m in s.measures} for code, s in OUTCOME_SETS.items()}
    assert pairs["cellulite"] == {
        ("hexsel_css", "clinician"),
        ("nurnberger_muller", "clinician"),
        ("pcss", "clinician"),
        ("pcss", "patient"),
        ("circumference_cm", ""),
    }
    assert pairs["localized_fat"] == {("circumference_cm", ""), ("fat_thickness_mm", "")}
    assert pairs["submental_fat"] == {("smfrs", "clinician"), ("smfrs", "patient")}
    assert {k for k, _ in pairs["skin_rejuvenation"]} == {"gais"}
    assert pairs["hair_loss"] == {("hair_density_cm2", "clinician")}
    assert pairs["musculoskeletal_pain"] == {("pain_vas", "patient")}
    assert "12 weeks after the last session" in OUTCOME_SETS["submental_fat"].responder


def test_it_prompts_thigh_circumference_only_at_thigh_sites():
    # given a cellulite plan on the left outer thigh and both buttocks
    sites = [("thigh_outer", "left"), ("buttock", "bilateral")]
    # when the rows are prompted
    rows = prompt_rows("cellulite", sites)
    # then the thigh has the circumference, the buttock does not, and both have the scales
    kinds = {(r["area"], r["kind"], r["rater"]) for r in rows}
    assert ("thigh_outer", "circumference_cm", "") in kinds
    assert ("buttock", "circumference_cm", "") not in kinds
    assert ("buttock", "pcss", "patient") in kinds
    assert len(rows) == 5 + 4


@pytest.mark.parametrize("indication", sorted(INDICATIONS))
def test_it_prompts_rows_that_the_form_would_accept_once_given_a_value(indication):
    # given the prompted rows of an indication at a one-sided site
    rows = prompt_rows(indication, [("thigh_outer", "left")])
    # when each row is checked with a value inside its kind's range
    for row in rows:
        kind = MEASUREMENT_KINDS[row["kind"]]
        problems = measurement_problems(
            row["kind"], kind.minimum, area=row["area"], side=row["side"], rater=row["rater"]
        )
        # then nothing is refused
        assert problems == {}, (indication, row, problems)


def test_it_prompts_nothing_but_the_weight_where_no_set_exists():
    # given stretch marks, for which the reference gives no standard set
    # when rows are prompted, then there are none (the weight field is always asked)
    assert prompt_rows("stretch_marks", [("abdomen", "midline")]) == []
    assert primary_outcome("stretch_marks") == "circumference_cm"


def test_it_offers_the_set_first_and_never_weight_as_a_report_outcome():
    # given submental fat, when the report's outcomes are listed
    kinds = report_outcomes("submental_fat")
    # then SMFRS comes first and weight is not an outcome
    assert kinds[0] == "smfrs"
    assert "weight_kg" not in kinds


def test_it_refuses_an_unknown_indication():
    with pytest.raises(ValueError, match="indication"):
        primary_outcome("tattoo")
