"""export-registry --deidentified: the key from outside the database, k measured again from
the written files, suppressed patients gone from every file, and no MRN, name or birth date
in the output (issue 10, S6)."""

from __future__ import annotations

import csv
import io
import json
from collections import Counter
from pathlib import Path

import pytest
from django.core.management.base import CommandError

from mesoclinic.audit.choices import Action
from mesoclinic.audit.models import AuditEvent
from mesoclinic.clinics.models import Clinic
from mesoclinic.demo.services import load_demo
from mesoclinic.patients.models import Patient
from mesoclinic.registry.bundle_writer import write_bundle
from mesoclinic.registry.pseudonym_key import KEY_ENV, KEY_FILE_ENV
from mesoclinic.registry.synthetic import generate_bundle
from mesoclinic.registry.tests.helpers import folder_bytes, run_export, run_import

pytestmark = pytest.mark.django_db

KEY = "11" * 32
OTHER_KEY = "22" * 32


@pytest.fixture
def key_env(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(KEY_FILE_ENV, raising=False)
    monkeypatch.setenv(KEY_ENV, KEY)


def rows(folder: Path, name: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO((folder / name).read_text(encoding="utf-8"))))


def measured_k(folder: Path) -> int:
    """The smallest class on the quasi-identifiers, counted from the written patients.csv."""
    classes = Counter(
        (row["sex"], row["x_birth_years"], row["x_height_cm"], row["x_weight_kg"])
        for row in rows(folder, "patients.csv")
    )
    return min(classes.values())


def dangling(folder: Path) -> list[str]:
    """Rows that name a patient or session the bundle does not hold."""
    patients = {row["patient_id"] for row in rows(folder, "patients.csv")}
    sessions = {row["session_id"] for row in rows(folder, "sessions.csv")}
    problems = [
        f"{name}: {row['patient_id']}"
        for name in ("sessions.csv", "measurements.csv", "adverse_events.csv")
        for row in rows(folder, name)
        if row["patient_id"] not in patients
    ]
    problems += [
        f"injections.csv: {row['session_id']}"
        for row in rows(folder, "injections.csv")
        if row["session_id"] not in sessions
    ]
    problems += [
        f"adverse_events.csv: {row['session_id']}"
        for row in rows(folder, "adverse_events.csv")
        if row["session_id"] and row["session_id"] not in sessions
    ]
    return problems


def import_generated(tmp_path: Path, seed: int, patients: int) -> None:
    folder = tmp_path / f"generated-{seed}"
    write_bundle(generate_bundle(seed=seed, patients=patients), folder)
    run_import(folder, "riverside")


def test_it_refuses_without_a_key_and_says_how_to_make_one(
    riverside: Clinic, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # given riverside with patients and no pseudonym key configured
    import_generated(tmp_path, seed=21, patients=10)
    monkeypatch.delenv(KEY_ENV, raising=False)
    monkeypatch.delenv(KEY_FILE_ENV, raising=False)
    exports = AuditEvent.objects.for_clinic(riverside).filter(action=Action.EXPORT).count()
    # when a de-identified export is asked for
    with pytest.raises(CommandError) as refused:
        run_export(tmp_path / "out", "riverside", "--deidentified")
    # then it refuses, says how to create a key, and wrote and audited nothing
    message = str(refused.value)
    assert KEY_FILE_ENV in message
    assert "secrets.token_hex(32)" in message
    assert not (tmp_path / "out").exists()
    assert AuditEvent.objects.for_clinic(riverside).filter(action=Action.EXPORT).count() == exports


@pytest.mark.parametrize("bad", ["abc", "zz" * 32, "11" * 16])
def test_it_refuses_a_key_that_is_not_32_bytes_of_hex(
    riverside: Clinic, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, bad: str
) -> None:
    # given a key that is too short or not hex
    monkeypatch.delenv(KEY_FILE_ENV, raising=False)
    monkeypatch.setenv(KEY_ENV, bad)
    # when / then
    with pytest.raises(CommandError, match="at least 32 bytes"):
        run_export(tmp_path / "out", "riverside", "--deidentified")


def test_it_reads_the_key_from_a_file_or_the_environment_alike(
    riverside: Clinic, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # given riverside with patients, and the same key once in a file, once in the environment
    import_generated(tmp_path, seed=22, patients=40)
    key_file = tmp_path / "pseudonym.key"
    key_file.write_text(KEY + "\n")
    monkeypatch.setenv(KEY_ENV, OTHER_KEY)  # the file wins over the variable
    monkeypatch.setenv(KEY_FILE_ENV, str(key_file))
    # when exported with each
    run_export(tmp_path / "from-file", "riverside", "--deidentified")
    monkeypatch.delenv(KEY_FILE_ENV)
    monkeypatch.setenv(KEY_ENV, KEY)
    run_export(tmp_path / "from-env", "riverside", "--deidentified")
    monkeypatch.setenv(KEY_ENV, OTHER_KEY)
    run_export(tmp_path / "other-key", "riverside", "--deidentified")
    # then the same key gives the same bytes; another key gives other pseudonyms
    assert folder_bytes(tmp_path / "from-file") == folder_bytes(tmp_path / "from-env")
    ids = {row["patient_id"] for row in rows(tmp_path / "from-env", "patients.csv")}
    others = {row["patient_id"] for row in rows(tmp_path / "other-key", "patients.csv")}
    assert ids
    assert others
    assert not ids & others


def test_it_reports_k_and_suppression_and_leaves_nothing_dangling(
    riverside: Clinic, tmp_path: Path, key_env: None
) -> None:
    # given riverside with 300 generated patients
    import_generated(tmp_path, seed=23, patients=300)
    # when exported de-identified, at the default k and at k = 11
    _, err = run_export(tmp_path / "k5", "riverside", "--deidentified")
    _, err11 = run_export(tmp_path / "k11.zip", "riverside", "--deidentified", "--k", "11")
    # then k counted from the files reaches the target, the command and the manifest say
    # what it was measured on, and every row refers to a patient and session that is there
    manifest = json.loads((tmp_path / "k5" / "deidentification.json").read_text())
    assert measured_k(tmp_path / "k5") >= 5
    assert manifest["min_k"] == measured_k(tmp_path / "k5")
    kept = len(rows(tmp_path / "k5", "patients.csv"))
    assert kept + manifest["patients_suppressed"] == manifest["patients_in_clinic"] == 300
    assert manifest["quasi_identifiers"] == ["sex", "birth_year", "height_cm", "weight_kg"]
    assert f"min k {manifest['min_k']} (target 5)" in err
    assert f"{manifest['patients_suppressed']} of 300 patients suppressed" in err
    assert "quasi-identifiers: sex, birth_year, height_cm, weight_kg" in err
    assert dangling(tmp_path / "k5") == []
    assert "(target 11)" in err11
    details = AuditEvent.objects.for_clinic(riverside).filter(action=Action.EXPORT)
    assert details.filter(detail__contains=f"min k {manifest['min_k']} (target 5)").exists()


def test_it_can_be_imported_into_another_clinic(
    riverside: Clinic, hilltop: Clinic, tmp_path: Path, key_env: None
) -> None:
    # given a de-identified export of riverside (with its manifest beside the CSV files)
    import_generated(tmp_path, seed=24, patients=60)
    run_export(tmp_path / "out", "riverside", "--deidentified")
    kept = len(rows(tmp_path / "out", "patients.csv"))
    # when it is imported into hilltop (pooling)
    out, _ = run_import(tmp_path / "out", "hilltop")
    # then every kept patient arrives under a pseudonym, with the bands kept as extras
    assert f"{kept} patients" in out
    patients = Patient.objects.for_clinic(hilltop)
    assert patients.count() == kept
    assert all(p.mrn.startswith("P-") for p in patients)
    assert all("x_birth_years" in p.extra for p in patients)


def _assert_demo_export_is_k_anonymous_and_clean(tmp_path: Path, patients: int) -> None:
    # given the demo practice, which has names, MRNs and full birth dates
    load_demo(patients=patients, hilltop_patients=5)
    riverside = Clinic.objects.get(slug="riverside")
    people = list(
        Patient.objects.for_clinic(riverside).values_list(
            "mrn", "given_name", "family_name", "birth_date"
        )
    )
    # when Riverside is exported de-identified
    run_export(tmp_path / "demo", "riverside", "--deidentified")
    # then min k >= 5 counted from the files, and no MRN, name or birth date is in them
    folder = tmp_path / "demo"
    assert measured_k(folder) >= 5
    assert dangling(folder) == []
    text = b"".join(folder_bytes(folder).values()).decode()
    leaks = [
        value
        for mrn, given, family, born in people
        for value in (mrn, given, family, born.isoformat() if born else None)
        if value and len(value) > 2 and value in text
    ]
    assert leaks == []
    assert {row["birth_year"] for row in rows(folder, "patients.csv")} == {""}


def test_it_makes_a_small_demo_practice_k_anonymous(tmp_path: Path, key_env: None) -> None:
    _assert_demo_export_is_k_anonymous_and_clean(tmp_path, patients=60)


@pytest.mark.slow
def test_it_makes_the_full_demo_practice_k_anonymous(tmp_path: Path, key_env: None) -> None:
    _assert_demo_export_is_k_anonymous_and_clean(tmp_path, patients=200)
