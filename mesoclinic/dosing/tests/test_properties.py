"""Property tests: the laws the totals and verdicts must obey for any session."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from mesoclinic.dosing.engine import check_session, substance_totals
from mesoclinic.dosing.input_schema import parse_session
from mesoclinic.dosing.verdict import Verdict

SUBSTANCES = [
    "lidocaine",
    "procaine",
    "deoxycholic_acid",
    "phosphatidylcholine",
    "collagenase",
    "vitamin_c",
    "hyaluronic_acid",
]
AREAS = ["submental", "abdomen", "buttock", "face"]
SIDES = [None, "left", "right", "bilateral"]

hundredths = st.integers(min_value=1, max_value=2000).map(lambda n: Decimal(n) / 100)


@st.composite
def ingredients(draw):
    chosen = draw(st.lists(st.sampled_from(SUBSTANCES), min_size=1, max_size=3, unique=True))
    result = []
    for substance in chosen:
        item = {"substance": substance, "mg_per_ml": draw(hundredths)}
        if substance == "lidocaine":
            item["with_epinephrine"] = draw(st.booleans())
        result.append(item)
    return result


@st.composite
def syringes(draw, *, with_points=None):
    data = {
        "label": draw(st.sampled_from(["", "a", "cocktail"])),
        "area": draw(st.sampled_from(AREAS)),
        "volume_ml": draw(hundredths),
        "ingredients": draw(ingredients()),
    }
    side = draw(st.sampled_from(SIDES))
    if side is not None:
        data["side"] = side
    if with_points if with_points is not None else draw(st.booleans()):
        data["points"] = draw(st.integers(min_value=1, max_value=60))
    return data


@st.composite
def plans(draw, *, min_syringes=1):
    history = draw(
        st.lists(
            st.fixed_dictionaries(
                {
                    "date": st.dates(
                        min_value=dt.date(2025, 1, 1),
                        max_value=dt.date(2026, 11, 20),
                    ).map(lambda d: d.isoformat()),
                    "substances": st.lists(
                        st.sampled_from(SUBSTANCES), min_size=1, max_size=2, unique=True
                    ),
                }
            ),
            max_size=8,
        )
    )
    weight = draw(st.none() | st.integers(min_value=40, max_value=140))
    patient = {} if weight is None else {"weight_kg": weight}
    return {
        "patient": patient,
        "date": "2026-11-20",
        "history": history,
        "syringes": draw(st.lists(syringes(), min_size=min_syringes, max_size=8)),
    }


def outcome(
    verdict: Verdict,
) -> tuple[
    bool,
    list[tuple[str, str | None]],
    list[tuple[str, str | None]],
    list[dict[str, Any]],
]:
    """What a verdict decides, without the wording that names syringes by position."""
    return (
        verdict.ok,
        sorted({(v.rule, v.substance) for v in verdict.violations}, key=str),
        sorted({(w.rule, w.substance) for w in verdict.warnings}, key=str),
        [row.to_json() for row in verdict.totals],
    )


@settings(max_examples=300, deadline=None)
@given(plans())
def test_it_makes_each_total_the_sum_of_the_syringe_contributions(data):
    # given any session
    plan = parse_session(data)
    # when it is totalled
    totals = substance_totals(plan.syringes)
    # then each substance's total is the sum of mg/mL × mL over the syringes holding it
    expected: dict[str, Decimal] = {}
    for syringe in data["syringes"]:
        for item in syringe["ingredients"]:
            substance = item["substance"]
            expected[substance] = expected.get(substance, Decimal(0)) + (
                item["mg_per_ml"] * syringe["volume_ml"]
            )
    merged: dict[str, Decimal] = {}
    for (substance, _in_mixture), mg in totals.items():
        merged[substance] = merged.get(substance, Decimal(0)) + mg
    assert merged == expected
    # and the verdict reports the same totals
    reported: dict[str, Decimal] = {}
    for row in check_session(plan).totals:
        reported[row.substance] = reported.get(row.substance, Decimal(0)) + row.mg
    assert reported == expected


@settings(max_examples=200, deadline=None)
@given(plans(), st.randoms(use_true_random=False))
def test_it_decides_the_same_whatever_the_order_of_the_syringes(data, random):
    # given any session and the same session with its syringes shuffled
    shuffled = dict(data, syringes=random.sample(data["syringes"], len(data["syringes"])))
    # when both are checked
    # then the totals and every decision are the same
    assert outcome(check_session(parse_session(data))) == outcome(
        check_session(parse_session(shuffled))
    )


@st.composite
def split_plans(draw):
    """A session, and the same session with one syringe split in two.

    The two parts hold the same ingredients and together the original volume. When the
    syringe records points, they are split with the volume, so that each injection still
    delivers the same volume as before (the per-point volume is a property of the injection).
    """
    data = draw(plans(min_syringes=0))
    template = draw(syringes())
    if "points" in template:
        per_point = draw(st.integers(min_value=1, max_value=40).map(lambda n: Decimal(n) / 100))
        first_points = draw(st.integers(min_value=1, max_value=30))
        second_points = draw(st.integers(min_value=1, max_value=30))
        first = dict(template, volume_ml=per_point * first_points, points=first_points)
        second = dict(template, volume_ml=per_point * second_points, points=second_points)
        whole = dict(
            template,
            volume_ml=first["volume_ml"] + second["volume_ml"],
            points=first_points + second_points,
        )
    else:
        first = dict(template, volume_ml=draw(hundredths))
        second = dict(template, volume_ml=draw(hundredths))
        whole = dict(template, volume_ml=first["volume_ml"] + second["volume_ml"])
    position = draw(st.integers(min_value=0, max_value=len(data["syringes"])))
    before, after = data["syringes"][:position], data["syringes"][position:]
    return (
        dict(data, syringes=[*before, whole, *after]),
        dict(data, syringes=[*before, first, second, *after]),
    )


@settings(max_examples=300, deadline=None)
@given(split_plans())
def test_it_decides_the_same_when_one_syringe_is_split_in_two(pair):
    # given a session and the same session with one syringe split into two
    whole, split = pair
    # when both are checked
    # then the totals and every decision are the same
    assert outcome(check_session(parse_session(whole))) == outcome(
        check_session(parse_session(split))
    )
