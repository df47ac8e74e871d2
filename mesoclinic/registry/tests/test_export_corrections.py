"""A registry export writes a session's lines as corrected: export → import → export gives
the same bytes, re-importing the export changes nothing, and an export made before the
correction cannot put the wrong line back."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from mesoclinic.clinics.models import Clinic, Membership
from mesoclinic.dosing.tests.conftest import weigh
from mesoclinic.formulary.models import Lot, Product
from mesoclinic.registry.tests.helpers import folder_bytes, row_counts, run_export, run_import
from mesoclinic.treatments.corrections import correct_line
from mesoclinic.treatments.models import Injection, TreatmentSession
from mesoclinic.treatments.tests.conftest import (  # noqa: F401
    draft,
    lido_lot,
    lidocaine,
    make_lot,
    pcdc,
    pcdc_lot,
)
from mesoclinic.treatments.tests.correction_helpers import add_line, changed, sign

from .test_import import rejected

pytestmark = pytest.mark.django_db


@pytest.fixture
def amended(
    draft: TreatmentSession,  # noqa: F811
    alice: Membership,
    pcdc: Product,  # noqa: F811
    pcdc_lot: Lot,  # noqa: F811
    lido_lot: Lot,  # noqa: F811
) -> Injection:
    """A signed session of two lines; the PC/DC line was corrected to 3.5 mL of lot PC-002."""
    weigh(draft.patient, "64")
    pcdc_line = add_line(draft, pcdc_lot, "4")
    add_line(draft, lido_lot, "1")
    sign(draft, alice)
    right = make_lot(pcdc, "PC-002")
    return correct_line(
        pcdc_line,
        alice,
        "Wrong vial scanned",
        changed(pcdc_line, lot=right, volume_ml=Decimal("3.5"), points=18),
    )


def test_it_exports_the_lines_as_corrected(
    riverside: Clinic, amended: Injection, tmp_path: Path
) -> None:
    # when riverside is exported
    run_export(tmp_path / "out", "riverside")
    # then the corrected line is written, once, and the replaced one is not
    lines = folder_bytes(tmp_path / "out")["injections.csv"].decode().splitlines()[1:]
    assert len(lines) == 2
    assert any(",PC/DC,PC-002," in line and ",3.5,18," in line for line in lines)
    assert not any("PC-001" in line for line in lines)


def test_it_exports_imports_and_exports_an_amended_session_to_the_same_bytes(
    riverside: Clinic, hilltop: Clinic, amended: Injection, tmp_path: Path
) -> None:
    # given riverside's export with the amended session
    run_export(tmp_path / "a", "riverside")
    # when it is imported into hilltop and hilltop is exported
    run_import(tmp_path / "a", "hilltop")
    run_export(tmp_path / "b", "hilltop")
    # then both exports are the same bytes
    assert folder_bytes(tmp_path / "a") == folder_bytes(tmp_path / "b")


def test_it_changes_nothing_when_the_export_of_an_amended_session_is_imported_back(
    riverside: Clinic, amended: Injection, tmp_path: Path
) -> None:
    # given riverside exported after the correction
    run_export(tmp_path / "out", "riverside")
    before = row_counts()
    # when the export is imported back into riverside
    out, _ = run_import(tmp_path / "out", "riverside")
    # then nothing but the import's audit event is written
    assert "nothing changed" in out
    after = row_counts()
    assert after.pop("AuditEvent") == before.pop("AuditEvent") + 1
    assert after == before


def test_it_refuses_an_old_export_that_still_has_the_corrected_line(
    riverside: Clinic,
    draft: TreatmentSession,  # noqa: F811
    alice: Membership,
    pcdc: Product,  # noqa: F811
    pcdc_lot: Lot,  # noqa: F811
    tmp_path: Path,
) -> None:
    # given an export made before the line was corrected
    line = add_line(draft, pcdc_lot, "4")
    sign(draft, alice)
    run_export(tmp_path / "before", "riverside")
    correct_line(line, alice, "Wrong vial", changed(line, lot=make_lot(pcdc, "PC-002")))
    before = row_counts()
    # when the old export is imported
    errors = rejected(tmp_path / "before")
    # then the wrong line is not added back beside the correction
    assert errors[0].startswith("injections.csv:2:session_id:")
    assert "expected a session that is not signed" in errors[0]
    assert row_counts() == before
