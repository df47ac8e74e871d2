"""Encounter: a consultation, and a treatment session."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django.db.models import QuerySet

from mesoclinic.consultations.models import Consultation
from mesoclinic.fhir.codes import ACT_CODE, coding, concept, local
from mesoclinic.fhir.context import ExportContext, instant, record_meta, ref
from mesoclinic.records.models import prefetch_amendments
from mesoclinic.treatments.models import TreatmentSession

# Large columns no resource reads, left unloaded: the signing snapshots of a session and the
# register's free text of a patient (read by the Patient mapper only).
SESSION_UNUSED = (
    "gates_at_signing",
    "dose_check_at_signing",
    "dose_override_violations",
    "contraindication_override_findings",
    "relative_contraindications_acknowledged",
    "dose_override_reason",
    "contraindication_override_reason",
    "notes",
)
CONSULTATION_UNUSED = ("concerns", "assessment", "body_image_notes")
PATIENT_UNUSED = ("extra", "allergies", "current_medications", "address")

AMBULATORY = coding(ACT_CODE, "AMB", "ambulatory")


def consultation_rows(ctx: ExportContext) -> QuerySet[Consultation]:
    """The clinic's consultations with their amendments, unordered: the rows of an Encounter,
    a QuestionnaireResponse and the weight and height Observations."""
    return (
        ctx.changed(Consultation.objects.for_clinic(ctx.clinic), Consultation)
        .select_related("patient")
        .defer(*CONSULTATION_UNUSED, *(f"patient__{f}" for f in PATIENT_UNUSED))
        .prefetch_related(prefetch_amendments())
    )


def consultations(ctx: ExportContext) -> Iterator[Consultation]:
    return consultation_rows(ctx).order_by("id").iterator(chunk_size=500)


def session_rows(ctx: ExportContext, *related: str) -> QuerySet[TreatmentSession]:
    """The clinic's treatment sessions with their amendments (and ``related``), unordered."""
    return (
        ctx.changed(TreatmentSession.objects.for_clinic(ctx.clinic), TreatmentSession)
        .select_related("patient", "plan")
        .defer(*SESSION_UNUSED, *(f"patient__{f}" for f in PATIENT_UNUSED))
        .prefetch_related(prefetch_amendments(), *related)
    )


def sessions(ctx: ExportContext, *related: str) -> Iterator[TreatmentSession]:
    return session_rows(ctx, *related).order_by("id").iterator(chunk_size=500)


def _encounter(
    ctx: ExportContext,
    record: Consultation | TreatmentSession,
    kind: str,
    start: str,
    performer: dict[str, Any] | None,
) -> dict[str, Any]:
    resource: dict[str, Any] = {
        "resourceType": "Encounter",
        "id": str(record.public_id),
        "meta": record_meta(record),
        # A signed record is a finished visit; a draft is still being written.
        "status": "finished" if record.is_signed else "in-progress",
        "class": AMBULATORY,
        "type": [concept(local("encounter", kind))],
        "subject": ref("Patient", record.patient.public_id),
        "period": {"start": start},
        "serviceProvider": ctx.organization(),
    }
    if performer is not None:
        resource["participant"] = [{"individual": performer}]
    return resource


def consultation_encounter(ctx: ExportContext, consultation: Consultation) -> dict[str, Any]:
    return _encounter(
        ctx,
        consultation,
        "consultation",
        instant(consultation.consulted_at),
        ctx.practitioner(consultation.clinician_id, consultation.clinician_name),
    )


def session_encounter(ctx: ExportContext, session: TreatmentSession) -> dict[str, Any]:
    resource = _encounter(
        ctx,
        session,
        "session",
        instant(session.performed_at),
        ctx.practitioner(session.practitioner_id),
    )
    resource["reasonCode"] = [concept(local("indication", session.indication))]
    return resource


def encounters(ctx: ExportContext) -> Iterator[dict[str, Any]]:
    for consultation in consultations(ctx):
        yield consultation_encounter(ctx, consultation)
    for session in sessions(ctx):
        yield session_encounter(ctx, session)
