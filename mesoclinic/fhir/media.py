"""Media: a clinical photo (one standard view of a patient at a visit), and its pixels.

A photo is served only while the consent it was taken under still allows photographs
(``photos.services.shown_photos``): a withdrawn consent hides it from read, search and every
export, as on the staff pages. The resource carries no pixels: ``content.url`` is the
``Binary/<id>`` read of the same id, relative to the FHIR base, which serves the stored
re-encoded bytes (no EXIF, GPS or camera serial) after the same token and role check.
``content.hash`` is the SHA-1 of exactly those bytes (R4 Attachment.hash), base64.
"""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Iterator
from typing import Any

from django.db.models import QuerySet

from mesoclinic.fhir.codes import MEDIA_TYPE, PHOTO_VIEWS, coding, concept, local
from mesoclinic.fhir.context import ExportContext, instant, meta, ref
from mesoclinic.photos.models import ClinicalPhoto
from mesoclinic.photos.services import shown_photos


def photo_bytes(photo: ClinicalPhoto) -> bytes | None:
    """The stored picture, or None when its file is missing (a restore without the files)."""
    try:
        with photo.image.open("rb") as handle:
            content: bytes = handle.read()
    except OSError:
        return None
    return content


def sha1_base64(content: bytes) -> str:
    # R4 Attachment.hash: "The calculated hash of the data using SHA-1. Represented using
    # base64." SHA-1 is what the standard names; it identifies the bytes, it secures nothing.
    return base64.b64encode(hashlib.sha1(content, usedforsecurity=False).digest()).decode()


def _title(photo: ClinicalPhoto) -> str:
    return f"{PHOTO_VIEWS.get(photo.view, photo.view)}, {photo.taken_on.isoformat()}"


def to_media(ctx: ExportContext, photo: ClinicalPhoto) -> dict[str, Any]:
    extension = "png" if photo.content_type == "image/png" else "jpg"
    content: dict[str, Any] = {
        "contentType": photo.content_type,
        "title": f"clinical-photo-{photo.public_id}.{extension}",
        "creation": instant(photo.created_at),
    }
    if ctx.fhir_base:
        # Over HTTP only: a command-line export knows no address where it will be read.
        content["url"] = f"{ctx.fhir_base}Binary/{photo.public_id}"
    stored = photo_bytes(photo)
    if stored is not None:
        content["size"] = len(stored)
        content["hash"] = sha1_base64(stored)
    resource: dict[str, Any] = {
        "resourceType": "Media",
        "id": str(photo.public_id),
        "meta": meta(photo.version, photo.updated_at),
        "status": "completed",
        "type": concept(coding(MEDIA_TYPE, "image", "Image")),
        "view": concept(local("photo-view", photo.view), text=PHOTO_VIEWS.get(photo.view)),
        "subject": ref("Patient", photo.patient.public_id),
        "encounter": ref("Encounter", photo.session.public_id),
        "createdDateTime": instant(photo.created_at),
        "width": photo.width_px,
        "height": photo.height_px,
        "note": [{"text": _title(photo)}],
        "content": content,
    }
    operator = ctx.practitioner(photo.created_by_id)
    if operator is not None:
        resource["operator"] = operator
    return resource


def media_rows(ctx: ExportContext) -> QuerySet[ClinicalPhoto]:
    rows = shown_photos(ctx.clinic).select_related("patient", "session")
    return rows.filter(**ctx.since_filter())


def media(ctx: ExportContext) -> Iterator[dict[str, Any]]:
    for photo in media_rows(ctx).order_by("id").iterator(chunk_size=200):
        yield to_media(ctx, photo)
