"""The follow-up schedule: 48–72 h, 2 w, 4–6 w, 12 w and the outcome visit, as date arithmetic."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from mesoclinic.aftercare.schedule import (
    DEFAULT_PROTOCOL,
    plan_check_ins,
    protocol_from_config,
)

SESSION = dt.datetime(2026, 3, 2, 10, 0, tzinfo=dt.UTC)


def test_it_plans_the_four_contacts_of_the_reference():
    # given a session on 2 March at 10:00
    # when its check-ins are planned
    planned = plan_check_ins(SESSION)
    # then they are at 48–72 h, 2 weeks, 4–6 weeks and 12 weeks
    assert [(p.kind, p.window_start, p.window_end) for p in planned] == [
        ("acute", SESSION + dt.timedelta(hours=48), SESSION + dt.timedelta(hours=72)),
        ("week2", SESSION + dt.timedelta(days=14), SESSION + dt.timedelta(days=28)),
        ("week4_6", SESSION + dt.timedelta(days=28), SESSION + dt.timedelta(days=42)),
        ("week12", SESSION + dt.timedelta(days=84), SESSION + dt.timedelta(days=98)),
    ]
    assert not any(p.asks_outcomes for p in planned)


def test_it_asks_the_outcome_scales_at_12_weeks_after_the_last_session():
    # given the last session of a course
    planned = plan_check_ins(SESSION, last_of_course=True)
    # then the 12-week contact doubles as the outcome visit (no extra contact)
    assert [p.kind for p in planned] == ["acute", "week2", "week4_6", "week12"]
    assert [p.kind for p in planned if p.asks_outcomes] == ["week12"]


def test_it_adds_a_separate_outcome_visit_when_no_contact_falls_on_it():
    # given a protocol whose contacts stop at 2 weeks
    protocol = protocol_from_config(
        {"contacts": [["day3", "3 days", 48, 72], ["week2", "2 weeks", 336, 672]]}
    )
    # when the last session of a course is planned
    planned = plan_check_ins(SESSION, protocol, last_of_course=True)
    # then an outcome visit opens 12 weeks later
    outcome = planned[-1]
    assert outcome.kind == "outcome"
    assert outcome.asks_outcomes
    assert outcome.window_start == SESSION + dt.timedelta(weeks=12)


def test_it_lets_a_protocol_drop_the_outcome_visit():
    protocol = protocol_from_config(
        {"contacts": [["day3", "3 days", 48, 72]], "outcome_after_last_hours": None}
    )
    assert [p.kind for p in plan_check_ins(SESSION, protocol, last_of_course=True)] == ["day3"]


@pytest.mark.parametrize(
    ("config", "message"),
    [
        ({}, "contacts"),
        ({"contacts": [["a", "A", 48]]}, "not \\[kind"),
        ({"contacts": [["a", "A", "x", 72]]}, "must be numbers"),
        ({"contacts": [["a", "A", 72, 48]]}, "close after it opens"),
        ({"contacts": [["a", "A", -1, 48]]}, "before the session"),
        ({"contacts": [["a", "A", 1, 2], ["a", "B", 3, 4]]}, "its own kind"),
        ({"contacts": [["a", "A", 1, 2]], "outcome_after_last_hours": "soon"}, "number of hours"),
    ],
)
def test_it_refuses_a_malformed_protocol_and_says_why(config, message):
    with pytest.raises(ValueError, match=message):
        protocol_from_config(config)


@given(
    st.datetimes(
        min_value=dt.datetime(2000, 1, 1),  # noqa: DTZ001 (hypothesis wants naive bounds)
        max_value=dt.datetime(2100, 1, 1),  # noqa: DTZ001
        timezones=st.just(dt.UTC),
    ),
    st.booleans(),
)
def test_it_plans_ordered_windows_that_never_overlap(performed_at, last):
    # property: for the default protocol, each window closes no later than the next opens
    planned = plan_check_ins(performed_at, DEFAULT_PROTOCOL, last_of_course=last)
    for earlier, later in zip(planned, planned[1:], strict=False):
        assert earlier.window_start < earlier.window_end <= later.window_start
