"""The export of the demo practice: every resource valid FHIR R4, one per record, references
that resolve, and nothing of one clinic in another's export."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from mesoclinic.clinics.models import Clinic
from mesoclinic.consultations.models import Consultation
from mesoclinic.demo.generator import MIN_PATIENTS
from mesoclinic.demo.services import load_demo
from mesoclinic.fhir.export import RESOURCE_TYPES
from mesoclinic.fhir.tests.helpers import UUID, every, export, r4_errors, references
from mesoclinic.outcomes.models import Measurement
from mesoclinic.patients.models import Patient
from mesoclinic.safety.models import AdverseEvent
from mesoclinic.treatments.models import Injection, SessionArea

pytestmark = pytest.mark.django_db


def _invalid(resources: dict[str, list[dict[str, Any]]]) -> list[str]:
    problems = []
    for resource in every(resources):
        error = r4_errors(resource)
        if error is not None:
            problems.append(f"{resource['resourceType']}/{resource.get('id')}: {error}")
    return problems


def test_it_exports_every_type_of_the_demo_as_valid_r4(tmp_path: Path) -> None:
    # given a small demo practice (every record type, amendments and a withdrawn consent)
    load_demo(patients=MIN_PATIENTS, hilltop_patients=1)
    riverside = Clinic.objects.get(slug="riverside")
    # when Riverside is exported
    resources = export(tmp_path, riverside)
    # then every resource type has resources, and every resource is valid R4
    assert [t for t in RESOURCE_TYPES if not resources.get(t)] == []
    assert _invalid(resources) == []


def test_it_exports_one_resource_per_record(tmp_path: Path) -> None:
    # given a small demo practice
    load_demo(patients=MIN_PATIENTS, hilltop_patients=1)
    clinic = Clinic.objects.get(slug="riverside")
    # when it is exported
    resources = export(tmp_path, clinic)
    # then there is a Patient per patient, a MedicationAdministration per line in effect, an
    # AdverseEvent per event, a Procedure per session area, and an Observation per
    # measurement plus the consultations' weights and heights
    count = {name: len(rows) for name, rows in resources.items()}
    assert count["Patient"] == Patient.objects.filter(clinic=clinic).count()
    lines = Injection.objects.in_effect().filter(clinic=clinic)
    assert count["MedicationAdministration"] == lines.count()
    assert count["AdverseEvent"] == AdverseEvent.objects.filter(clinic=clinic).count()
    assert count["Procedure"] == SessionArea.objects.filter(session__clinic=clinic).count()
    consultations = Consultation.objects.filter(clinic=clinic)
    taken = consultations.filter(weight_kg__isnull=False).count()
    taken += consultations.filter(height_cm__isnull=False).count()
    measured = Measurement.objects.filter(clinic=clinic).count()
    assert count["Observation"] == measured + taken
    # and ids are unique within each type
    for name, rows in resources.items():
        assert len({r["id"] for r in rows}) == len(rows), name


def test_it_exports_references_that_resolve_within_the_export(tmp_path: Path) -> None:
    # given a small demo practice, exported
    load_demo(patients=MIN_PATIENTS, hilltop_patients=1)
    resources = export(tmp_path, Clinic.objects.get(slug="riverside"))
    exported = {f"{r['resourceType']}/{r['id']}" for r in every(resources)}
    # when every reference of every resource is collected
    dangling = {
        target
        for resource in every(resources)
        for target in references(resource)
        if not target.startswith("#") and target not in exported
    }
    # then each names a resource of the same export
    assert dangling == set()


def test_it_gives_clinic_b_nothing_of_clinic_a(tmp_path: Path) -> None:
    # given both demo clinics, and every public id that Riverside's export holds
    load_demo(patients=MIN_PATIENTS, hilltop_patients=2)
    riverside = export(tmp_path / "a", Clinic.objects.get(slug="riverside"))
    riverside_ids = {u for r in every(riverside) for u in UUID.findall(json.dumps(r))}
    names = {p.family_name for p in Patient.objects.filter(clinic__slug="riverside")}
    # when Hilltop is exported
    hilltop = export(tmp_path / "b", Clinic.objects.get(slug="hilltop"))
    text = "\n".join(json.dumps(r, ensure_ascii=False) for r in every(hilltop))
    # then Hilltop's files name no id of Riverside's (0 of N) and no Riverside patient
    assert riverside_ids
    assert set(UUID.findall(text)) & riverside_ids == set()
    assert [n for n in names if n and n in text and n not in _hilltop_names()] == []
    assert len(hilltop["Patient"]) == 2


def _hilltop_names() -> set[str]:
    return {p.family_name for p in Patient.objects.filter(clinic__slug="hilltop")}


@pytest.mark.slow
def test_it_exports_the_whole_demo_as_valid_r4(tmp_path: Path) -> None:
    # given the demo practice at its default size
    load_demo()
    for clinic in Clinic.objects.all():
        # when each clinic is exported
        resources = export(tmp_path / clinic.slug, clinic)
        # then every resource is valid R4
        assert _invalid(resources) == []
