"""Every resource type the REST API serves, with its sources and search parameters."""

from __future__ import annotations

from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db.models import Q

from mesoclinic.fhir.adverse_event import event_rows, to_adverse_event
from mesoclinic.fhir.api.declarations import (
    HL7,
    ID,
    LOCAL_PARAM,
    common,
    date_param,
    last_updated,
    lot_param,
    param,
    patient_param,
)
from mesoclinic.fhir.api.media_type import MEDIA
from mesoclinic.fhir.api.record_types import (
    CODE_SYSTEM,
    ORGANIZATION,
    PRACTITIONER,
    PRACTITIONER_ROLE,
    PROVENANCE,
    QUESTIONNAIRE,
)
from mesoclinic.fhir.api.sources import (
    EVERYTHING,
    NOTHING,
    ResourceType,
    Rows,
    Source,
    date_filter,
    derived,
    each,
    lot_number,
    token_filter,
)
from mesoclinic.fhir.careplan import plan_rows, to_care_plan
from mesoclinic.fhir.codes import (
    CANONICAL,
    LOCAL,
    LOINC,
    measurement_loinc,
    mrn_system,
)
from mesoclinic.fhir.consent import consent_rows, to_consent
from mesoclinic.fhir.context import ExportContext, derived_id
from mesoclinic.fhir.encounter import (
    consultation_encounter,
    consultation_rows,
    session_encounter,
    session_rows,
)
from mesoclinic.fhir.medication import lot_rows, to_medication
from mesoclinic.fhir.observation import (
    CONSULTATION_MEASURES,
    consultation_observation,
    measurement_rows,
    to_observation,
)
from mesoclinic.fhir.patient import (
    ALLERGIES,
    CURRENT_MEDICATIONS,
    patient_rows,
    to_allergy_intolerance,
    to_medication_statement,
    to_patient,
)
from mesoclinic.fhir.procedure import (
    administration_rows,
    area_rows,
    to_administration,
    to_procedure,
)
from mesoclinic.fhir.questionnaire import to_response
from mesoclinic.outcomes.models import Measurement
from mesoclinic.patients.models import Patient
from mesoclinic.records.models import Amendment

# Patient ------------------------------------------------------------------------------------


def _identifier(ctx: ExportContext, system: str | None, code: str | None) -> Q:
    if system not in (None, "", mrn_system(str(ctx.clinic.public_id))):
        return NOTHING
    return Q(mrn=code) if code else EVERYTHING


def _name(ctx: ExportContext, rows: Rows, values: list[str]) -> Rows:
    # FHIR string search: any name part starting with the value, case-insensitively.
    q = Q(pk__in=[])
    for value in values:
        if not value.strip():
            continue
        q |= Q(family_name__istartswith=value.strip()) | Q(given_name__istartswith=value.strip())
    return rows.filter(q)


def _patients(ctx: ExportContext, rows: list[Patient]) -> list[dict[str, Any]]:
    system = mrn_system(str(ctx.clinic.public_id))
    return [to_patient(p, system) for p in rows]


PATIENT = ResourceType(
    "Patient",
    sources=(
        Source(
            patient_rows,
            _patients,
            filters={
                "identifier": token_filter("identifier", _identifier),
                "name": _name,
                "birthdate": date_filter("birthdate", "birth_date", day=True),
                "_lastUpdated": date_filter("_lastUpdated", "updated_at", day=False),
            },
        ),
    ),
    params=(
        ID,
        param(
            "identifier",
            "token",
            f"{HL7}/Patient-identifier",
            "The clinic's MRN: <system>|<mrn> (the system is "
            f"{CANONICAL}/sid/clinic/<clinic id>/mrn) or the MRN alone.",
        ),
        param(
            "name",
            "string",
            f"{HL7}/Patient-name",
            "A family or given name starting with the value (any case).",
        ),
        param(
            "birthdate",
            "date",
            f"{HL7}/individual-birthdate",
            "Patient.birthDate; prefixes eq, ne, gt, ge, lt, le.",
        ),
        last_updated(),
    ),  # fmt: skip
)


def _with_text(column: str, what: str, to_resource: Any) -> Source:
    def rows(ctx: ExportContext) -> Rows:
        return patient_rows(ctx).exclude(**{f"{column}__regex": r"^\s*$"})

    return Source(
        rows,
        each(lambda ctx, patient: to_resource(patient)),
        filters=common("pk", "updated_at", False, "updated_at"),
        derive=derived(what),
        derived_from=("public_id",),
    )


ALLERGY = ResourceType(
    "AllergyIntolerance",
    sources=(_with_text("allergies", ALLERGIES, to_allergy_intolerance),),
    params=(
        ID,
        patient_param("AllergyIntolerance.patient"),
        date_param("AllergyIntolerance.recordedDate"),
        last_updated(),
    ),  # fmt: skip
)
STATEMENT = ResourceType(
    "MedicationStatement",
    sources=(_with_text("current_medications", CURRENT_MEDICATIONS, to_medication_statement),),
    params=(
        ID,
        patient_param("MedicationStatement.subject"),
        date_param("MedicationStatement.dateAsserted", f"{LOCAL_PARAM}/MedicationStatement-date"),
        last_updated(),
    ),  # fmt: skip
)

# Encounters and what a consultation gives --------------------------------------------------

CONSULTATION_FILTERS = common("patient", "consulted_at", False, "updated_at")
SESSION_FILTERS = common("patient", "performed_at", False, "updated_at")

ENCOUNTER = ResourceType(
    "Encounter",
    sources=(
        Source(consultation_rows, each(consultation_encounter), CONSULTATION_FILTERS),
        Source(session_rows, each(session_encounter), SESSION_FILTERS),
    ),
    params=(
        ID,
        patient_param("Encounter.subject"),
        date_param("Encounter.period"),
        last_updated("the record's last save; an amendment is not counted"),
    ),  # fmt: skip
)
RESPONSE = ResourceType(
    "QuestionnaireResponse",
    sources=(Source(consultation_rows, each(to_response), CONSULTATION_FILTERS),),
    params=(
        ID,
        patient_param("QuestionnaireResponse.subject"),
        date_param("QuestionnaireResponse.authored", f"{LOCAL_PARAM}/QuestionnaireResponse-date"),
        last_updated("the record's last save; an amendment is not counted"),
    ),  # fmt: skip
)


def _measurement_code(ctx: ExportContext, system: str | None, code: str | None) -> Q:
    if code is None:
        return EVERYTHING if system in (None, LOINC, LOCAL) else NOTHING
    q = NOTHING
    if system in (None, LOCAL) and code.startswith("measure-"):
        q |= Q(kind=code.removeprefix("measure-"))
    if system in (None, LOINC):
        for kind in dict(Measurement._meta.get_field("kind").choices or []):
            for area in ("abdomen", ""):
                loinc = measurement_loinc(str(kind), area)
                if loinc is not None and loinc["code"] == code:
                    q |= Q(kind=kind, area="abdomen") if area else Q(kind=kind)
    return q


def _consultation_measure(field_name: str) -> Source:
    loinc, _ = CONSULTATION_MEASURES[field_name]

    def rows(ctx: ExportContext) -> Rows:
        # Taken, or changed by an amendment (which may have added it).
        amended = Amendment.objects.filter(
            content_type=ContentType.objects.get_for_model(consultation_rows(ctx).model),
            changes__has_key=field_name,
        ).values("object_id")
        return consultation_rows(ctx).filter(
            Q(**{f"{field_name}__isnull": False}) | Q(pk__in=amended)
        )

    def code(ctx: ExportContext, system: str | None, value: str | None) -> Q:
        hit = system in (None, LOINC) and value in (None, loinc["code"])
        return EVERYTHING if hit else NOTHING

    filters = dict(CONSULTATION_FILTERS) | {"code": token_filter("code", code)}
    return Source(
        rows,
        each(lambda ctx, c: consultation_observation(ctx, c, field_name)),
        filters,
        derive=lambda public_id: derived_id(public_id, field_name),
        derived_from=("public_id",),
    )


OBSERVATION = ResourceType(
    "Observation",
    sources=(
        Source(
            measurement_rows,
            each(to_observation),
            common("patient", "measured_on", True, "updated_at")
            | {"code": token_filter("code", _measurement_code)},
        ),
        *(_consultation_measure(f) for f in CONSULTATION_MEASURES),
    ),
    params=(
        ID,
        patient_param("Observation.subject"),
        date_param("Observation.effective"),
        param(
            "code",
            "token",
            f"{HL7}/clinical-code",
            f"Observation.code: <system>|<code> or <code> (LOINC {LOINC}, or the local "
            f"{LOCAL} measure-<kind>).",
        ),
        last_updated(),
    ),  # fmt: skip
)

# Records of care -----------------------------------------------------------------------------

CONSENT = ResourceType(
    "Consent",
    sources=(
        Source(
            consent_rows,
            each(to_consent),
            common("patient", "patient_signed_at", False, "updated_at"),
        ),
    ),
    params=(
        ID,
        patient_param("Consent.patient"),
        date_param("Consent.dateTime"),
        last_updated("the record's last save; an amendment is not counted"),
    ),  # fmt: skip
)
CAREPLAN = ResourceType(
    "CarePlan",
    sources=(
        Source(plan_rows, each(to_care_plan), common("patient", "start_date", True, "updated_at")),
    ),
    params=(
        ID,
        patient_param("CarePlan.subject"),
        date_param("CarePlan.period (its start)"),
        last_updated(),
    ),  # fmt: skip
)
PROCEDURE = ResourceType(
    "Procedure",
    sources=(
        Source(
            area_rows,
            each(to_procedure),
            common("session__patient", "session__performed_at", False, "session__updated_at"),
            derive=lambda public_id, area, side: derived_id(public_id, f"area:{area}:{side}"),
            derived_from=("session__public_id", "area", "side"),
        ),
    ),
    params=(
        ID,
        patient_param("Procedure.subject"),
        date_param("Procedure.performed"),
        last_updated("the session's last save"),
    ),  # fmt: skip
)
MEDICATION = ResourceType(
    "Medication",
    sources=(
        Source(
            lot_rows,
            each(lambda ctx, lot: to_medication(lot)),
            {
                "lot-number": lot_number("lot_number"),
                "_lastUpdated": date_filter("_lastUpdated", "updated_at", day=False),
            },
        ),
    ),
    params=(
        ID,
        lot_param("Medication", "Medication.batch.lotNumber", f"{HL7}/Medication-lot-number"),
        last_updated(),
    ),  # fmt: skip
)
ADMINISTRATION = ResourceType(
    "MedicationAdministration",
    sources=(
        Source(
            administration_rows,
            each(to_administration),
            common("session__patient", "session__performed_at", False, "session__updated_at")
            | {"lot-number": lot_number("lot__lot_number")},
        ),
    ),
    params=(
        ID,
        patient_param("MedicationAdministration.subject"),
        date_param(
            "MedicationAdministration.effective", f"{LOCAL_PARAM}/MedicationAdministration-date"
        ),
        lot_param(
            "MedicationAdministration",
            "the batch.lotNumber of the medicationReference",
            f"{LOCAL_PARAM}/MedicationAdministration-lot-number",
        ),
        last_updated("the session's last save"),
    ),  # fmt: skip
    includes={"MedicationAdministration:medication": "Medication"},
)
ADVERSE_EVENT = ResourceType(
    "AdverseEvent",
    sources=(
        Source(
            event_rows,
            each(to_adverse_event),
            common("patient", "onset_date", True, "updated_at")
            | {"lot-number": lot_number("lot__lot_number")},
        ),
    ),
    params=(
        ID,
        patient_param("AdverseEvent.subject"),
        date_param("AdverseEvent.date", f"{HL7}/AdverseEvent-date"),
        lot_param(
            "AdverseEvent",
            "the batch.lotNumber of suspectEntity.instance",
            f"{LOCAL_PARAM}/AdverseEvent-lot-number",
        ),
        last_updated(),
    ),  # fmt: skip
    includes={"AdverseEvent:substance": "Medication"},
)


_ALL = (
    CODE_SYSTEM, ORGANIZATION, PRACTITIONER, PRACTITIONER_ROLE, PATIENT, ALLERGY, STATEMENT,
    QUESTIONNAIRE, ENCOUNTER, RESPONSE, CONSENT, CAREPLAN, MEDICATION, PROCEDURE, ADMINISTRATION,
    OBSERVATION, ADVERSE_EVENT, MEDIA, PROVENANCE,
)  # fmt: skip


def _with_patient_include(rtype: ResourceType) -> ResourceType:
    if "patient" not in rtype.param_names or rtype.name == "Provenance":
        return rtype
    includes = {f"{rtype.name}:patient": "Patient", **rtype.includes}
    return ResourceType(
        rtype.name, rtype.sources, rtype.static, rtype.params, includes, rtype.public
    )


TYPES: dict[str, ResourceType] = {t.name: _with_patient_include(t) for t in _ALL}
