"""The Media type: clinical photos, served while their consent allows photographs
(``fhir.media``); their pixels are the ``Binary/<id>`` read (``fhir.api.binary``)."""

from __future__ import annotations

from mesoclinic.fhir.api.declarations import HL7, ID, last_updated, param, patient_param
from mesoclinic.fhir.api.sources import ResourceType, Source, date_filter, each, patient_filter
from mesoclinic.fhir.media import media_rows, to_media

# A clinical photo; read only while its consent allows photographs (fhir.media).
MEDIA = ResourceType(
    "Media",
    sources=(
        Source(
            media_rows,
            each(to_media),
            {
                "patient": patient_filter("patient"),
                "created": date_filter("created", "created_at", day=False),
                "_lastUpdated": date_filter("_lastUpdated", "updated_at", day=False),
            },
        ),
    ),
    params=(
        ID,
        patient_param("Media.subject"),
        param(
            "created",
            "date",
            f"{HL7}/Media-created",
            "Media.created (when the photo was stored); prefixes eq, ne, gt, ge, lt, le; a "
            "date alone is a whole day in the clinic's time zone.",
        ),
        last_updated(),
    ),  # fmt: skip
)
