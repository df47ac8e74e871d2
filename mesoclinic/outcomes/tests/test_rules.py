"""The measurement rules of the registry spec, table-tested from MEASUREMENT_KINDS."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from mesoclinic.clinical_codes import MEASUREMENT_KINDS, MeasurementKind, check_measurement_value
from mesoclinic.outcomes.rules import field_label, measurement_problems, value_problem

KINDS = list(MEASUREMENT_KINDS.values())
AREA_KINDS = [k for k in KINDS if k.per_area]
INTEGER_KINDS = [k for k in KINDS if k.integer]
RATED_KINDS = [k for k in KINDS if k.rated]


def _valid_site(kind: MeasurementKind) -> dict[str, str]:
    return {"area": "abdomen", "side": "left"} if kind.per_area else {}


def _valid_rater(kind: MeasurementKind) -> dict[str, str]:
    return {"rater": "clinician"} if kind.rated else {}


@pytest.mark.parametrize("kind", KINDS, ids=lambda k: k.code)
def test_it_accepts_both_ends_of_each_kinds_range(kind):
    # given the lowest and highest value the spec allows for the kind
    # when each is checked
    # then neither is refused
    assert value_problem(kind.code, kind.minimum) is None
    assert value_problem(kind.code, kind.maximum) is None


@pytest.mark.parametrize("kind", KINDS, ids=lambda k: k.code)
@pytest.mark.parametrize("offset", [Decimal(-1), Decimal(1)], ids=["below", "above"])
def test_it_refuses_a_value_outside_the_range_naming_field_and_range(kind, offset):
    # given a value one unit beyond the kind's range
    value = kind.minimum + offset if offset < 0 else kind.maximum + offset
    # when it is checked
    problem = value_problem(kind.code, value)
    # then the message names the field with its unit and the range
    assert problem is not None
    assert problem.startswith(f"{kind.label} ({kind.unit}): must be")
    assert f"{kind.minimum} to {kind.maximum}" in problem


def test_it_words_the_circumference_message_as_the_clinic_reads_it():
    assert value_problem("circumference_cm", Decimal(300)) == (
        "Circumference (cm): must be 10 to 250 cm"
    )


@pytest.mark.parametrize(
    ("kind", "value", "expected"),
    [
        ("pcss", "5", "0 to 4"),
        ("hexsel_css", "16", "0 to 15"),
        ("gais", "0", "1 to 5"),
        ("weight_kg", "19", "20 to 400 kg"),
        ("hair_density_cm2", "601", "0 to 600 hairs/cm²"),
        ("gais", "2.5", "a whole number from 1 to 5"),
        ("pcss", "4", None),
        ("bmi", "20", "one of " + ", ".join(MEASUREMENT_KINDS)),
    ],
)
def test_it_words_the_expected_range_once(kind, value, expected):
    # given a value of a kind
    # when the one range check reads it
    # then it says what was expected, a scale's range without its "0–4" unit repeated
    assert check_measurement_value(kind, Decimal(value)) == expected


@pytest.mark.parametrize("kind", KINDS, ids=lambda k: k.code)
def test_it_gives_the_form_the_range_the_registry_gives(kind):
    # given a value above the kind's range
    value = kind.maximum + 1
    # when the form's message and the registry's expectation are made
    problem = value_problem(kind.code, value)
    expected = check_measurement_value(kind.code, value)
    # then they state the same range
    assert problem == f"{field_label(kind)}: must be {expected}"


@pytest.mark.parametrize("kind", INTEGER_KINDS, ids=lambda k: k.code)
def test_it_accepts_only_whole_numbers_on_an_integer_scale(kind):
    # given a half point inside the scale
    half = kind.minimum + Decimal("0.5")
    # when it is checked, then it is refused as not a whole number
    assert "whole number" in (value_problem(kind.code, half) or "")
    assert value_problem(kind.code, kind.minimum + 1) is None


@pytest.mark.parametrize("kind", [k for k in KINDS if not k.integer], ids=lambda k: k.code)
def test_it_accepts_decimals_on_a_continuous_measure(kind):
    assert value_problem(kind.code, kind.minimum + Decimal("0.5")) is None


@pytest.mark.parametrize("kind", AREA_KINDS, ids=lambda k: k.code)
def test_it_requires_area_and_side_for_an_area_measure(kind):
    # given an area measure with no site
    # when it is checked
    problems = measurement_problems(kind.code, kind.minimum, **_valid_rater(kind))
    # then both area and side are named
    assert problems["area"].startswith("Area: required")
    assert problems["side"].startswith("Side: required")


def test_it_refuses_an_area_side_or_site_role_for_body_weight():
    problems = measurement_problems(
        "weight_kg", Decimal(70), area="abdomen", side="left", site_role="treated"
    )
    assert set(problems) == {"area", "side", "site_role"}
    assert problems["area"].startswith("Area: leave empty for Body weight")


@pytest.mark.parametrize("kind", RATED_KINDS, ids=lambda k: k.code)
def test_it_requires_the_rater_for_a_scale_with_two_versions(kind):
    problems = measurement_problems(kind.code, kind.minimum, area="submental", side="midline")
    assert problems == {"rater": problems["rater"]}
    assert problems["rater"].startswith("Rater: required")


@pytest.mark.parametrize("kind", [k for k in KINDS if not k.rated], ids=lambda k: k.code)
def test_it_does_not_ask_a_rater_for_other_kinds(kind):
    assert measurement_problems(kind.code, kind.minimum, **_valid_site(kind)) == {}


@given(
    kind=st.sampled_from(KINDS),
    value=st.decimals(min_value=-1000, max_value=1000, places=2, allow_nan=False),
)
def test_it_accepts_exactly_the_whole_or_decimal_values_inside_the_range(kind, value):
    # the law: a value passes if and only if it is in range and, for scales, whole
    inside = kind.minimum <= value <= kind.maximum
    whole = value == value.to_integral_value()
    expected_ok = inside and (whole or not kind.integer)
    assert (value_problem(kind.code, value) is None) == expected_ok
