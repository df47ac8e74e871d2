"""AdverseEvent: a side effect or complication, with seriousness, severity, outcome, and the
suspect lot (its Medication) with the causality assessed."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django.db.models import QuerySet

from mesoclinic.clinical_codes import AE_TYPES
from mesoclinic.fhir.codes import (
    AE_CAUSALITY_CODES,
    AE_OUTCOMES,
    AE_SERIOUS,
    AE_SEVERITY_CODES,
    CAUSALITY_LABELS,
    concept,
    local,
)
from mesoclinic.fhir.context import ExportContext, instant, meta, ref
from mesoclinic.safety.models import AdverseEvent


def causality(event: AdverseEvent) -> dict[str, Any]:
    codings = [c for c in (AE_CAUSALITY_CODES.get(event.causality),) if c is not None]
    codings.append(local("causality", event.causality))
    return concept(*codings, text=CAUSALITY_LABELS.get(event.causality, event.causality))


def to_adverse_event(ctx: ExportContext, event: AdverseEvent) -> dict[str, Any]:
    resource: dict[str, Any] = {
        "resourceType": "AdverseEvent",
        "id": str(event.public_id),
        "meta": meta(event.version, event.updated_at),
        "actuality": "actual",
        "event": concept(local("ae", event.event_type), text=AE_TYPES.get(event.event_type)),
        "subject": ref("Patient", event.patient.public_id),
        "date": event.onset_date.isoformat(),
        "recordedDate": instant(event.created_at),
        "seriousness": concept(AE_SERIOUS[event.serious]),
        "severity": concept(AE_SEVERITY_CODES[event.severity]),
    }
    if event.outcome:
        resource["outcome"] = concept(AE_OUTCOMES[event.outcome])
    if event.session is not None:
        resource["encounter"] = ref("Encounter", event.session.public_id)
    recorder = ctx.practitioner(event.reported_by_id)
    if recorder is not None:
        resource["recorder"] = recorder
    if event.lot is not None:
        resource["suspectEntity"] = [
            {
                "instance": ref("Medication", event.lot.public_id),
                "causality": [{"assessment": causality(event)}],
            }
        ]
    return resource


def event_rows(ctx: ExportContext) -> QuerySet[AdverseEvent]:
    return (
        AdverseEvent.objects.for_clinic(ctx.clinic)
        .filter(**ctx.since_filter())
        .select_related("patient", "session", "lot")
    )


def adverse_events(ctx: ExportContext) -> Iterator[dict[str, Any]]:
    rows = event_rows(ctx).order_by("id").iterator(chunk_size=1000)
    for event in rows:
        yield to_adverse_event(ctx, event)
