"""Dates and coded columns computed in SQL (sql_codes.py) read as the Python values they code,
on the database the suite runs on (SQLite or PostgreSQL)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import numpy as np
import pandas as pd
import pytest

from mesoclinic.clinics.models import Clinic
from mesoclinic.evidence.columns import _measurement_frame, _measurement_text_frame
from mesoclinic.evidence.engine.tables import Tables, normalise
from mesoclinic.evidence.sql_codes import DayNumber, Vocabulary, unpacked
from mesoclinic.outcomes.models import Measurement
from mesoclinic.patients.models import Patient
from mesoclinic.safety.models import AdverseEvent

# Before 1970 (negative day numbers), leap days in and out of century years, the ends of
# what a date field holds.
DATES = [
    dt.date(1, 1, 1),
    dt.date(1600, 2, 29),
    dt.date(1900, 2, 28),
    dt.date(1900, 3, 1),
    dt.date(1969, 12, 31),
    dt.date(1970, 1, 1),
    dt.date(2000, 2, 29),
    dt.date(2024, 2, 29),
    dt.date(2024, 12, 31),
    dt.date(9999, 12, 31),
]


def _days(day: dt.date) -> int:
    return (day - dt.date(1970, 1, 1)).days


@pytest.mark.django_db
def test_it_counts_the_days_of_a_stored_date_as_python_does(riverside: Clinic, patient: Patient) -> None:  # fmt: skip
    # given events with onset dates across the calendar, one still unresolved (no date)
    for i, day in enumerate(DATES):
        AdverseEvent.objects.create(clinic=riverside, patient=patient, event_type="bruising", onset_date=day, resolved_date=None if i == 0 else day, severity="mild", serious=False)  # fmt: skip
    # when the database computes their day numbers
    rows = AdverseEvent.objects.for_clinic(riverside).annotate(onset=DayNumber("onset_date"), resolved=DayNumber("resolved_date"))  # fmt: skip
    found = sorted(rows.values_list("onset_date", "onset", "resolved"))
    # then each is the date's distance from 1970-01-01 in days, and a missing date none
    assert found == [(day, _days(day), None if i == 0 else _days(day)) for i, day in enumerate(DATES)]  # fmt: skip


def _measure(clinic: Clinic, patient: Patient, day: dt.date, kind: str, area: str = "", side: str = "", role: str = "", rater: str = "") -> None:  # fmt: skip
    Measurement.objects.create(clinic=clinic, patient=patient, measured_on=day, kind=kind, value=Decimal("12.50"), area=area, side=side, site_role=role, rater=rater)  # fmt: skip


@pytest.mark.django_db
def test_it_packs_and_unpacks_each_measurement_as_its_text_columns_read(riverside: Clinic, patient: Patient) -> None:  # fmt: skip
    # given measurements on every date above with each coded column's values, blank included
    for i, day in enumerate(DATES):
        _measure(riverside, patient, day, "circumference_cm", "flank", "left", "treated", "")
        _measure(riverside, patient, day, "weight_kg")
        _measure(riverside, patient, day, "gais", "abdomen", "midline" if i % 2 else "right", "control", "patient")  # fmt: skip
    # when they are read packed in one integer and read as text
    packed_frame, text_frame = _measurement_frame(riverside), _measurement_text_frame(riverside)
    # then the frames are the same, in the same order, with the dates as Python has them
    pd.testing.assert_frame_equal(packed_frame, text_frame)
    assert sorted(set(packed_frame["date"].to_numpy().astype("datetime64[D]").tolist())) == DATES
    assert set(packed_frame["rater"]) == {"", "patient"}


@pytest.mark.django_db
def test_it_reads_a_value_outside_the_choices_as_it_is_stored(riverside: Clinic, patient: Patient) -> None:  # fmt: skip
    # given a measurement whose area is none of the field's choices (the database does not
    # enforce them), beside ordinary ones
    _measure(riverside, patient, dt.date(2024, 3, 1), "circumference_cm", "flank", "left", "treated")  # fmt: skip
    _measure(riverside, patient, dt.date(2024, 3, 2), "circumference_cm", "elbow", "left", "treated")  # fmt: skip
    # when the clinic's measurements are read
    frame = _measurement_frame(riverside)
    # then the unknown value is read as stored, not given another label or dropped
    assert list(frame["area"]) == ["flank", "elbow"]
    pd.testing.assert_frame_equal(frame, _measurement_text_frame(riverside))


def test_it_takes_apart_a_packed_value_before_1970() -> None:
    # given two vocabularies and codes packed with days on both sides of 1970-01-01
    first, second = Vocabulary("a", ("", "x", "y")), Vocabulary("b", ("p", "q"))
    days = np.array([-719162, -1, 0, 1, 2932896], dtype=np.int64)
    codes = [np.array([0, 1, 2, 3, 1]), np.array([2, 1, 0, 1, 2])]
    values = (days * first.radix + codes[0]) * second.radix + codes[1]
    # when they are unpacked
    found_days, found_codes = unpacked(values, (first, second))
    # then each part comes back, and a code's label is its vocabulary's (None for code 0)
    assert found_days.tolist() == days.tolist()
    assert [c.tolist() for c in found_codes] == [c.tolist() for c in codes]
    assert first.names(found_codes[0]).tolist() == [None, "", "x", "y", ""]


def test_it_codes_a_field_by_its_choices_in_code_point_order() -> None:
    # given a field that may be blank, when its vocabulary is taken, then the empty text is
    # its first label and the labels are in code point order (SQLite's order of text)
    vocabulary = Vocabulary.of(Measurement, "side")
    assert vocabulary.labels == ("", "bilateral", "left", "midline", "right")
    assert Vocabulary.of(Measurement, "kind").labels[0] == "circumference_cm"


def test_it_codes_session_ids_the_same_from_text_and_from_database_keys() -> None:
    # given the same three tables named once by text ids and once by integer keys, with an
    # event naming no session and one naming a session not in the table
    def tables(ids: dict[str, object]) -> Tables:
        sessions = [{"session_id": ids[s], "patient_id": "P1", "date": "2024-01-0" + str(i + 1), "indication": "cellulite", "area": "thigh", "side": "left"} for i, s in enumerate(("a", "b"))]  # fmt: skip
        events = [{"event_id": f"E{i}", "patient_id": "P1", "session_id": ids[s], "type": "bruising", "onset_date": "2024-01-03", "severity": "mild", "serious": "false"} for i, s in enumerate(("b", "none", "gone"))]  # fmt: skip
        lines = [{"session_id": ids["a"], "area": "thigh", "volume_ml": 1.0}]
        frames = [pd.DataFrame(rows) for rows in (sessions, events, lines)]
        if isinstance(ids["a"], int):
            for frame in frames:
                frame["session_id"] = frame["session_id"].astype(np.int64)
        return normalise(None, frames[0], [], frames[1], frames[2])

    text = tables({"a": "S1", "b": "S2", "none": "", "gone": "S9"})
    keys = tables({"a": 11, "b": 12, "none": -1, "gone": 99})
    # when they are normalised, then both give the same codes: -1 for none, and the missing
    # session a code of its own that no session row has
    for normalised in (text, keys):
        assert normalised.sessions["session_id"].tolist() == [0, 1]
        assert normalised.adverse_events["session_id"].tolist() == [1, -1, 2]
        assert normalised.injections["session_id"].tolist() == [0]


@pytest.mark.django_db
def test_it_reads_a_clinic_without_measurements_as_the_text_read_does(riverside: Clinic) -> None:
    # given a clinic with no measurement, when both reads run, then both give the same empty frame
    frame = _measurement_frame(riverside)
    assert frame.empty
    pd.testing.assert_frame_equal(frame, _measurement_text_frame(riverside))
