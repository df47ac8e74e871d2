"""export-registry: every row of one clinic, deterministic bytes, and de-identification."""

from __future__ import annotations

import csv
import datetime as dt
import io
from decimal import Decimal
from pathlib import Path

import pytest

from mesoclinic.audit.choices import Action
from mesoclinic.audit.models import AuditEvent
from mesoclinic.clinics.models import Clinic, Membership
from mesoclinic.formulary.models import Lot, Product
from mesoclinic.patients.models import Patient
from mesoclinic.registry.bundle_writer import write_bundle
from mesoclinic.registry.pseudonym_key import KEY_ENV, KEY_FILE_ENV
from mesoclinic.registry.synthetic import generate_bundle
from mesoclinic.registry.tests.helpers import folder_bytes, row_counts, run_export, run_import
from mesoclinic.treatments.models import Injection, TreatmentSession

pytestmark = pytest.mark.django_db


def generated(tmp_path: Path, seed: int, patients: int = 300) -> Path:
    folder = tmp_path / f"generated-{seed}"
    write_bundle(generate_bundle(seed=seed, patients=patients), folder)
    return folder


def test_it_exports_imports_and_exports_again_to_the_same_bytes(
    riverside: Clinic, hilltop: Clinic, tmp_path: Path
) -> None:
    # given a generated bundle of a few thousand rows imported into riverside
    source = generated(tmp_path, seed=11)
    rows = sum(
        len(list(csv.reader(io.StringIO(data.decode())))) - 1
        for data in folder_bytes(source).values()
    )
    assert rows > 3000
    run_import(source, "riverside")
    # when riverside is exported, that export imported into hilltop, and hilltop exported
    run_export(tmp_path / "a", "riverside")
    run_import(tmp_path / "a", "hilltop")
    run_export(tmp_path / "b", "hilltop")
    # then the two exports are the same bytes (and the same as the canonical source)
    first, second = folder_bytes(tmp_path / "a"), folder_bytes(tmp_path / "b")
    assert sorted(first) == [
        "adverse_events.csv",
        "injections.csv",
        "measurements.csv",
        "patients.csv",
        "sessions.csv",
    ]
    assert first == second
    assert first == folder_bytes(source)
    assert b"\r\n" not in first["sessions.csv"]


def test_it_adds_nothing_when_its_own_export_is_imported_back(
    riverside: Clinic, tmp_path: Path
) -> None:
    # given riverside with a generated bundle, exported
    run_import(generated(tmp_path, seed=12, patients=60), "riverside")
    run_export(tmp_path / "out", "riverside")
    before = row_counts()
    # when the export is imported back into riverside
    out, _ = run_import(tmp_path / "out", "riverside")
    # then
    assert "nothing changed" in out
    after = row_counts()
    assert after.pop("AuditEvent") == before.pop("AuditEvent") + 1
    assert after == before


def test_it_never_exports_another_clinics_rows(
    riverside: Clinic, hilltop: Clinic, tmp_path: Path
) -> None:
    # given different bundles in riverside (ids PT013-…) and hilltop (ids PT014-…)
    run_import(generated(tmp_path, seed=13, patients=40), "riverside")
    run_import(generated(tmp_path, seed=14, patients=40), "hilltop")
    # when riverside is exported
    run_export(tmp_path / "out", "riverside")
    # then nothing of hilltop's is in it, and all of riverside's is
    text = b"".join(folder_bytes(tmp_path / "out").values()).decode()
    assert "PT014-" not in text
    assert "AE-014-" not in text
    with (tmp_path / "out" / "patients.csv").open(newline="") as fh:
        patients = list(csv.DictReader(fh))
    assert len(patients) == Patient.objects.for_clinic(riverside).count() == 40
    assert all(row["patient_id"].startswith("PT013-") for row in patients)


def test_it_writes_records_made_in_the_app(
    riverside: Clinic, alice: Membership, patient: Patient, tmp_path: Path
) -> None:
    # given a session recorded in the app with an injection but no area row
    session = TreatmentSession.objects.create(
        clinic=riverside,
        patient=patient,
        performed_at=dt.datetime(2024, 5, 6, 10, 0, tzinfo=dt.UTC),
        indication="cellulite",
        practitioner=alice.user,
    )
    product = Product.objects.create(clinic=riverside, name="Lipo PC")
    lot = Lot.objects.create(
        clinic=riverside, product=product, lot_number="A1", expiry_date=dt.date(2026, 1, 1)
    )
    Injection.objects.create(
        clinic=riverside,
        session=session,
        area="abdomen",
        side="midline",
        product=product,
        lot=lot,
        volume_ml=Decimal("2.500"),
    )
    # when
    run_export(tmp_path / "out", "riverside")
    # then the area comes from the injection, the practitioner is a stable id, no names
    files = folder_bytes(tmp_path / "out")
    assert files["patients.csv"].decode().splitlines()[1] == "RV000001,f,1985,"
    assert files["sessions.csv"].decode().splitlines()[1] == (
        f"{session.public_id},RV000001,2024-05-06,cellulite,abdomen,midline,,U{alice.user.pk},,"
    )
    assert files["injections.csv"].decode().splitlines()[1] == (
        f"{session.public_id},abdomen,Lipo PC,A1,2026-01-01,2.5,,,"
    )
    text = b"".join(files.values()).decode()
    for identifying in ("Maria", "Lopez", "7700", "example.org", "Penicillin"):
        assert identifying not in text


def test_it_exports_de_identified_data_stably_and_audits_it(
    monkeypatch: pytest.MonkeyPatch, riverside: Clinic, tmp_path: Path
) -> None:
    # given riverside with a generated bundle, and a pseudonym key in the environment
    run_import(generated(tmp_path, seed=15, patients=50), "riverside")
    monkeypatch.delenv(KEY_FILE_ENV, raising=False)
    monkeypatch.setenv(KEY_ENV, "ab" * 32)
    # when it is exported de-identified twice
    run_export(tmp_path / "one", "riverside", "--deidentified")
    run_export(tmp_path / "two", "riverside", "--deidentified")
    # then the pseudonyms are stable, no MRN or lot number is left, and the export is audited
    one = folder_bytes(tmp_path / "one")
    assert one == folder_bytes(tmp_path / "two")
    text = b"".join(one.values()).decode()
    assert "PT015-" not in text
    assert all(
        number not in text
        for number in Lot.objects.for_clinic(riverside).values_list("lot_number", flat=True)
    )
    assert "x_note" not in text
    events = AuditEvent.objects.for_clinic(riverside).filter(action=Action.EXPORT)
    assert events.count() == 2
    assert events.first() is not None
    assert events.first().detail.startswith("registry bundle (de-identified): ")  # type: ignore[union-attr]


def test_it_writes_the_same_zip_twice_and_reads_it_back(riverside: Clinic, tmp_path: Path) -> None:
    # given riverside with a generated bundle
    run_import(generated(tmp_path, seed=16, patients=30), "riverside")
    # when exported twice as .zip
    run_export(tmp_path / "one.zip", "riverside")
    run_export(tmp_path / "two.zip", "riverside")
    # then the archives are identical and the zip imports as "nothing changed"
    assert (tmp_path / "one.zip").read_bytes() == (tmp_path / "two.zip").read_bytes()
    out, _ = run_import(tmp_path / "one.zip", "riverside")
    assert "nothing changed" in out
