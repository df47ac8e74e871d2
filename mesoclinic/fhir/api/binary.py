"""``Binary/<id>``: the pixels of a clinical photo, the ``content.url`` of its Media.

The same check as a Media read (a token of the photo's clinic, a role that reads clinical
records, a scope that includes Media: ``Media.read`` suffices, no Binary scope is needed), the
same 404 for a photo whose consent is withdrawn or of another clinic, and an audit event per
read, as the staff photo view records one. The answer is the stored re-encoded bytes (no EXIF,
GPS or camera serial) with the image's Content-Type, never cached; asked for FHIR JSON
(``_format=json`` or ``Accept: application/fhir+json``) it is the Binary resource instead."""

from __future__ import annotations

import base64
import uuid

from django.http import HttpRequest, HttpResponse

from mesoclinic.audit.choices import Action
from mesoclinic.audit.services import record_for_patients
from mesoclinic.fhir.api.outcome import FhirError, fhir_response
from mesoclinic.fhir.api.registry import TYPES
from mesoclinic.fhir.api.views import JSON_FORMATS, access_for, raw_endpoint
from mesoclinic.fhir.media import photo_bytes
from mesoclinic.photos.services import shown_photos
from mesoclinic.uploads.serving import private_image_response


def _wants_json(request: HttpRequest) -> bool:
    asked = request.GET.get("_format")
    if asked is not None:
        return asked.strip().lower() in JSON_FORMATS
    return "fhir+json" in request.headers.get("Accept", "").lower()


@raw_endpoint
def binary_read(request: HttpRequest, resource_id: str) -> HttpResponse:
    access = access_for(request, TYPES["Media"])
    try:
        public_id = uuid.UUID(resource_id)
    except ValueError:
        raise FhirError(404, "No Binary has this id.") from None
    photo = shown_photos(access.clinic).filter(public_id=public_id).first()
    content = None if photo is None else photo_bytes(photo)
    if photo is None or content is None:
        # Withdrawn, of another clinic, or never: which one is not said.
        raise FhirError(404, "No Binary has this id.")
    client = access.client
    record_for_patients(
        request,
        Action.VIEW,
        clinic=access.clinic,
        patient_ids=[photo.patient_id],
        username=f"fhir:{client.name}",
        object_type="fhir:Binary",
        object_id=resource_id,
        detail=f"FHIR read by client {client.public_id}: Binary (clinical photo)",
    )
    if _wants_json(request):
        response = fhir_response(
            {
                "resourceType": "Binary",
                "id": str(photo.public_id),
                "contentType": photo.content_type,
                "data": base64.b64encode(content).decode(),
            }
        )
        response["Cache-Control"] = "no-store"
        return response
    extension = "png" if photo.content_type == "image/png" else "jpg"
    response = private_image_response(
        content,
        content_type=photo.content_type,
        filename=f"clinical-photo-{photo.public_id}.{extension}",
    )
    # never_cache's headers, and no-store first: the picture is kept by no cache at all.
    response["Cache-Control"] = "no-store, no-cache, must-revalidate, private, max-age=0"
    return response
