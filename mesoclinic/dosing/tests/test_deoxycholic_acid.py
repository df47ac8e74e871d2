"""R4: the labelled deoxycholic acid product, and PC/DC mixtures that it does not cover.

Numbers from reference/mesotherapy-clinical.md §2.1 (Kybella label): 10 mg/mL, 0.2 mL per
injection, ≤ 50 injections = 10 mL = 100 mg per treatment, ≥ 1 month apart, ≤ 6 treatments.
"""

from __future__ import annotations

from typing import Any

import pytest

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

DCA = "deoxycholic_acid"


def kybella(
    volume_ml: Any, points: Any = None, *, mg_per_ml: Any = 10, area: str = "submental", **more: Any
) -> dict[str, Any]:
    extra = {"points": points} if points is not None else {}
    return syringe(ingredient(DCA, mg_per_ml), volume_ml=volume_ml, area=area, **extra, **more)


@pytest.mark.parametrize(
    ("volumes", "broken"),
    [
        (["10"], set()),  # at the 10 mL / 100 mg maximum
        (["9.9"], set()),
        (["10.1"], {("max_volume", DCA), ("max_dose", DCA)}),
        (["6", "4"], set()),  # summed across syringes: 10 mL
        (["6", "4.2"], {("max_volume", DCA), ("max_dose", DCA)}),
    ],
)
def test_it_limits_deoxycholic_acid_to_10_ml_and_100_mg_per_session(volumes, broken):
    # given labelled deoxycholic acid (10 mg/mL) in one or more syringes
    data = plan(*(kybella(v) for v in volumes))
    # when it is checked
    verdict = check(data)
    # then the session volume and dose are held to the label's maximum
    assert rules_broken(verdict) == broken
    assert total(verdict, DCA)["limit_mg"] == 100.0


def test_it_checks_the_100_mg_maximum_independently_of_volume():
    # given 10 mL at a stronger concentration than the label's 10 mg/mL
    verdict = check(plan(kybella("10", mg_per_ml="10.1")))
    # then the dose, not the volume, is over
    assert rules_broken(verdict) == {("max_dose", DCA)}


@pytest.mark.parametrize(
    ("points", "broken"),
    [
        ([50], set()),  # 50 injections of 0.2 mL = 10 mL
        ([49], {("volume_per_point", DCA)}),  # 10 mL over 49 points > 0.2 mL each
        ([30, 20], set()),
        ([30, 21], {("max_injections", DCA)}),
    ],
)
def test_it_limits_injections_and_volume_per_point(points, broken):
    # given 10 mL of deoxycholic acid split over syringes with these point counts
    volumes = ["6", "4"] if len(points) == 2 else ["10"]
    data = plan(*(kybella(v, p) for v, p in zip(volumes, points, strict=True)))
    # when it is checked
    verdict = check(data)
    # then at most 50 injections and at most 0.2 mL per injection pass
    assert rules_broken(verdict) == broken


@pytest.mark.parametrize(
    ("volume_ml", "points", "broken", "warnings"),
    [
        ("6", 30, set(), set()),  # exactly 0.2 mL per point
        ("6.2", 30, {("volume_per_point", DCA)}, set()),  # more than 0.2 mL per point
        ("5.8", 30, set(), {("volume_per_point", DCA)}),  # less: a warning only
        ("6", None, set(), {("points_not_recorded", DCA)}),
    ],
)
def test_it_checks_volume_per_point_when_points_are_given(volume_ml, points, broken, warnings):
    # given one syringe of deoxycholic acid
    verdict = check(plan(kybella(volume_ml, points)))
    # then the volume per point is held to the label's 0.2 mL
    assert rules_broken(verdict) == broken
    assert warned(verdict) == warnings


@pytest.mark.parametrize(
    ("last_session", "today", "ok"),
    [
        ("2026-10-20", "2026-11-20", True),  # exactly one calendar month
        ("2026-10-20", "2026-11-19", False),  # one day short
        ("2026-10-10", "2026-11-20", True),  # 41 days
        ("2027-01-31", "2027-02-28", True),  # month end clamps to the shorter month
        ("2027-01-31", "2027-02-27", False),
        ("2028-01-31", "2028-02-29", True),  # leap year
        ("2028-01-31", "2028-02-28", False),
        ("2026-12-15", "2027-01-15", True),  # across the year end
        ("2026-11-20", "2026-11-20", False),  # same day
    ],
)
def test_it_requires_one_calendar_month_since_the_last_treatment(last_session, today, ok):
    # given an earlier labelled deoxycholic acid session
    data = plan(kybella("4", 20), date=today, history=[past(last_session, DCA)])
    # when the next session is checked
    verdict = check(data)
    # then it passes only from the same day of the next month on
    assert (("minimum_interval", DCA) not in rules_broken(verdict)) is ok


def test_it_names_the_days_and_the_earliest_date_when_too_soon():
    # given a session 20 days after the last one
    data = plan(kybella("4", 20), history=[past("2026-10-31", DCA)])
    # when it is checked
    message = check(data).violations[0].message
    # then the message says how long it has been and when it may be given
    assert message.startswith("20 days since the last deoxycholic acid session on 2026-10-31")
    assert "not before 2026-11-30" in message


@pytest.mark.parametrize(("earlier", "ok"), [(5, True), (6, False)])
def test_it_allows_at_most_six_treatments_in_a_course(earlier, ok):
    # given `earlier` past labelled sessions, monthly, in any order
    dates = [f"2026-{month:02d}-01" for month in range(1, earlier + 1)][::-1]
    data = plan(kybella("4", 20), history=[past(d, DCA) for d in dates])
    # when one more is checked
    verdict = check(data)
    # then the sixth passes and the seventh violates
    assert (("max_course", DCA) not in rules_broken(verdict)) is ok


def test_it_counts_two_records_of_one_treatment_date_once():
    # given five past dates, one of them recorded twice
    dates = ["2026-01-01", "2026-02-01", "2026-03-01", "2026-04-01", "2026-05-01", "2026-05-01"]
    data = plan(kybella("4", 20), history=[past(d, DCA) for d in dates])
    # then this session is the sixth treatment, which the label allows
    assert ("max_course", DCA) not in rules_broken(check(data))


def test_it_does_not_apply_the_label_to_deoxycholate_in_a_phosphatidylcholine_mixture():
    # given a PC/DC lipolysis syringe: 40 mL of PC 25 mg/mL + DC 21 mg/mL (840 mg DC)
    pcdc = syringe(
        ingredient("phosphatidylcholine", 25),
        ingredient(DCA, 21),
        volume_ml=40,
        area="abdomen",
        points=100,
    )
    # and a labelled DCA session two weeks ago
    data = plan(pcdc, history=[past("2026-11-06", DCA)])
    # when it is checked
    verdict = check(data)
    # then no deoxycholic acid label rule applies: 840 mg, 40 mL, abdomen, 2 weeks are fine
    assert verdict.ok
    assert warned(verdict) == set()
    row = total(verdict, DCA, in_mixture=True)
    assert row["mg"] == 840.0
    assert row["limit_mg"] is None
    assert "phosphatidylcholine" in row["limit_basis"]
    # and the phosphatidylcholine limit governs the mixture
    assert total(verdict, "phosphatidylcholine")["limit_mg"] == 2500.0


def test_it_keeps_labelled_and_mixture_deoxycholic_acid_apart_in_one_session():
    # given 6 mL labelled DCA under the chin and a PC/DC syringe on the abdomen
    pcdc = syringe(
        ingredient("phosphatidylcholine", 25), ingredient(DCA, 21), volume_ml=20, area="abdomen"
    )
    verdict = check(plan(kybella("6", 30), pcdc))
    # then the label totals only the 60 mg of labelled product
    assert total(verdict, DCA)["mg"] == 60.0
    assert total(verdict, DCA, in_mixture=True)["mg"] == 420.0
    assert verdict.ok


def test_it_does_not_count_a_past_pcdc_session_toward_the_label_but_says_so():
    # given a past session that listed both phosphatidylcholine and deoxycholic acid
    data = plan(kybella("4", 20), history=[past("2026-11-10", "phosphatidylcholine", DCA)])
    # when a labelled session is checked ten days later
    verdict = check(data)
    # then the interval rule is not broken, but the ambiguity is flagged
    assert ("minimum_interval", DCA) not in rules_broken(verdict)
    assert ("history_ambiguous", DCA) in warned(verdict)


def test_it_warns_on_admixture_outside_a_phosphatidylcholine_mixture():
    # given deoxycholic acid mixed with lidocaine in one syringe
    mixed = syringe(
        ingredient(DCA, 10), ingredient("lidocaine", 10), volume_ml=4, area="submental", points=20
    )
    verdict = check(plan(mixed))
    # then the label still applies, with an admixture warning
    assert ("admixture", DCA) in warned(verdict)
    assert total(verdict, DCA)["limit_mg"] == 100.0


def test_it_warns_when_deoxycholic_acid_is_used_outside_the_submental_area():
    # given labelled deoxycholic acid on the flank
    verdict = check(plan(kybella("4", 20, area="flank")))
    # then it is off-label: a warning
    assert warned(verdict) == {("off_label_area", DCA)}
    assert verdict.ok


def test_it_warns_when_the_patient_is_under_18():
    # given a 17-year-old
    data = plan(kybella("4", 20))
    data["patient"]["birth_date"] = "2009-11-21"
    # then the label's age warning is given
    assert ("age_under_18", DCA) in warned(check(data))
