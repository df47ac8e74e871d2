"""De-identification: stable pseudonyms, per-patient date shifts that keep intervals,
quasi-identifiers banded to k, suppressed patients gone from every file, free text
dropped, nothing of the original ids or dates left."""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections import Counter

from hypothesis import given, settings
from hypothesis import strategies as st

from mesoclinic.registry.bundle_model import Bundle
from mesoclinic.registry.bundle_reader import read_sources
from mesoclinic.registry.bundle_writer import render_bundle
from mesoclinic.registry.deidentify import deidentify, pseudonym, shift_days
from mesoclinic.registry.synthetic import generate_bundle
from mesoclinic.registry.tests.bundles import TODAY, VALID, sources

KEY = b"riverside-test-key-0123456789"
OTHER_KEY = b"hilltop-test-key-9876543210"


def valid_bundle() -> Bundle:
    result = read_sources(sources(), today=TODAY)
    assert result.errors == []
    return result.bundle


def test_it_gives_the_same_pseudonyms_for_the_same_key_and_others_for_another() -> None:
    # given the same bundle de-identified twice with one key, once with another
    bundle = valid_bundle()
    # when
    first = render_bundle(deidentify(bundle, KEY, TODAY, k=1)[0])
    again = render_bundle(deidentify(bundle, KEY, TODAY, k=1)[0])
    other = render_bundle(deidentify(bundle, OTHER_KEY, TODAY, k=1)[0])
    # then
    assert first == again
    assert first["patients.csv"] != other["patients.csv"]
    assert pseudonym(KEY, "P-", "P1") in first["patients.csv"].decode()


def test_it_leaves_no_original_id_lot_or_date_in_the_output() -> None:
    # given the valid bundle's ids, lot numbers and dates
    bundle = valid_bundle()
    originals = ["P1", "P2", "S1", "S2", "E1", "L100", "D7", "DR1", "prefers mornings"]
    originals += [
        day
        for text in VALID.values()
        for cell in text.replace("\n", ",").split(",")
        if len(day := cell) == 10 and day[4] == "-"
    ]
    # when
    files = render_bundle(deidentify(bundle, KEY, TODAY, k=1)[0])
    text = b"".join(files.values()).decode()
    # then
    assert len(originals) > 12
    assert [value for value in originals if value in text] == []


def test_it_moves_all_of_a_patients_dates_by_the_same_days_so_intervals_are_kept() -> None:
    # given a generated bundle of a few hundred patients
    bundle = generate_bundle(seed=5, patients=200)
    # when
    out = deidentify(bundle, KEY, TODAY, k=1)[0]
    # then every date moved back by its patient's shift, 1 to 364 days
    patient_of = {
        r.values["session_id"]: r.values["patient_id"] for r in bundle.rows["sessions.csv"]
    }
    for before, after in zip(bundle.rows["sessions.csv"], out.rows["sessions.csv"], strict=True):
        days = shift_days(KEY, before.values["patient_id"])
        assert 1 <= days <= 364
        assert before.values["date"] - after.values["date"] == dt.timedelta(days=days)
    for before, after in zip(
        bundle.rows["injections.csv"], out.rows["injections.csv"], strict=True
    ):
        if before.values["expiry"] is not None:
            days = shift_days(KEY, patient_of[before.values["session_id"]])
            assert before.values["expiry"] - after.values["expiry"] == dt.timedelta(days=days)
    for before, after in zip(
        bundle.rows["adverse_events.csv"], out.rows["adverse_events.csv"], strict=True
    ):
        if before.values["resolved_date"] is not None:
            assert (
                before.values["resolved_date"] - before.values["onset_date"]
                == after.values["resolved_date"] - after.values["onset_date"]
            )


def test_it_groups_ages_over_89_and_bands_younger_birth_years() -> None:
    # given patients born in 1920 (105 in 2025), 1935 (90) and 1936 (89)
    patients = "patient_id,sex,birth_year,height_cm\nP1,f,1920,\nP2,m,1935,\nP3,f,1936,\n"
    result = read_sources(
        {"patients.csv": patients.encode(), "sessions.csv": VALID["sessions.csv"].encode()},
        today=TODAY,
    )
    # when
    out = deidentify(result.bundle, KEY, TODAY, k=1)[0]
    # then both over-89s are in the "90 or older" band; the 89-year-old in the next one;
    # no exact birth year is left
    bands = sorted(row.extra["x_birth_years"] for row in out.rows["patients.csv"])
    assert bands == ["1900-1935", "1900-1935", "1936-1939"]
    assert {row.values["birth_year"] for row in out.rows["patients.csv"]} == {None}


def test_it_drops_the_clinics_x_columns_and_its_output_is_a_valid_bundle() -> None:
    # given a generated bundle with x_ columns of free text
    bundle = generate_bundle(seed=9, patients=150)
    # when
    files = render_bundle(deidentify(bundle, KEY, TODAY)[0])
    # then only the band columns are x_ columns, and the bundle reads back without error
    header = b"patient_id,sex,birth_year,height_cm,x_birth_years,x_height_cm,x_weight_kg\n"
    assert files["patients.csv"].startswith(header)
    assert b"x_" not in b"".join(data for name, data in files.items() if name != "patients.csv")
    assert b"x_" not in files["patients.csv"][len(header) :]
    assert read_sources(files, today=TODAY).errors == []


def test_it_removes_every_row_of_a_suppressed_patient_and_no_other() -> None:
    # given a generated bundle of 200 patients, de-identified to k = 5
    bundle = generate_bundle(seed=12, patients=200)
    # when
    out, chosen = deidentify(bundle, KEY, TODAY)
    # then the rows left are exactly the kept patients' rows, in every file
    assert chosen.suppressed
    assert chosen.min_k >= 5
    kept = set(chosen.banded)
    session_patient = {
        r.values["session_id"]: r.values["patient_id"] for r in bundle.rows["sessions.csv"]
    }
    expected = {
        "patients.csv": sum(r.values["patient_id"] in kept for r in bundle.rows["patients.csv"]),
        "sessions.csv": sum(r.values["patient_id"] in kept for r in bundle.rows["sessions.csv"]),
        "injections.csv": sum(
            session_patient[r.values["session_id"]] in kept for r in bundle.rows["injections.csv"]
        ),
        "measurements.csv": sum(
            r.values["patient_id"] in kept for r in bundle.rows["measurements.csv"]
        ),
        "adverse_events.csv": sum(
            r.values["patient_id"] in kept for r in bundle.rows["adverse_events.csv"]
        ),
    }
    assert {name: len(rows) for name, rows in out.rows.items()} == expected
    assert read_sources(render_bundle(out), today=TODAY).errors == []


@settings(max_examples=15, deadline=None)
@given(seed=st.integers(0, 10_000), patients=st.integers(1, 120), k=st.integers(2, 11))
def test_it_writes_no_quasi_identifier_class_smaller_than_k(
    seed: int, patients: int, k: int
) -> None:
    # given any generated bundle and k
    bundle = generate_bundle(seed=seed, patients=patients, extras=False)
    # when de-identified and written
    files = render_bundle(deidentify(bundle, KEY, TODAY, k=k)[0])
    # then the classes counted from the written patients.csv all have k or more members,
    # and no exact birth year or height is written
    rows = list(csv.DictReader(io.StringIO(files["patients.csv"].decode())))
    classes = Counter(
        (r["sex"], r["x_birth_years"], r["x_height_cm"], r["x_weight_kg"]) for r in rows
    )
    assert all(size >= k for size in classes.values())
    assert all(r["birth_year"] == "" and r["height_cm"] == "" for r in rows)
