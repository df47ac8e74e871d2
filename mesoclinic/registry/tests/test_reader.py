"""The pure reader: every cell validated, every error named file:line:column."""

from __future__ import annotations

import datetime as dt
import zipfile
from decimal import Decimal
from pathlib import Path

import pytest

from mesoclinic.registry.bundle_reader import read_bundle, read_sources
from mesoclinic.registry.tests.bundles import TODAY, VALID, sources, write_folder

SESSION_HEADER = VALID["sessions.csv"].splitlines()[0]
MEASURE_HEADER = VALID["measurements.csv"].splitlines()[0]
AE_HEADER = VALID["adverse_events.csv"].splitlines()[0]
INJ_HEADER = VALID["injections.csv"].splitlines()[0]


def errors_of(**changes: str | None) -> list[str]:
    return [str(e) for e in read_sources(sources(**changes), today=TODAY).errors]


def test_it_reads_the_valid_bundle_with_typed_values_and_x_columns() -> None:
    # given the valid bundle, its patients file starting with a byte-order mark
    files = sources()
    files["patients.csv"] = b"\xef\xbb\xbf" + files["patients.csv"]
    # when
    result = read_sources(files, today=TODAY)
    # then
    assert result.errors == []
    patient = result.bundle.rows["patients.csv"][0]
    assert patient.values == {
        "patient_id": "P1",
        "sex": "f",
        "birth_year": 1980,
        "height_cm": Decimal("165.5"),
    }
    assert patient.extra == {"x_note": 'prefers mornings, "quiet" room'}
    assert result.bundle.rows["sessions.csv"][0].values["date"] == dt.date(2024, 3, 1)
    assert result.bundle.rows["adverse_events.csv"][0].values["serious"] is False


def test_it_collects_every_error_not_just_the_first() -> None:
    # given two bad cells on two lines
    text = (
        f"{SESSION_HEADER}\n"
        "S1,P1,2024-03-01,cellulite,thigh_outer,left,PC/DC 4x8w,DR1,120.00,EUR\n"
        "S1,P1,2024-03-01,cellulite,thigh_outer,right,PC/DC 4x8w,DR1,-5,EUR\n"
        "S2,P2,2024-04-02,submental_fat,Submental,midline,,,,\n"
    )
    # when
    errors = errors_of(sessions__csv=text)
    # then
    assert (
        errors
        == [
            "sessions.csv:3:price: value '-5': expected a decimal number of at least 0 "
            "with at most 2 decimal places",
            "sessions.csv:4:area: value 'Submental': expected one of abdomen, flank, thigh_outer, "
            "thigh_inner, thigh_anterior, thigh_posterior, buttock, arm, knee, back, submental, "
            "face, neck, decollete, scalp, other",
            # the injection and event of S2's area still name a known session, so nothing cascades
        ][:2]
    )


def test_it_counts_physical_lines_across_a_quoted_line_break() -> None:
    # given a patient whose note spans two lines, followed by a bad sex code
    text = 'patient_id,sex,birth_year,height_cm,x_note\nP1,f,1980,,"two\nlines"\nP2,q,1975,,\n'
    # when
    errors = errors_of(patients__csv=text)
    # then the bad row starts on physical line 4
    assert errors == ["patients.csv:4:sex: value 'q': expected one of f, m, x, u"]


@pytest.mark.parametrize(
    ("file", "row", "expected"),
    [
        (
            "patients.csv",
            "P3,f,1899,,",
            "patients.csv:4:birth_year: value '1899': expected a whole number from 1900 to 2025",
        ),
        (
            "patients.csv",
            "P3,f,1980,99.5,",
            "patients.csv:4:height_cm: value '99.5': expected a decimal number from 100 to 250 "
            "with at most 1 decimal places",
        ),
        (
            "patients.csv",
            'P3,f,1980,"1,70",',
            "patients.csv:4:height_cm: value '1,70': expected a decimal number from 100 to 250 "
            "with at most 1 decimal places, written with '.' and no thousands separators",
        ),
        (
            "patients.csv",
            "P1,f,1980,,",
            "patients.csv:4:patient_id: value 'P1': expected a patient_id not already used on line 2",
        ),
        (
            "patients.csv",
            f"{'P' * 65},f,1980,,",
            f"patients.csv:4:patient_id: value '{'P' * 65}': expected an id of at most 64 "
            "characters without leading or trailing spaces",
        ),
    ],
)
def test_it_names_the_cell_of_a_bad_patient(file: str, row: str, expected: str) -> None:
    # given the valid patients plus one bad row
    text = VALID[file] + row + "\n"
    # when
    errors = errors_of(**{file.replace(".", "__"): text})
    # then
    assert errors == [expected]


@pytest.mark.parametrize(
    ("row", "expected"),
    [
        (
            "S3,P1,2025-07-01,cellulite,abdomen,midline,,,,",
            "sessions.csv:5:date: value '2025-07-01': expected a real date YYYY-MM-DD "
            "from 1900-01-01 to today (2025-06-30)",
        ),
        (
            "S3,P1,2024-02-30,cellulite,abdomen,midline,,,,",
            "sessions.csv:5:date: value '2024-02-30': expected a real date YYYY-MM-DD "
            "from 1900-01-01 to today (2025-06-30)",
        ),
        (
            "S3,P9,2024-02-03,cellulite,abdomen,midline,,,,",
            "sessions.csv:5:patient_id: value 'P9': expected a patient_id of patients.csv",
        ),
        (
            "S3,P1,2024-02-03,cellulite,abdomen,midline,,,80,",
            "sessions.csv:5:currency: value '': expected a three-letter ISO 4217 currency code "
            "such as EUR (required when price is given)",
        ),
        (
            "S3,P1,2024-02-03,cellulite,abdomen,midline,,,80,eur",
            "sessions.csv:5:currency: value 'eur': expected a three-letter ISO 4217 currency "
            "code in capitals, such as EUR",
        ),
        (
            "S1,P1,2024-03-01,cellulite,thigh_outer,left,PC/DC 4x8w,DR1,,",
            "sessions.csv:5:session_id: value 'S1/thigh_outer/left': expected a "
            "session_id+area+side not already used on line 2",
        ),
        (
            "S1,P1,2024-03-02,cellulite,abdomen,midline,PC/DC 4x8w,DR1,,",
            "sessions.csv:5:date: value '2024-03-02': expected '2024-03-01' as on line 2 "
            "(every row of session S1 shares it)",
        ),
        (
            "S3,P1,1979-12-31,cellulite,abdomen,midline,,,,",
            "sessions.csv:5:date: value '1979-12-31': expected a date in or after the "
            "patient's birth year 1980",
        ),
    ],
)
def test_it_names_the_cell_of_a_bad_session(row: str, expected: str) -> None:
    # given
    text = VALID["sessions.csv"] + row + "\n"
    # when
    errors = errors_of(sessions__csv=text)
    # then
    assert errors == [expected]


@pytest.mark.parametrize(
    ("row", "expected"),
    [
        (
            "S1,thigh_outer,Lipo PC,L100,2024-01-31,-1,20,6,papule",
            "injections.csv:4:volume_ml: value '-1': expected a decimal number greater than 0 "
            "with at most 3 decimal places",
        ),
        (
            "S1,thigh_outer,Lipo PC,L100,2024-01-31,0,20,6,papule",
            "injections.csv:4:volume_ml: value '0': expected a decimal number greater than 0 "
            "with at most 3 decimal places",
        ),
        (
            "S1,thigh_outer,Lipo PC,L100,2024-01-31,0.0005,20,6,papule",
            "injections.csv:4:volume_ml: value '0.0005': expected a decimal number greater "
            "than 0 with at most 3 decimal places",
        ),
        (
            "S1,abdomen,Lipo PC,L100,2024-01-31,1,20,6,papule",
            "injections.csv:4:area: value 'abdomen': expected one of that session's areas: "
            "thigh_outer",
        ),
        (
            "S9,abdomen,Lipo PC,L100,2024-01-31,1,20,6,papule",
            "injections.csv:4:session_id: value 'S9': expected a session_id of sessions.csv",
        ),
        (
            "S1,thigh_outer,Lipo PC,L100,2024-01-31,1,0,2,papule",
            "injections.csv:4:points: value '0': expected a whole number of at least 1",
        ),
        (
            "S1,thigh_outer,Lipo PC,L100,2024-01-31,1,2,21,papule",
            "injections.csv:4:depth_mm: value '21': expected a decimal number from 0 to 20 "
            "with at most 1 decimal places",
        ),
        (
            "S1,thigh_outer,,L100,2024-01-31,1,2,2,papule",
            "injections.csv:4:product: value '': expected text of at most 200 characters "
            "(required)",
        ),
    ],
)
def test_it_names_the_cell_of_a_bad_injection(row: str, expected: str) -> None:
    # given
    text = VALID["injections.csv"] + row + "\n"
    # when
    errors = errors_of(injections__csv=text)
    # then
    assert errors == [expected]


@pytest.mark.parametrize(
    ("row", "expected"),
    [
        (
            "P1,2024-03-01,hexsel_css,16,thigh_outer,left,,",
            "measurements.csv:4:value: value '16': expected 0 to 15 for hexsel_css",
        ),
        (
            "P1,2024-03-01,gais,2.5,face,midline,,",
            "measurements.csv:4:value: value '2.5': expected a whole number from 1 to 5 for gais",
        ),
        (
            "P1,2024-03-01,smfrs,2,submental,midline,,",
            "measurements.csv:4:rater: value '': expected clinician or patient "
            "(required for smfrs)",
        ),
        (
            "P1,2024-03-01,circumference_cm,60,,left,,",
            "measurements.csv:4:area: value '': expected an area code (required for "
            "circumference_cm)",
        ),
        (
            "P1,2024-03-01,weight_kg,70,abdomen,,,",
            "measurements.csv:4:area: value 'abdomen': expected an empty cell for weight_kg",
        ),
        (
            "P1,2024-03-01,weight_kg,19,,,,",
            "measurements.csv:4:value: value '19': expected 20 to 400 kg for weight_kg",
        ),
        (
            "P7,2024-03-01,weight_kg,70,,,,",
            "measurements.csv:4:patient_id: value 'P7': expected a patient_id of patients.csv",
        ),
    ],
)
def test_it_checks_each_measurement_against_its_kind(row: str, expected: str) -> None:
    # given
    text = VALID["measurements.csv"] + row + "\n"
    # when
    errors = errors_of(measurements__csv=text)
    # then
    assert errors == [expected]


@pytest.mark.parametrize(
    ("row", "expected"),
    [
        (
            "E2,P1,,pain,2024-03-02,2024-03-01,,mild,false",
            "adverse_events.csv:3:resolved_date: value '2024-03-01': expected a date on or "
            "after onset_date 2024-03-02",
        ),
        (
            "E2,P1,,pain,2024-03-02,2024-03-04,2024-03-05,mild,false",
            "adverse_events.csv:3:last_seen_unresolved: value '2024-03-05': expected a date "
            "on or before resolved_date 2024-03-04",
        ),
        (
            "E2,P1,S2,pain,2024-04-03,,,mild,false",
            "adverse_events.csv:3:session_id: value 'S2': expected a session of patient P1 "
            "(this session is another patient's)",
        ),
        (
            "E2,P1,,pain,2024-04-03,,,mild,no",
            "adverse_events.csv:3:serious: value 'no': expected true or false",
        ),
        (
            "E1,P1,,pain,2024-04-03,,,mild,false",
            "adverse_events.csv:3:event_id: value 'E1': expected a event_id not already used "
            "on line 2",
        ),
    ],
)
def test_it_checks_adverse_events(row: str, expected: str) -> None:
    # given
    text = VALID["adverse_events.csv"] + row + "\n"
    # when
    errors = errors_of(adverse_events__csv=text)
    # then
    assert errors == [expected]


def test_it_refuses_an_unknown_column_and_a_missing_required_one() -> None:
    # given a misspelt column (volume instead of volume_ml)
    text = VALID["injections.csv"].replace("volume_ml", "volume")
    # when
    errors = errors_of(injections__csv=text)
    # then
    assert errors == [
        "injections.csv:1:volume: value 'volume': expected a column of injections.csv "
        "(session_id, area, product, lot, expiry, volume_ml, points, depth_mm, technique) "
        "or an extension column starting with x_",
        "injections.csv:1:volume_ml: value '': expected a column named volume_ml",
    ]


def test_it_requires_patients_and_sessions_and_refuses_unknown_files() -> None:
    # given a bundle without sessions.csv, with a misspelt injections file
    files = sources(sessions__csv=None)
    files["injection.csv"] = files.pop("injections.csv")
    # when
    errors = [str(e) for e in read_sources(files, today=TODAY).errors]
    # then (events and measurements now point at unknown sessions; those come after)
    assert errors[:2] == [
        "injection.csv:0:-: value 'injection.csv': expected a bundle file named one of "
        "patients.csv, sessions.csv, injections.csv, measurements.csv, adverse_events.csv",
        "sessions.csv:0:-: value '': expected the required file sessions.csv",
    ]


def test_it_reports_a_wrong_cell_count_and_bad_utf8_with_their_lines() -> None:
    # given
    files = sources(patients__csv=VALID["patients.csv"] + "P3,f\n")
    files["measurements.csv"] += b"P1,2024-03-01,weight_kg,7\xe90,,,,\n"
    # when
    errors = [str(e) for e in read_sources(files, today=TODAY).errors]
    # then
    assert errors == [
        "patients.csv:4:-: value '2 cells': expected 5 cells as in the header",
        "measurements.csv:4:-: value 'bytes e9': expected UTF-8 text",
    ]


def test_it_reads_a_zipped_folder(tmp_path: Path) -> None:
    # given the bundle zipped inside a folder, as "Compress folder" makes it
    folder = write_folder(tmp_path / "bundle")
    archive = tmp_path / "bundle.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        for path in folder.iterdir():
            zf.write(path, f"bundle/{path.name}")
    # when
    result = read_bundle(archive, today=TODAY)
    # then
    assert result.errors == []
    assert len(result.bundle.rows["sessions.csv"]) == 3


def test_it_accepts_a_future_expiry_but_not_a_future_onset() -> None:
    # given an expiry after today and an onset after today
    injections = VALID["injections.csv"].replace("2025-12-31", "2026-12-31")
    events = VALID["adverse_events.csv"] + "E2,P1,,pain,2025-07-01,,,mild,false\n"
    # when
    errors = errors_of(injections__csv=injections, adverse_events__csv=events)
    # then
    assert errors == [
        "adverse_events.csv:3:onset_date: value '2025-07-01': expected a real date "
        "YYYY-MM-DD from 1900-01-01 to today (2025-06-30)"
    ]
