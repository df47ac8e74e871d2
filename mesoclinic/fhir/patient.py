"""Patient, and the patient's allergies and current medications as recorded on the register.

The register keeps allergies and current medications as free text, so each is one
AllergyIntolerance and one MedicationStatement carrying that text (``code.text``), never a
code guessed from it.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django.db.models import QuerySet

from mesoclinic.fhir.codes import ALLERGY_CLINICAL, GENDERS, coding, concept, mrn_system
from mesoclinic.fhir.context import ExportContext, derived_id, instant, meta, ref
from mesoclinic.patients.models import Patient


def patient_rows(ctx: ExportContext) -> QuerySet[Patient]:
    """The clinic's patients (changed since ``ctx.since``): what the Patient, AllergyIntolerance
    and MedicationStatement resources are mapped from, by the export and the REST API alike."""
    return Patient.objects.for_clinic(ctx.clinic).filter(**ctx.since_filter())


def _patients(ctx: ExportContext) -> Iterator[Patient]:
    return patient_rows(ctx).order_by("id").iterator(chunk_size=1000)


def patient_ref(patient: Patient) -> dict[str, Any]:
    return ref("Patient", patient.public_id)


def to_patient(patient: Patient, system: str) -> dict[str, Any]:
    resource: dict[str, Any] = {
        "resourceType": "Patient",
        "id": str(patient.public_id),
        "meta": meta(patient.version, patient.updated_at),
        "identifier": [
            {
                "use": "usual",
                "type": concept(
                    coding(
                        "http://terminology.hl7.org/CodeSystem/v2-0203",
                        "MR",
                        "Medical record number",
                    )
                ),
                "system": system,
                "value": patient.mrn,
            }
        ],
        "active": True,
        "gender": GENDERS.get(patient.sex, "unknown"),
    }
    name: dict[str, Any] = {}
    if patient.family_name:
        name["family"] = patient.family_name
    if patient.given_name:
        name["given"] = [patient.given_name]
    if name:
        resource["name"] = [{"use": "official", **name}]
    if patient.birth_date is not None:
        resource["birthDate"] = patient.birth_date.isoformat()
    elif patient.birth_year:
        # A registry bundle carries only the year; FHIR's date allows a year alone.
        resource["birthDate"] = f"{patient.birth_year:04d}"
    telecom = []
    if patient.phone:
        telecom.append({"system": "phone", "value": patient.phone})
    if patient.email:
        telecom.append({"system": "email", "value": patient.email})
    if telecom:
        resource["telecom"] = telecom
    if patient.address.strip():
        resource["address"] = [{"text": patient.address.strip()}]
    return resource


def patients(ctx: ExportContext) -> Iterator[dict[str, Any]]:
    system = mrn_system(str(ctx.clinic.public_id))
    for patient in _patients(ctx):
        yield to_patient(patient, system)


ALLERGIES = "allergies"
CURRENT_MEDICATIONS = "current-medications"


def to_allergy_intolerance(patient: Patient) -> dict[str, Any] | None:
    """The patient's recorded allergies as one AllergyIntolerance; None when none is recorded."""
    text = patient.allergies.strip()
    if not text:
        return None
    return {
        "resourceType": "AllergyIntolerance",
        "id": derived_id(patient.public_id, ALLERGIES),
        "meta": meta(patient.version, patient.updated_at),
        "clinicalStatus": concept(coding(ALLERGY_CLINICAL, "active", "Active")),
        "code": concept(text=text),
        "patient": patient_ref(patient),
        "recordedDate": instant(patient.updated_at),
    }


def allergy_intolerances(ctx: ExportContext) -> Iterator[dict[str, Any]]:
    for patient in _patients(ctx):
        resource = to_allergy_intolerance(patient)
        if resource is not None:
            yield resource


def to_medication_statement(patient: Patient) -> dict[str, Any] | None:
    """The patient's current medications as one MedicationStatement; None when none."""
    text = patient.current_medications.strip()
    if not text:
        return None
    return {
        "resourceType": "MedicationStatement",
        "id": derived_id(patient.public_id, CURRENT_MEDICATIONS),
        "meta": meta(patient.version, patient.updated_at),
        "status": "active",
        "medicationCodeableConcept": concept(text=text),
        "subject": patient_ref(patient),
        "dateAsserted": instant(patient.updated_at),
    }


def medication_statements(ctx: ExportContext) -> Iterator[dict[str, Any]]:
    for patient in _patients(ctx):
        resource = to_medication_statement(patient)
        if resource is not None:
            yield resource
