"""The search parameters as the CapabilityStatement declares them (name, type, canonical
definition, what they search), and the filters most types share."""

from __future__ import annotations

from mesoclinic.fhir.api.sources import (
    Filter,
    SearchParam,
    date_filter,
    patient_filter,
)
from mesoclinic.fhir.codes import (
    CANONICAL,
)

HL7 = "http://hl7.org/fhir/SearchParameter"
LOCAL_PARAM = f"{CANONICAL}/SearchParameter"


def param(name: str, kind: str, definition: str, documentation: str) -> SearchParam:
    return SearchParam(name, kind, definition, documentation)


ID = param("_id", "token", f"{HL7}/Resource-id", "The resource's id.")


def last_updated(element: str = "meta.lastUpdated") -> SearchParam:
    return param(
        "_lastUpdated", "date", f"{HL7}/Resource-lastUpdated",
        f"When the record was last saved ({element}); prefixes eq, ne, gt, ge, lt, le.",
    )  # fmt: skip


def patient_param(element: str) -> SearchParam:
    return param(
        "patient", "reference", f"{HL7}/clinical-patient",
        f"The patient ({element}): Patient/<id> or <id>; comma-separated ids for any of them.",
    )  # fmt: skip


def date_param(element: str, definition: str = f"{HL7}/clinical-date") -> SearchParam:
    return param(
        "date", "date", definition,
        f"{element}; prefixes eq, ne, gt, ge, lt, le; a date alone is a whole day in the "
        "clinic's time zone.",
    )  # fmt: skip


def common(patient: str, date: str, day: bool, updated: str) -> dict[str, Filter]:
    return {
        "patient": patient_filter(patient),
        "date": date_filter("date", date, day=day),
        "_lastUpdated": date_filter("_lastUpdated", updated, day=False),
    }


def lot_param(type_name: str, element: str, definition: str) -> SearchParam:
    return param(
        "lot-number", "token", definition,
        f"The lot number exactly as recorded ({element}): a recall over the API.",
    )  # fmt: skip
