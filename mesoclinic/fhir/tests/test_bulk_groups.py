"""Group/[id]/$export: a lot's exposed patients (the recall over Bulk Data) or an indication's,
exported with exactly their resources and nobody else's."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client

from mesoclinic.clinics.choices import Role
from mesoclinic.clinics.models import Clinic, Membership
from mesoclinic.demo.generator import MIN_PATIENTS
from mesoclinic.demo.services import load_demo
from mesoclinic.fhir.bulk import runner
from mesoclinic.fhir.models import BulkExportJob
from mesoclinic.fhir.tests.smart_helpers import signed_client
from mesoclinic.fhir.tests.test_bulk_export import _bearer, _kick_off, _run_due, _status_path
from mesoclinic.formulary.models import Lot
from mesoclinic.patients.models import Patient
from mesoclinic.plans.models import TreatmentPlan
from mesoclinic.treatments.models import Injection

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo() -> Clinic:
    load_demo(patients=MIN_PATIENTS, hilltop_patients=1)
    return Clinic.objects.get(slug="riverside")


def _headers(clinic: Clinic) -> dict[str, str]:
    admin = Membership.objects.filter(clinic=clinic).first()
    assert admin is not None
    return _bearer(signed_client(clinic, admin, role=Role.PRACTITIONER, name="hospital"))


def _exported(client: Client, headers: dict[str, str], path: str) -> dict[str, list[Any]]:
    kicked = _kick_off(client, headers, path)
    assert kicked.status_code == 202, kicked.content
    _run_due()
    assert client.get(_status_path(kicked), headers=headers).status_code == 200
    job = BulkExportJob.objects.get()
    return {
        f.stem: [json.loads(line) for line in f.read_text().splitlines()]
        for f in runner.folder(job).glob("*.ndjson")
    }


def _subjects(resources: list[dict[str, Any]]) -> set[str]:
    refs = {(r.get("subject") or r.get("patient") or {}).get("reference") for r in resources}
    return {ref.removeprefix("Patient/") for ref in refs if ref}


def test_it_exports_the_patients_given_a_lot_and_nobody_else(client: Client, demo: Clinic) -> None:
    # given a lot some of the demo's patients were given, and others not
    lot = Lot.objects.filter(clinic=demo, injections__isnull=False).distinct().first()
    assert lot is not None
    exposed = {
        str(p)
        for p in Injection.objects.filter(clinic=demo, lot=lot)
        .in_effect()
        .values_list("session__patient__public_id", flat=True)
    }
    everyone = {
        str(p) for p in Patient.objects.filter(clinic=demo).values_list("public_id", flat=True)
    }
    assert exposed
    assert exposed != everyone
    # when a client exports that lot's Group
    files = _exported(client, _headers(demo), f"/fhir/R4/Group/lot-{lot.public_id}/$export")
    # then the Patients are exactly the exposed ones, and every other resource is theirs
    assert {p["id"] for p in files["Patient"]} == exposed
    for resource_type in ("MedicationAdministration", "Observation", "Encounter", "Procedure"):
        assert _subjects(files[resource_type]) <= exposed, resource_type
    # and their injection lines of that lot are all there (the recall's own answer)
    numbers = {
        m["medicationReference"]["reference"]
        for m in files["MedicationAdministration"]
        if "medicationReference" in m
    }
    assert f"Medication/{lot.public_id}" in numbers


def test_it_exports_the_patients_with_a_plan_for_an_indication(
    client: Client, demo: Clinic
) -> None:
    plan = TreatmentPlan.objects.filter(clinic=demo).first()
    assert plan is not None
    with_plan = {
        str(p)
        for p in TreatmentPlan.objects.filter(clinic=demo, indication=plan.indication).values_list(
            "patient__public_id", flat=True
        )
    }
    group = "indication-" + plan.indication.replace("_", "-")
    files = _exported(client, _headers(demo), f"/fhir/R4/Group/{group}/$export?_type=Patient")
    assert {p["id"] for p in files["Patient"]} == with_plan
    assert set(files) == {"Patient"}


def test_it_finds_no_group_of_another_clinic_or_of_nothing(client: Client, demo: Clinic) -> None:
    # given a Hilltop client and a Riverside lot
    hilltop = Clinic.objects.get(slug="hilltop")
    riverside_lot = Lot.objects.filter(clinic=demo).first()
    assert riverside_lot is not None
    headers = _headers(hilltop)
    for group in (f"lot-{riverside_lot.public_id}", "lot-not-a-uuid", "indication-nothing", "x"):
        # when it asks for the group's export
        response = _kick_off(client, headers, f"/fhir/R4/Group/{group}/$export")
        # then the group does not exist for it, and no job is made
        assert response.status_code == 404, group
        assert response.json()["resourceType"] == "OperationOutcome"
    assert not BulkExportJob.objects.exists()
