"""The import's write step: it writes what the plan says, and a lot listed with two expiries
is recorded with the earliest."""

from __future__ import annotations

import datetime as dt
import zoneinfo
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.db import connection, transaction

from mesoclinic.clinics.models import Clinic
from mesoclinic.formulary.models import Lot
from mesoclinic.outcomes.models import Measurement
from mesoclinic.patients.models import Patient
from mesoclinic.registry.import_plan import (
    AreaRow,
    EventRow,
    ImportPlan,
    InjectionRow,
    LotRow,
    MeasurementRow,
    New,
    PatientRow,
    ProductRow,
    SessionRow,
)
from mesoclinic.registry.import_writer import write_plan
from mesoclinic.registry.tests.bundles import VALID, write_folder
from mesoclinic.registry.tests.helpers import folder_bytes, row_counts, run_export, run_import
from mesoclinic.registry.tests.test_import import rejected
from mesoclinic.safety.models import AdverseEvent
from mesoclinic.treatments.models import Injection, TreatmentSession

pytestmark = pytest.mark.django_db

NOON = dt.datetime(2024, 3, 1, 12, tzinfo=zoneinfo.ZoneInfo("Europe/London"))


def test_it_writes_a_plan_made_by_hand_as_it_says(riverside: Clinic) -> None:
    # given a plan of one patient, treated once with a new product's new lot
    plan = ImportPlan(
        patients=(PatientRow("P1", "f", 1980, None, (("x_note", "hand"),)),),
        sessions=(SessionRow(New(0), NOON, "cellulite", "", "DR1", "S1"),),
        areas=(AreaRow(New(0), "thigh_outer", "left", Decimal("120"), "EUR", ()),),
        products=(ProductRow("Lipo PC", "made by hand"),),
        lots=(LotRow(New(0), "L100", dt.date(2024, 1, 31)),),
        injections=(
            InjectionRow(
                New(0),
                "thigh_outer",
                "left",
                New(0),
                New(0),
                dt.date(2024, 1, 31),
                True,
                Decimal("4.5"),
                20,
                None,
                "papule",
                (),
            ),
        ),  # fmt: skip
        measurements=(
            MeasurementRow(New(0), NOON.date(), "weight_kg", Decimal("70"), "", "", "", "", ()),
        ),
        events=(
            EventRow(New(0), New(0), "bruising", NOON.date(), None, None, "mild", False, "E1", ()),
        ),
    )
    # when it is written
    with transaction.atomic():
        created = write_plan(plan, riverside, lambda message: None)
    # then every row is there, pointing at the rows it names
    assert set(created.values()) == {1}
    patient = Patient.objects.for_clinic(riverside).get(mrn="P1")
    assert (patient.extra, patient.imported) == ({"x_note": "hand"}, True)
    session = TreatmentSession.objects.for_clinic(riverside).get(source_id="S1")
    assert (session.patient, session.performed_at, session.practitioner_ref) == (
        patient,
        NOON,
        "DR1",
    )
    line = Injection.objects.get(session=session)
    assert line.lot is not None
    assert (line.lot.lot_number, line.lot.product.notes) == ("L100", "made by hand")
    assert (line.product, line.used_after_expiry) == (line.lot.product, True)
    assert Measurement.objects.for_clinic(riverside).get().patient == patient
    assert AdverseEvent.objects.for_clinic(riverside).get().session == session


def test_it_records_a_lot_listed_with_two_expiries_with_the_earliest(
    riverside: Clinic, tmp_path: Path
) -> None:
    # given a bundle that lists L100 with two expiries, and once with none
    folder = write_folder(
        tmp_path / "bundle",
        injections__csv=VALID["injections.csv"]
        + "S1,thigh_outer,Lipo PC,L100,2024-06-30,1,,,\n"
        + "S1,thigh_outer,Lipo PC,L100,,2,,,\n",
    )
    # when it is imported, exported, and imported again
    run_import(folder, "riverside")
    run_export(tmp_path / "out", "riverside")
    before = row_counts()
    out, _ = run_import(folder, "riverside")
    # then the lot has the earlier expiry, and the row without one is written with it
    lot = Lot.objects.for_clinic(riverside).get(lot_number="L100")
    assert lot.expiry_date == dt.date(2024, 1, 31)
    lines = folder_bytes(tmp_path / "out")["injections.csv"].decode().splitlines()
    assert [line for line in lines if ",L100," in line] == [
        "S1,thigh_outer,Lipo PC,L100,2024-01-31,2,,,",
        "S1,thigh_outer,Lipo PC,L100,2024-01-31,4.5,20,6,papule",
        "S1,thigh_outer,Lipo PC,L100,2024-06-30,1,,,",
    ]
    # ...and the second import changed nothing
    assert "nothing changed" in out
    after = row_counts()
    assert after.pop("AuditEvent") == before.pop("AuditEvent") + 1
    assert after == before


def test_it_imports_on_a_database_that_returns_no_new_keys(
    riverside: Clinic, tmp_path: Path, monkeypatch: Any
) -> None:
    # given a database whose bulk insert does not return the new rows' keys (SQLite < 3.35)
    monkeypatch.setattr(type(connection.features), "can_return_rows_from_bulk_insert", False)
    # when the valid bundle is imported
    run_import(write_folder(tmp_path / "bundle"), "riverside")
    # then every reference still finds its row
    s1 = TreatmentSession.objects.for_clinic(riverside).get(source_id="S1")
    assert s1.patient.mrn == "P1"
    assert sorted(s1.areas.values_list("side", flat=True)) == ["left", "right"]
    line = Injection.objects.get(session=s1)
    assert line.lot is not None
    assert (line.product.name, line.lot.lot_number) == ("Lipo PC", "L100")
    assert AdverseEvent.objects.for_clinic(riverside).get(source_id="E1").session == s1
    assert Measurement.objects.for_clinic(riverside).filter(patient=s1.patient).count() == 2


def test_it_refuses_a_bundle_that_moves_a_session_to_another_patient(
    riverside: Clinic, tmp_path: Path
) -> None:
    # given S1 imported for P1, then a bundle giving S1 to P2 with an area and a syringe
    # that S1 never had
    run_import(write_folder(tmp_path / "one"), "riverside")
    before = row_counts()
    moved = write_folder(
        tmp_path / "two",
        sessions__csv=VALID["sessions.csv"].splitlines()[0]
        + "\nS1,P2,2024-03-01,cellulite,abdomen,left,PC/DC 4x8w,DR1,,\n",
        injections__csv=VALID["injections.csv"].splitlines()[0]
        + "\nS1,abdomen,Lipo PC,L100,2024-01-31,1,,,\n",
        measurements__csv=None,
        adverse_events__csv=None,
    )
    # when
    errors = rejected(moved)
    # then the contradiction is named, and nothing was written
    assert errors == [
        "sessions.csv:2:patient_id: value 'P2': expected 'P1' as already recorded for "
        "session S1 (a bundle does not change existing records)"
    ]
    assert row_counts() == before
