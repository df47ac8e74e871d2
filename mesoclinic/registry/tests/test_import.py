"""import-registry: all or nothing, every error named, idempotent, scoped to one clinic."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from mesoclinic.audit.choices import Action
from mesoclinic.audit.models import AuditEvent
from mesoclinic.clinics.models import Clinic
from mesoclinic.formulary.models import Lot, Product
from mesoclinic.outcomes.models import Measurement
from mesoclinic.patients.models import Patient
from mesoclinic.registry.tests.bundles import VALID, write_folder
from mesoclinic.registry.tests.helpers import row_counts, run_import
from mesoclinic.safety.models import AdverseEvent
from mesoclinic.treatments.models import Injection, TreatmentSession

pytestmark = pytest.mark.django_db

SESSIONS = VALID["sessions.csv"]
INJECTIONS = VALID["injections.csv"]
MEASUREMENTS = VALID["measurements.csv"]


def rejected(folder: Path, clinic: str = "riverside") -> list[str]:
    err = StringIO()
    with pytest.raises(CommandError, match="nothing was imported"):
        call_command("import_registry", str(folder), clinic=clinic, stderr=err)
    # progress lines start with the elapsed time in brackets; the rest are the errors
    return [line for line in err.getvalue().splitlines() if not line.startswith("[")]


ERROR_CASES = [
    pytest.param(
        {
            "sessions__csv": SESSIONS.replace(
                "cellulite,thigh_outer,left", "celulite,thigh_outer,left"
            )
        },
        "sessions.csv:2:indication: value 'celulite': expected one of cellulite, localized_fat, "
        "submental_fat, skin_rejuvenation, hair_loss, stretch_marks, musculoskeletal_pain, other",
        id="bad code",
    ),
    pytest.param(
        {"injections__csv": INJECTIONS.replace(",1.0,10,", ",-1.0,10,")},
        "injections.csv:3:volume_ml: value '-1.0': expected a decimal number greater than 0 "
        "with at most 3 decimal places",
        id="negative volume",
    ),
    pytest.param(
        {"measurements__csv": MEASUREMENTS + "P404,2024-03-01,weight_kg,70,,,,\n"},
        "measurements.csv:4:patient_id: value 'P404': expected a patient_id of patients.csv",
        id="unknown patient",
    ),
    pytest.param(
        {"patients__csv": VALID["patients.csv"].replace("height_cm", "heigth_cm")},
        "patients.csv:1:heigth_cm: value 'heigth_cm': expected a column of patients.csv "
        "(patient_id, sex, birth_year, height_cm) or an extension column starting with x_",
        id="unknown column",
    ),
    pytest.param(
        {"sessions__csv": SESSIONS.replace("2024-04-02", "02/04/2024")},
        "sessions.csv:4:date: value '02/04/2024': expected a real date YYYY-MM-DD from "
        "1900-01-01 to today",
        id="wrong date",
    ),
    pytest.param(
        {"patients__csv": VALID["patients.csv"] + "P2,f,1990,,\n"},
        "patients.csv:4:patient_id: value 'P2': expected a patient_id not already used on line 3",
        id="duplicate id",
    ),
    pytest.param(
        {"patients__csv": None},
        "patients.csv:0:-: value '': expected the required file patients.csv",
        id="missing required file",
    ),
    pytest.param(
        {"injections__csv": INJECTIONS + "S2,face,DCA 1%,D7,2025-12-31,1,,,\n"},
        "injections.csv:4:area: value 'face': expected one of that session's areas: submental",
        id="injection area not in session",
    ),
    pytest.param(
        {"sessions__csv": SESSIONS.replace("submental,midline,,,,", "submental,midline,,,95,")},
        "sessions.csv:4:currency: value '': expected a three-letter ISO 4217 currency code such "
        "as EUR (required when price is given)",
        id="price without currency",
    ),
    pytest.param(
        {"measurements__csv": MEASUREMENTS.replace("pcss,3,", "pcss,5,")},
        "measurements.csv:3:value: value '5': expected 0 to 4 for pcss",
        id="out-of-range measurement",
    ),
]


@pytest.mark.parametrize(("changes", "expected"), ERROR_CASES)
def test_it_names_the_error_and_writes_nothing(
    riverside: Clinic, tmp_path: Path, changes: dict[str, str | None], expected: str
) -> None:
    # given a bundle with one bad cell, and the counts of every table before
    folder = write_folder(tmp_path / "bundle", **changes)
    before = row_counts()
    # when
    errors = rejected(folder)
    # then the error names file:line:column, the value and what was expected...
    assert any(line.startswith(expected) for line in errors), errors
    # ...and nothing at all was written (no audit event either)
    assert row_counts() == before


def test_it_lists_every_error_of_the_bundle(riverside: Clinic, tmp_path: Path) -> None:
    # given three bad cells in three files, the last in the last file
    folder = write_folder(
        tmp_path / "bundle",
        patients__csv=VALID["patients.csv"].replace("P2,m,", "P2,M,"),
        injections__csv=INJECTIONS.replace("papule", "papules"),
        adverse_events__csv=VALID["adverse_events.csv"].replace(",mild,", ",light,"),
    )
    # when
    errors = rejected(folder)
    # then all three are listed in file order
    assert [line.split(": ")[0] for line in errors] == [
        "patients.csv:3:sex",
        "injections.csv:2:technique",
        "adverse_events.csv:2:severity",
    ]


def test_it_imports_the_bundle_with_its_flags_and_x_columns(
    riverside: Clinic, tmp_path: Path
) -> None:
    # given the valid bundle
    folder = write_folder(tmp_path / "bundle")
    # when
    out, err = run_import(folder, "riverside")
    # then
    assert out.splitlines()[0] == (
        "imported 2 patients, 2 sessions (3 area rows), 2 injections, 2 measurements, "
        "1 adverse events, 2 products, 2 lots; unchanged 0"
    )
    assert "writing 2 patients" in err
    p1 = Patient.objects.for_clinic(riverside).get(mrn="P1")
    assert (p1.sex, p1.birth_year, p1.height_cm, p1.imported) == ("f", 1980, Decimal("165.5"), True)
    assert p1.extra == {"x_note": 'prefers mornings, "quiet" room'}
    s1 = TreatmentSession.objects.for_clinic(riverside).get(source_id="S1")
    assert s1.practitioner_ref == "DR1"
    assert s1.imported
    assert sorted(s1.areas.values_list("side", "price")) == [
        ("left", Decimal("120.00")),
        ("right", Decimal("120.00")),
    ]
    # the lot expired on 2024-01-31 and was used on 2024-03-01: imported, but flagged
    late = Injection.objects.get(session=s1)
    assert late.used_after_expiry
    assert late.side == "bilateral"
    assert late.lot is not None
    assert late.lot.expiry_date == dt.date(2024, 1, 31)
    on_time = Injection.objects.get(session__source_id="S2")
    assert not on_time.used_after_expiry
    assert on_time.side == "midline"
    product = Product.objects.for_clinic(riverside).get(name="Lipo PC")
    assert product.ingredients.count() == 0
    event = AdverseEvent.objects.for_clinic(riverside).get(source_id="E1")
    assert event.session == s1
    assert event.resolved_date == dt.date(2024, 3, 9)


def test_it_changes_nothing_on_a_second_import_and_says_so(
    riverside: Clinic, tmp_path: Path
) -> None:
    # given a bundle already imported once
    folder = write_folder(tmp_path / "bundle")
    run_import(folder, "riverside")
    before = row_counts()
    # when it is imported again
    out, _ = run_import(folder, "riverside")
    # then only the audit trail grew
    after = row_counts()
    assert after.pop("AuditEvent") == before.pop("AuditEvent") + 1
    assert after == before
    assert "unchanged 10" in out
    assert "nothing changed" in out


def test_it_keeps_identical_injection_rows_as_two_syringes(
    riverside: Clinic, tmp_path: Path
) -> None:
    # given a bundle listing the same syringe twice
    folder = write_folder(
        tmp_path / "bundle", injections__csv=INJECTIONS + INJECTIONS.splitlines()[2] + "\n"
    )
    # when imported twice
    run_import(folder, "riverside")
    run_import(folder, "riverside")
    # then both syringes are there, once each
    assert Injection.objects.filter(clinic=riverside, session__source_id="S2").count() == 2


def test_it_refuses_a_bundle_that_contradicts_a_recorded_patient(
    riverside: Clinic, tmp_path: Path
) -> None:
    # given P1 imported as female, then a bundle calling P1 male with a new measurement
    run_import(write_folder(tmp_path / "one"), "riverside")
    before = row_counts()
    changed = write_folder(
        tmp_path / "two",
        patients__csv=VALID["patients.csv"].replace("P1,f,", "P1,m,"),
        measurements__csv=MEASUREMENTS + "P2,2024-05-01,weight_kg,80,,,,\n",
    )
    # when
    errors = rejected(changed)
    # then
    assert errors[0] == (
        "patients.csv:2:sex: value 'm': expected 'f' as already recorded for patient P1 "
        "(a bundle does not change existing records)"
    )
    assert row_counts() == before


def test_it_refuses_new_injections_for_a_signed_session(riverside: Clinic, tmp_path: Path) -> None:
    # given S1 imported and then signed
    run_import(write_folder(tmp_path / "one"), "riverside")
    TreatmentSession.objects.for_clinic(riverside).filter(source_id="S1").update(
        signed_at=timezone.now()
    )
    before = row_counts()
    more = write_folder(
        tmp_path / "two",
        injections__csv=INJECTIONS + "S1,thigh_outer,Lipo PC,L100,2024-01-31,2,,,\n",
    )
    # when
    errors = rejected(more)
    # then
    assert errors[0].startswith(
        "injections.csv:4:session_id: value 'S1': expected a session that is not signed"
    )
    assert row_counts() == before


def test_it_records_an_audit_event_with_counts_and_no_patient_data(
    riverside: Clinic, tmp_path: Path
) -> None:
    # given
    folder = write_folder(tmp_path / "bundle")
    # when
    run_import(folder, "riverside")
    # then
    event = AuditEvent.objects.for_clinic(riverside).get(action=Action.IMPORT)
    assert event.detail.startswith("registry imported 2 patients, 2 sessions")
    assert event.patient is None
    for identifier in ("P1", "S1", "E1", "L100", "DR1", "Lipo", "2024"):
        assert identifier not in event.detail


def test_it_imports_into_hilltop_without_touching_riverside(
    riverside: Clinic, hilltop: Clinic, tmp_path: Path
) -> None:
    # given the bundle imported into riverside, and riverside's rows as they are
    folder = write_folder(tmp_path / "bundle")
    run_import(folder, "riverside")
    snapshot = {
        "patients": list(Patient.objects.for_clinic(riverside).values()),
        "sessions": list(TreatmentSession.objects.for_clinic(riverside).values()),
        "measurements": list(Measurement.objects.for_clinic(riverside).values()),
        "events": list(AdverseEvent.objects.for_clinic(riverside).values()),
        "lots": list(Lot.objects.for_clinic(riverside).values()),
    }
    # when the same ids are imported into hilltop
    out, _ = run_import(folder, "hilltop")
    # then hilltop got its own copies and riverside is exactly as it was
    assert out.startswith("imported 2 patients")
    assert Patient.objects.for_clinic(hilltop).count() == 2
    assert snapshot == {
        "patients": list(Patient.objects.for_clinic(riverside).values()),
        "sessions": list(TreatmentSession.objects.for_clinic(riverside).values()),
        "measurements": list(Measurement.objects.for_clinic(riverside).values()),
        "events": list(AdverseEvent.objects.for_clinic(riverside).values()),
        "lots": list(Lot.objects.for_clinic(riverside).values()),
    }
    hilltop_sessions = TreatmentSession.objects.for_clinic(hilltop)
    assert all(s.patient.clinic_id == hilltop.pk for s in hilltop_sessions)


def test_it_refuses_an_unknown_clinic(tmp_path: Path, db: None) -> None:
    # given no clinic called nowhere
    folder = write_folder(tmp_path / "bundle")
    # when / then
    with pytest.raises(CommandError, match="--clinic: no clinic has the slug 'nowhere'"):
        run_import(folder, "nowhere")
