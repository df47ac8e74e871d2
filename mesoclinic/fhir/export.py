"""Writing a clinic's records as FHIR R4 NDJSON: one file per resource type, one resource a line.

Every mapper streams (querysets read with ``.iterator()``, related rows fetched per chunk), so
memory does not grow with the clinic. The files are written under temporary names and renamed
only once all are complete and the export is in the audit trail: a failed export leaves no
file under a final name.
"""

from __future__ import annotations

import datetime as dt
import json
import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.db import transaction

from mesoclinic.audit.choices import Action
from mesoclinic.audit.services import record as audit_record
from mesoclinic.clinics.models import Clinic
from mesoclinic.fhir.adverse_event import adverse_events
from mesoclinic.fhir.careplan import care_plans
from mesoclinic.fhir.codes import code_system
from mesoclinic.fhir.consent import consents
from mesoclinic.fhir.context import ExportContext
from mesoclinic.fhir.encounter import encounters
from mesoclinic.fhir.media import media
from mesoclinic.fhir.medication import medications
from mesoclinic.fhir.observation import observations
from mesoclinic.fhir.organization import organizations, practitioner_roles, practitioners
from mesoclinic.fhir.patient import allergy_intolerances, medication_statements, patients
from mesoclinic.fhir.procedure import medication_administrations, procedures
from mesoclinic.fhir.provenance import provenances
from mesoclinic.fhir.questionnaire import questionnaire_responses, questionnaires

Mapper = Callable[[ExportContext], Iterator[dict[str, Any]]]


def code_systems(ctx: ExportContext) -> Iterator[dict[str, Any]]:
    yield code_system()


# Every resource type exported, in an order where a resource comes after those it references.
MAPPERS: dict[str, Mapper] = {
    "CodeSystem": code_systems,
    "Organization": organizations,
    "Practitioner": practitioners,
    "PractitionerRole": practitioner_roles,
    "Patient": patients,
    "AllergyIntolerance": allergy_intolerances,
    "MedicationStatement": medication_statements,
    "Questionnaire": questionnaires,
    "Encounter": encounters,
    "QuestionnaireResponse": questionnaire_responses,
    "Consent": consents,
    "CarePlan": care_plans,
    "Medication": medications,
    "Procedure": procedures,
    "MedicationAdministration": medication_administrations,
    "Observation": observations,
    "AdverseEvent": adverse_events,
    "Media": media,
    "Provenance": provenances,
}
RESOURCE_TYPES: tuple[str, ...] = tuple(MAPPERS)
PROGRESS_EVERY = 10_000


class ExportError(Exception):
    """The export cannot run as asked; the message says why (and names no patient)."""


def parse_types(text: str | None) -> tuple[str, ...]:
    """``--type Patient,Observation`` as resource types; every type when none is given."""
    if not text:
        return RESOURCE_TYPES
    asked = [t.strip() for t in text.split(",") if t.strip()]
    unknown = [t for t in asked if t not in MAPPERS]
    if unknown:
        raise ExportError(
            f"--type: unknown resource type(s) {', '.join(unknown)}; "
            f"choose from {', '.join(RESOURCE_TYPES)}."
        )
    return tuple(t for t in RESOURCE_TYPES if t in asked)


def resources(
    clinic: Clinic, resource_type: str, since: dt.datetime | None = None, fhir_base: str = ""
) -> Iterator[dict[str, Any]]:
    """The clinic's resources of one type, mapped one record at a time."""
    return MAPPERS[resource_type](ExportContext(clinic=clinic, since=since, fhir_base=fhir_base))


@dataclass
class ExportResult:
    counts: dict[str, int] = field(default_factory=dict)
    paths: list[Path] = field(default_factory=list)

    @property
    def total(self) -> int:
        return sum(self.counts.values())


def _write(
    path: Path, rows: Iterator[dict[str, Any]], progress: Callable[[str], None], name: str
) -> int:
    count = 0
    with path.open("w", encoding="utf-8") as out:
        for resource in rows:
            out.write(json.dumps(resource, ensure_ascii=False, separators=(",", ":")))
            out.write("\n")
            count += 1
            if count % PROGRESS_EVERY == 0:
                progress(f"{name}: {count} resources")
    return count


def export_fhir(
    directory: str | os.PathLike[str],
    clinic: Clinic,
    *,
    types: tuple[str, ...] = RESOURCE_TYPES,
    since: dt.datetime | None = None,
    progress: Callable[[str], None] = lambda _: None,
    user: Any = None,
) -> ExportResult:
    """Write ``<Type>.ndjson`` for each of ``types`` into ``directory`` (created if missing)."""
    target = Path(directory)
    if target.exists() and not target.is_dir():
        raise ExportError(f"{target} exists and is not a folder.")
    target.mkdir(parents=True, exist_ok=True)
    ctx = ExportContext(clinic=clinic, since=since)
    result = ExportResult()
    temporary: list[tuple[Path, Path]] = []
    try:
        for name in types:
            final = target / f"{name}.ndjson"
            partial = target / f".{name}.ndjson.partial"
            temporary.append((partial, final))
            progress(f"{name}: writing")
            result.counts[name] = _write(partial, MAPPERS[name](ctx), progress, name)
            progress(f"{name}: {result.counts[name]} resources")
        detail = f"FHIR R4 NDJSON: {result.total} resources of {len(types)} types" + (
            f" changed since {since.isoformat()}" if since is not None else ""
        )
        with transaction.atomic():
            audit_record(None, Action.EXPORT, clinic=clinic, user=user, detail=detail)
        for partial, final in temporary:
            os.replace(partial, final)
            result.paths.append(final)
    finally:
        for partial, _ in temporary:
            partial.unlink(missing_ok=True)
    return result
