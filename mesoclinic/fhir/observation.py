"""Observation: every measurement (weight, girths, fat thickness, outcome scales), and the
weight and height taken at a consultation.

Codes: LOINC where one exists (``codes.measurement_loinc``), always with the mesoclinic code
of the kind; UCUM units; the area as ``bodySite`` with its laterality; the treated/control
role as a component; the rater as the performer (the patient for a patient-rated scale).
"""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db.models import QuerySet

from mesoclinic.clinical_codes import MEASUREMENT_KINDS, SITE_ROLES
from mesoclinic.consultations.models import Consultation
from mesoclinic.fhir.codes import (
    LOINC_HEIGHT,
    LOINC_WEIGHT,
    OBSERVATION_CATEGORY,
    SCORE,
    UNITS,
    Unit,
    body_site,
    coding,
    concept,
    local,
    measurement_loinc,
    observation_category,
    quantity,
)
from mesoclinic.fhir.context import (
    ExportContext,
    derived_id,
    instant,
    meta,
    number,
    record_meta,
    ref,
)
from mesoclinic.fhir.encounter import consultations
from mesoclinic.outcomes.models import Measurement

# What to_observation reads of a measurement (and of its patient and session, their ids).
MEASUREMENT_READ = (
    "public_id",
    "version",
    "updated_at",
    "kind",
    "value",
    "area",
    "side",
    "measured_on",
    "scale_version",
    "rater",
    "rated_by",
    "site_role",
    "patient",
    "session",
)


def _category(code: str) -> list[dict[str, Any]]:
    return [concept(coding(OBSERVATION_CATEGORY, code))]


def value_of(kind: str, value: Decimal) -> dict[str, Any]:
    """``valueQuantity`` in UCUM for a measure; ``valueInteger`` for a whole-number scale; a
    {score} quantity for the 0–10 scales that allow decimals."""
    spec = MEASUREMENT_KINDS[kind]
    if kind in UNITS:
        return {"valueQuantity": quantity(number(value), UNITS[kind])}
    if spec.integer:
        return {"valueInteger": int(value)}
    return {"valueQuantity": quantity(number(value), SCORE)}


def to_observation(ctx: ExportContext, m: Measurement) -> dict[str, Any]:
    spec = MEASUREMENT_KINDS[m.kind]
    codings = [c for c in (measurement_loinc(m.kind, m.area),) if c is not None]
    codings.append(local("measure", m.kind))
    resource: dict[str, Any] = {
        "resourceType": "Observation",
        "id": str(m.public_id),
        "meta": meta(m.version, m.updated_at),
        "status": "final",
        "category": _category(observation_category(m.kind, m.rater)),
        "code": concept(*codings, text=spec.label),
        "subject": ref("Patient", m.patient.public_id),
        "effectiveDateTime": m.measured_on.isoformat(),
        **value_of(m.kind, m.value),
    }
    if m.session is not None:
        resource["encounter"] = ref("Encounter", m.session.public_id)
    if m.area:
        resource["bodySite"] = body_site(m.area, m.side)
    if m.scale_version:
        resource["method"] = concept(text=m.scale_version)
    if m.rater == "patient":
        resource["performer"] = [ref("Patient", m.patient.public_id)]
    elif m.rated_by_id is not None:
        performer = ctx.practitioner(m.rated_by_id)
        if performer is not None:
            resource["performer"] = [performer]
    if m.site_role:
        resource["component"] = [
            {
                "code": concept(local("component", "site-role")),
                "valueCodeableConcept": concept(
                    local("site-role", m.site_role), text=SITE_ROLES[m.site_role]
                ),
            }
        ]
    return resource


def _decimal(value: Any) -> Decimal | None:
    if value in (None, ""):
        return None
    try:
        return Decimal(str(value))
    except InvalidOperation:
        return None


# The consultation fields taken as an Observation, with their code and unit.
CONSULTATION_MEASURES: dict[str, tuple[dict[str, Any], Unit]] = {
    "weight_kg": (LOINC_WEIGHT, UNITS["weight_kg"]),
    "height_cm": (LOINC_HEIGHT, Unit("cm", "cm")),
}


def consultation_observation(
    ctx: ExportContext, c: Consultation, field: str
) -> dict[str, Any] | None:
    """Body weight or height (``field``) as taken at the consultation (amended values when
    amended); None when it was not taken."""
    loinc, unit = CONSULTATION_MEASURES[field]
    value = _decimal(c.effective(field))
    if value is None:
        return None
    resource: dict[str, Any] = {
        "resourceType": "Observation",
        "id": derived_id(c.public_id, field),
        "meta": record_meta(c),
        "status": "final" if c.is_signed else "preliminary",
        "category": _category("vital-signs"),
        "code": concept(loinc, text=loinc["display"]),
        "subject": ref("Patient", c.patient.public_id),
        "encounter": ref("Encounter", c.public_id),
        "effectiveDateTime": instant(c.consulted_at),
        "valueQuantity": quantity(number(value), unit),
    }
    performer = ctx.practitioner(c.clinician_id, c.clinician_name)
    if performer is not None:
        resource["performer"] = [performer]
    return resource


def consultation_observations(ctx: ExportContext, c: Consultation) -> Iterator[dict[str, Any]]:
    """Body weight and height as taken at the consultation (amended values when amended)."""
    for field in CONSULTATION_MEASURES:
        resource = consultation_observation(ctx, c, field)
        if resource is not None:
            yield resource


def measurement_rows(ctx: ExportContext) -> QuerySet[Measurement]:
    """The clinic's measurements with what ``to_observation`` reads, unordered."""
    return (
        Measurement.objects.for_clinic(ctx.clinic)
        .filter(**ctx.since_filter())
        .select_related("patient", "session")
        .only(*MEASUREMENT_READ, "patient__public_id", "session__public_id")
    )


def observations(ctx: ExportContext) -> Iterator[dict[str, Any]]:
    rows = measurement_rows(ctx).order_by("id").iterator(chunk_size=2000)
    for m in rows:
        yield to_observation(ctx, m)
    for consultation in consultations(ctx):
        yield from consultation_observations(ctx, consultation)
