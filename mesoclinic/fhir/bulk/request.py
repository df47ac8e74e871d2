"""Reading a ``$export`` kick-off request (Bulk Data Access 2.0 §"Bulk Data Kick-off Request"):
which types, since when, in what format. Every parameter is checked; an unknown one is refused
with a 400 OperationOutcome, never silently ignored."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.http import HttpRequest
from django.utils.dateparse import parse_datetime

from mesoclinic.fhir.access import FhirAccess
from mesoclinic.fhir.export import RESOURCE_TYPES

# Bulk Data 2.0: the server SHALL support ndjson, and the three spellings mean the same.
NDJSON_FORMATS = frozenset({"application/fhir+ndjson", "application/ndjson", "ndjson"})
KNOWN_PARAMETERS = frozenset({"_outputFormat", "_type", "_since"})
# The Patient compartment (R4 CompartmentDefinition patient) among what is exported: the
# resources a Patient/$export gives. Definitions (CodeSystem, Organization, Practitioner,
# Questionnaire, Medication) belong to no patient.
PATIENT_TYPES = (
    "Patient",
    "AllergyIntolerance",
    "MedicationStatement",
    "Encounter",
    "QuestionnaireResponse",
    "Consent",
    "CarePlan",
    "Procedure",
    "MedicationAdministration",
    "Observation",
    "AdverseEvent",
    "Media",
    "Provenance",
)


class KickOffError(Exception):
    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message


@dataclass(frozen=True)
class ExportRequest:
    types: tuple[str, ...]
    since: dt.datetime | None


def parse_instant(text: str) -> dt.datetime:
    """A FHIR ``instant``: a date-time with seconds and a zone (``2026-11-01T00:00:00Z``)."""
    # A "+01:00" left unescaped in a query string arrives as " 01:00".
    text = text.strip().replace(" ", "+")
    moment = parse_datetime(text.replace("Z", "+00:00") if text.endswith("Z") else text)
    if moment is None or moment.tzinfo is None or len(text) < len("2026-11-01T00:00:00Z"):
        raise KickOffError(
            400, "invalid", "_since must be a FHIR instant with a zone, e.g. 2026-11-01T00:00:00Z."
        )
    return moment


def parse(request: HttpRequest, access: FhirAccess, level: str) -> ExportRequest:
    if "respond-async" not in request.headers.get("Prefer", ""):
        raise KickOffError(400, "invalid", "A bulk export needs the header Prefer: respond-async.")
    unknown = sorted(set(request.GET) - KNOWN_PARAMETERS)
    if unknown:
        raise KickOffError(400, "not-supported", f"Unsupported parameter(s): {', '.join(unknown)}.")
    output_format = request.GET.get("_outputFormat", "application/fhir+ndjson")
    if output_format not in NDJSON_FORMATS:
        raise KickOffError(400, "not-supported", "Only _outputFormat=application/fhir+ndjson.")
    candidates = PATIENT_TYPES if level in ("patient", "group") else RESOURCE_TYPES
    since = parse_instant(request.GET["_since"]) if request.GET.get("_since") else None
    asked_text = ",".join(request.GET.getlist("_type"))
    if asked_text:
        asked = {t.strip() for t in asked_text.split(",") if t.strip()}
        unknown_types = sorted(asked - set(candidates))
        if unknown_types:
            raise KickOffError(
                400,
                "not-supported",
                f"_type: {', '.join(unknown_types)} not exported at this level; "
                f"choose from {', '.join(candidates)}.",
            )
        refused = sorted(t for t in asked if not access.may_read(t, bulk=True))
        if refused:
            raise KickOffError(403, "forbidden", f"This client may not read {', '.join(refused)}.")
        types = tuple(t for t in candidates if t in asked)
    else:
        types = tuple(t for t in candidates if access.may_read(t, bulk=True))
    if not types:
        raise KickOffError(403, "forbidden", "This client may read none of the exported types.")
    return ExportRequest(types=types, since=since)
