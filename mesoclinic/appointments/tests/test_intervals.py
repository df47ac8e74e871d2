"""The earliest day of a course's next session (pure)."""

from __future__ import annotations

import datetime as dt

from mesoclinic.appointments.intervals import (
    COLLAGENASE_INTERVAL,
    DEOXYCHOLIC_ACID_INTERVAL,
    PLAN_INTERVAL,
    PastVisit,
    earliest_next,
)

DAY = dt.date(2026, 1, 31)


def test_it_has_no_earliest_day_before_the_first_session():
    assert earliest_next(None, 14, []).day is None


def test_it_adds_the_plans_interval_to_the_last_session():
    found = earliest_next(DAY, 14, [PastVisit(DAY, frozenset())])
    assert (found.day, found.rule) == (dt.date(2026, 2, 14), PLAN_INTERVAL)


def test_it_keeps_a_month_after_labelled_deoxycholic_acid():
    # reference §2.1: no less than 1 month between treatments; a month from 31 Jan is 28 Feb
    found = earliest_next(DAY, 14, [PastVisit(DAY, frozenset({"deoxycholic_acid"}))])
    assert (found.day, found.rule) == (dt.date(2026, 2, 28), DEOXYCHOLIC_ACID_INTERVAL)


def test_it_does_not_apply_the_label_interval_to_a_pc_dc_mixture():
    mix = frozenset({"deoxycholic_acid", "phosphatidylcholine"})
    assert earliest_next(DAY, 14, [PastVisit(DAY, mix)]).rule == PLAN_INTERVAL


def test_it_keeps_21_days_after_collagenase_even_for_another_course():
    found = earliest_next(DAY, 7, [PastVisit(DAY, frozenset({"collagenase"}))])
    assert (found.day, found.rule) == (dt.date(2026, 2, 21), COLLAGENASE_INTERVAL)
    # a first session of a new course also waits for the label interval
    assert earliest_next(None, 7, [PastVisit(DAY, frozenset({"collagenase"}))]).day == dt.date(
        2026, 2, 21
    )


def test_it_takes_the_plan_interval_when_it_is_longer():
    found = earliest_next(DAY, 56, [PastVisit(DAY, frozenset({"collagenase"}))])
    assert found.rule == PLAN_INTERVAL
