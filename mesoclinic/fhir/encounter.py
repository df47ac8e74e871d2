"""Encounter: a consultation, and a treatment session."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from mesoclinic.consultations.models import Consultation
from mesoclinic.fhir.codes import ACT_CODE, coding, concept, local
from mesoclinic.fhir.context import ExportContext, instant, meta, ref
from mesoclinic.treatments.models import TreatmentSession

AMBULATORY = coding(ACT_CODE, "AMB", "ambulatory")


def consultations(ctx: ExportContext) -> Iterator[Consultation]:
    return (
        Consultation.objects.for_clinic(ctx.clinic)
        .filter(**ctx.since_filter())
        .select_related("patient")
        .prefetch_related("amendments")
        .order_by("id")
        .iterator(chunk_size=500)
    )


def sessions(ctx: ExportContext, *related: str) -> Iterator[TreatmentSession]:
    return (
        TreatmentSession.objects.for_clinic(ctx.clinic)
        .filter(**ctx.since_filter())
        .select_related("patient", "plan")
        .prefetch_related("amendments", *related)
        .order_by("id")
        .iterator(chunk_size=500)
    )


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
        "meta": meta(record.version, record.updated_at),
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


def encounters(ctx: ExportContext) -> Iterator[dict[str, Any]]:
    for consultation in consultations(ctx):
        yield _encounter(
            ctx,
            consultation,
            "consultation",
            instant(consultation.consulted_at),
            ctx.practitioner(consultation.clinician_id, consultation.clinician_name),
        )
    for session in sessions(ctx):
        resource = _encounter(
            ctx,
            session,
            "session",
            instant(session.performed_at),
            ctx.practitioner(session.practitioner_id),
        )
        resource["reasonCode"] = [concept(local("indication", session.indication))]
        yield resource
