"""Procedure (a session's treatment of one area and side) and MedicationAdministration (each
injection line in effect: product lot, dose in mL, site, technique, performer).

A corrected line is replaced by its correction (``Injection.objects.in_effect()``): only the
line as corrected is exported, and the correction's Provenance says who changed it and why.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

from django.db.models import Prefetch, QuerySet

from mesoclinic.fhir.codes import CANONICAL, ML, body_site, concept, local, quantity
from mesoclinic.fhir.context import (
    ExportContext,
    derived_id,
    instant,
    number,
    record_meta,
    ref,
)
from mesoclinic.fhir.encounter import PATIENT_UNUSED, SESSION_UNUSED
from mesoclinic.fhir.medication import medication
from mesoclinic.records.models import prefetch_amendments
from mesoclinic.treatments.injection_map import Mark, marks_in_effect
from mesoclinic.treatments.models import (
    Injection,
    InjectionMapPoint,
    SessionArea,
    TreatmentSession,
)

# A point (or zone) of the line's injection map: the diagram, the position (0 to 1 from the
# diagram's top-left corner) and the kind, as nested extensions of the dosage's site.
MAP_MARK_EXTENSION = f"{CANONICAL}/StructureDefinition/injection-map-mark"
MAP_POINTS = "fhir_map_points"


def _unused_of_session() -> list[str]:
    return [
        *(f"session__{f}" for f in SESSION_UNUSED),
        *(f"session__patient__{f}" for f in PATIENT_UNUSED),
    ]


def procedure_id(session: TreatmentSession, area: str, side: str) -> str:
    return derived_id(session.public_id, f"area:{area}:{side}")


def performed_at(session: TreatmentSession) -> dt.datetime:
    value = session.effective("performed_at")
    return dt.datetime.fromisoformat(value) if isinstance(value, str) else session.performed_at


def _status(session: TreatmentSession) -> str:
    return "completed" if session.is_signed else "in-progress"


def to_procedure(ctx: ExportContext, area: SessionArea) -> dict[str, Any]:
    session = area.session
    resource: dict[str, Any] = {
        "resourceType": "Procedure",
        "id": procedure_id(session, area.area, area.side),
        "meta": record_meta(session),
        "status": _status(session),
        "code": concept(local("procedure", "mesotherapy"), text=session.protocol or None),
        "subject": ref("Patient", session.patient.public_id),
        "encounter": ref("Encounter", session.public_id),
        "performedDateTime": instant(performed_at(session)),
        "bodySite": [body_site(area.area, area.side)],
        "reasonCode": [concept(local("indication", session.effective("indication")))],
    }
    performer = ctx.practitioner(session.practitioner_id)
    if performer is not None:
        resource["performer"] = [{"actor": performer, "onBehalfOf": ctx.organization()}]
    if session.plan is not None:
        resource["basedOn"] = [ref("CarePlan", session.plan.public_id)]
    return resource


def area_rows(ctx: ExportContext) -> QuerySet[SessionArea]:
    return (
        ctx.changed(
            SessionArea.objects.filter(session__clinic=ctx.clinic), TreatmentSession, "session__"
        )
        .select_related("session", "session__patient", "session__plan")
        .defer(*_unused_of_session())
        .prefetch_related(prefetch_amendments("session__"))
    )


def procedures(ctx: ExportContext) -> Iterator[dict[str, Any]]:
    rows = area_rows(ctx).order_by("id").iterator(chunk_size=1000)
    for area in rows:
        yield to_procedure(ctx, area)


def _dosage(line: Injection, session: TreatmentSession) -> dict[str, Any]:
    notes = []
    if line.points:
        notes.append(f"{line.points} points")
    depth = line.depth_mm if line.depth_mm is not None else session.depth_mm
    if depth is not None:
        notes.append(f"depth {number(depth)} mm")
    if session.needle:
        notes.append(f"needle {session.needle}")
    dosage: dict[str, Any] = {
        "site": body_site(line.area, line.side),
        "route": concept(local("route", "injection")),
        "dose": quantity(number(line.volume_ml), ML),
    }
    technique = line.technique or session.technique
    if technique:
        dosage["method"] = concept(local("technique", technique))
    if notes:
        dosage["text"] = "; ".join(notes)
    return dosage


def _map_mark(mark: Mark) -> dict[str, Any]:
    return {
        "url": MAP_MARK_EXTENSION,
        "extension": [
            {"url": "diagram", "valueCoding": local("diagram", mark.diagram)},
            {"url": "x", "valueDecimal": number(mark.x)},
            {"url": "y", "valueDecimal": number(mark.y)},
            {"url": "kind", "valueCode": mark.kind},
        ],
    }


def _line_marks(line: Injection) -> list[Mark]:
    points: list[InjectionMapPoint] | None = getattr(line, MAP_POINTS, None)
    if points is None:
        points = list(line.map_points.order_by("id"))
    return marks_in_effect(line, points, line.session.amendment_rows())


def to_administration(ctx: ExportContext, line: Injection) -> dict[str, Any]:
    session = line.session
    resource: dict[str, Any] = {
        "resourceType": "MedicationAdministration",
        "id": str(line.public_id),
        "meta": record_meta(session),
        "status": "completed" if session.is_signed else "in-progress",
        "subject": ref("Patient", session.patient.public_id),
        "context": ref("Encounter", session.public_id),
        "partOf": [ref("Procedure", procedure_id(session, line.area, line.side))],
        "effectiveDateTime": instant(performed_at(session)),
        "dosage": _dosage(line, session),
    }
    marks = _line_marks(line)
    if marks:
        site = resource["dosage"]["site"]
        site["extension"] = [*site.get("extension", []), *(_map_mark(m) for m in marks)]
    if line.lot is not None:
        # The lot is the Medication: a recall is a search on the lot's Medication.
        resource["medicationReference"] = ref("Medication", line.lot.public_id)
    else:
        resource["contained"] = [
            {"id": "product", **medication(line.product, expiry=line.lot_expiry)}
        ]
        resource["medicationReference"] = {"reference": "#product"}
    performer = ctx.practitioner(session.practitioner_id)
    if performer is not None:
        resource["performer"] = [{"actor": performer}]
    return resource


def administration_rows(ctx: ExportContext) -> QuerySet[Injection]:
    """The clinic's injection lines in effect (a corrected line replaced by its correction)."""
    # A correction is an amendment of the session, so its line counts as changed then.
    lines = ctx.changed(
        Injection.objects.in_effect().filter(clinic=ctx.clinic), TreatmentSession, "session__"
    )
    return (
        lines.select_related("session", "session__patient", "product", "lot")
        .defer("extra", *_unused_of_session())
        .prefetch_related(
            prefetch_amendments("session__"),
            "product__ingredients",
            Prefetch(
                "map_points", queryset=InjectionMapPoint.objects.order_by("id"), to_attr=MAP_POINTS
            ),
        )
    )


def medication_administrations(ctx: ExportContext) -> Iterator[dict[str, Any]]:
    rows = administration_rows(ctx).order_by("id").iterator(chunk_size=1000)
    for line in rows:
        yield to_administration(ctx, line)
