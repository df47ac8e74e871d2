"""``mesoclinic export-fhir``: the files it writes, its refusals, --type and --since, the
audit event, and that a failed export leaves no file under a final name."""

from __future__ import annotations

import datetime as dt
import io
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command

from mesoclinic.audit.choices import Action
from mesoclinic.audit.models import AuditEvent
from mesoclinic.clinics.models import Clinic, Membership
from mesoclinic.fhir import export as export_module
from mesoclinic.fhir.context import ExportContext
from mesoclinic.outcomes.models import Measurement
from mesoclinic.patients.models import Patient

pytestmark = pytest.mark.django_db


def _run(*args: str) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command("export_fhir", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


@pytest.fixture
def measured(riverside: Clinic, alice: Membership, patient: Patient) -> Measurement:
    return Measurement.objects.create(
        clinic=riverside,
        patient=patient,
        measured_on=dt.date(2026, 1, 5),
        kind="weight_kg",
        value=80,
    )


def test_it_writes_one_file_per_type_with_progress_and_an_audit_event(
    tmp_path: Path, measured: Measurement
) -> None:
    # when Patient and Observation are exported
    out, err = _run(str(tmp_path), "--clinic", "riverside", "--type", "Observation,Patient")
    # then there is one NDJSON file per type and nothing else
    assert sorted(p.name for p in tmp_path.iterdir()) == ["Observation.ndjson", "Patient.ndjson"]
    lines = (tmp_path / "Observation.ndjson").read_text().splitlines()
    assert [json.loads(line)["id"] for line in lines] == [str(measured.public_id)]
    # and progress went to stderr, the summary to stdout
    assert "Observation: 1 resources" in err
    assert "exported 2 resources in 2 files" in out
    # and the export is in the clinic's audit trail, naming no patient
    event = AuditEvent.objects.get(action=Action.EXPORT)
    assert event.clinic == measured.clinic
    assert "FHIR" in event.detail
    assert measured.patient.family_name not in event.detail


def test_it_refuses_an_unknown_type_naming_the_known_ones(
    tmp_path: Path, riverside: Clinic
) -> None:
    # when a type is misspelt, then the command refuses it and writes nothing
    with pytest.raises(
        CommandError, match="unknown resource type.*Observations.*choose from.*Patient"
    ):
        _run(str(tmp_path / "out"), "--clinic", "riverside", "--type", "Patient,Observations")
    assert not (tmp_path / "out").exists()


def test_it_refuses_a_clinic_that_does_not_exist(tmp_path: Path, riverside: Clinic) -> None:
    with pytest.raises(CommandError, match="no clinic has the slug 'nowhere'"):
        _run(str(tmp_path / "out"), "--clinic", "nowhere")
    assert not (tmp_path / "out").exists()


def test_it_refuses_a_since_that_is_not_a_date(tmp_path: Path, riverside: Clinic) -> None:
    with pytest.raises(CommandError, match="--since"):
        _run(str(tmp_path), "--clinic", "riverside", "--since", "last week")


def test_it_exports_only_what_changed_since_a_date(tmp_path: Path, measured: Measurement) -> None:
    # given a measurement last changed long ago and one changed now
    Measurement.objects.filter(pk=measured.pk).update(
        updated_at=dt.datetime(2020, 1, 1, tzinfo=dt.UTC)
    )
    recent = Measurement.objects.create(
        clinic=measured.clinic,
        patient=measured.patient,
        measured_on=dt.date(2026, 2, 5),
        kind="weight_kg",
        value=79,
    )
    # when the export asks for changes since 2025
    _run(str(tmp_path), "--clinic", "riverside", "--type", "Observation", "--since", "2025-01-01")
    # then only the recent one is there
    lines = (tmp_path / "Observation.ndjson").read_text().splitlines()
    assert [json.loads(line)["id"] for line in lines] == [str(recent.public_id)]


def test_it_leaves_no_file_and_no_audit_event_when_the_export_fails(
    tmp_path: Path, measured: Measurement, monkeypatch: pytest.MonkeyPatch
) -> None:
    # given a mapper that fails after the first files were written
    def failing(ctx: ExportContext) -> Iterator[dict[str, Any]]:
        yield {"resourceType": "Observation", "id": "x"}
        raise RuntimeError("disk gone")

    mappers = {**export_module.MAPPERS, "Observation": failing}
    monkeypatch.setattr(export_module, "MAPPERS", mappers)
    # when the export runs, then it fails
    with pytest.raises(RuntimeError):
        _run(str(tmp_path), "--clinic", "riverside", "--type", "Patient,Observation")
    # and no file is left, complete or partial, and nothing was audited as exported
    assert list(tmp_path.iterdir()) == []
    assert not AuditEvent.objects.filter(action=Action.EXPORT).exists()
