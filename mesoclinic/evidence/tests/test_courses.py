"""Courses, time zero, baseline, sessions-before and site roles on hand-made rows."""

from __future__ import annotations

import datetime as dt

from mesoclinic.evidence.engine.courses import Dataset, build_dataset
from mesoclinic.evidence.engine.tables import normalise


def session(sid: str, date: str, protocol: str = "A") -> dict[str, str]:
    return {"session_id": sid, "patient_id": "P1", "date": date, "indication": "localized_fat", "area": "flank", "side": "left", "protocol": protocol}  # fmt: skip


def girth(date: str, side: str, value: float, role: str = "") -> dict[str, object]:
    return {"patient_id": "P1", "date": date, "kind": "circumference_cm", "value": value, "area": "flank", "side": side, "site_role": role}  # fmt: skip


SESSIONS = [
    session("S1", "2023-01-01"),
    session("S2", "2023-01-15"),
    session("S3", "2023-01-29"),
    session("S4", "2023-06-01"),  # more than 60 days later: a new course
]
MEASUREMENTS = [
    girth("2022-11-20", "left", 99.0),  # before the 30-day baseline window
    girth("2022-12-20", "left", 100.0),  # baseline of the treated site
    girth("2022-12-20", "right", 98.0),  # untreated side, no role: control
    girth("2023-01-15", "left", 99.5),  # on a session day: measured before injecting
    girth("2023-01-15", "right", 98.1),
    girth("2023-02-10", "left", 99.0),
    {"patient_id": "P1", "date": "2022-12-26", "kind": "weight_kg", "value": 80.0},
]


def dataset() -> Dataset:
    tables = normalise([{"patient_id": "P1"}], SESSIONS, MEASUREMENTS, [])
    return build_dataset(tables, "localized_fat", None, "circumference_cm")


def test_it_starts_a_new_course_after_a_gap_of_more_than_60_days():
    # given sessions on Jan 1, 15, 29 and Jun 1
    # when the courses are built
    courses = dataset().flow
    # then there are two courses, and the second has no baseline reading
    assert courses["courses"] == 2
    assert courses["courses_with_baseline"] == 1
    assert courses["excluded_no_baseline"] == 1


def test_it_counts_sessions_strictly_before_each_measurement():
    # given readings on Dec 20, Jan 15 (a session day) and Feb 10
    rows = dataset().rows
    treated = rows[rows["treated"]].set_index("day")["sess_before"]
    day = (dt.date(2023, 1, 15) - dt.date(1970, 1, 1)).days
    # then a reading on a session day counts only the sessions before that day
    assert treated.loc[day] == 1
    assert treated.max() == 3
    assert treated.min() == 0


def test_it_takes_the_last_reading_in_the_30_days_before_time_zero_as_baseline():
    # given readings 42 and 12 days before the first session
    rows = dataset().rows
    # then the baseline is the later one and the earlier reading is outside the course
    assert set(rows.loc[rows["treated"], "baseline"]) == {100.0}
    assert 99.0 not in set(rows.loc[rows["days"] < -30, "value"])


def test_it_derives_the_control_role_for_an_untreated_side():
    # given right-side readings with an empty site role, and only left-side sessions
    rows = dataset().rows
    # then they are the control site, with their own baseline
    control = rows[~rows["treated"]]
    assert set(control["side"]) == {"right"}
    assert set(control["baseline"]) == {98.0}


def test_it_matches_the_nearest_weight_within_7_days():
    # given one weight reading on Dec 26
    rows = dataset().rows.set_index("day")
    dec20 = (dt.date(2022, 12, 20) - dt.date(1970, 1, 1)).days
    feb10 = (dt.date(2023, 2, 10) - dt.date(1970, 1, 1)).days
    # then the Dec 20 reading (6 days off) has it and Feb 10 (46 days off) has none
    assert (rows.loc[dec20, "weight_raw_kg"] == 80.0).all()
    assert rows.loc[feb10, "weight_raw_kg"] != rows.loc[feb10, "weight_raw_kg"]  # NaN


def test_it_reports_no_rows_when_no_reading_falls_in_a_course():
    # given one course in January and a single reading two years later, outside every course
    tables = normalise(
        [{"patient_id": "P1"}],
        [session("S1", "2023-01-01")],
        [girth("2025-01-01", "left", 99.0)],
        [],
    )
    # when the dataset is built (this raised on an empty array: a 500 on the evidence page)
    data = build_dataset(tables, "localized_fat", None, "circumference_cm")
    # then it has the course and no rows
    assert data.flow["courses"] == 1
    assert data.rows.empty
