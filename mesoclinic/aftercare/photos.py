"""The check-in photo as staff get it, and the rewrite of photos stored before the intake.

Since uploads.intake, a photo is stored only as its re-encoded pixels (``photo_reencoded``).
A photo stored before that still holds the bytes the patient sent (EXIF location, camera
serial, anything appended). It is never sent as it is: ``servable_photo`` re-encodes it on
every view, and ``reencode-photos`` replaces it on disk with its re-encoded pixels
(docs/uploads.md).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction
from django.db.models import F, Q

from mesoclinic.aftercare.models import CheckInResponse
from mesoclinic.audit.choices import Action
from mesoclinic.audit.services import record
from mesoclinic.clinics.models import Clinic
from mesoclinic.uploads.fields import CleanImageFile, max_pixels_setting
from mesoclinic.uploads.intake import CleanImage, ImageRejectedError, reencode


def _read(answer: CheckInResponse) -> bytes | None:
    try:
        with answer.photo.open("rb") as handle:
            content: bytes = handle.read()
    except FileNotFoundError:
        return None
    return content


def _reencoded(content: bytes) -> CleanImage | None:
    try:
        return reencode(content, max_pixels=max_pixels_setting())
    except ImageRejectedError:
        return None


def servable_photo(answer: CheckInResponse) -> tuple[bytes, str] | None:
    """The photo's bytes and content type as they may be sent to staff, or None when the
    file is missing or (stored before the intake) cannot be re-encoded."""
    content = _read(answer)
    if content is None:
        return None
    if answer.photo_reencoded:
        return content, answer.photo_content_type
    image = _reencoded(content)
    return (image.content, image.content_type) if image is not None else None


@dataclass
class RewriteResult:
    reencoded: int = 0
    refused: int = 0
    missing: int = 0


def legacy_photos(clinic: Clinic) -> list[int]:
    """The ids of the clinic's answers whose photo is still the bytes the patient sent."""
    return list(
        CheckInResponse.objects.for_clinic(clinic)
        .filter(~Q(photo=""), photo_reencoded=False)
        .order_by("pk")
        .values_list("pk", flat=True)
    )


def rewrite_legacy_photos(clinic: Clinic, *, dry_run: bool = False) -> RewriteResult:
    """Replace each photo stored before the intake by its re-encoded pixels; the old file is
    deleted once the new one is committed. A photo that cannot be re-encoded is left in place
    (and never served) and counted as refused."""
    result = RewriteResult()
    for pk in legacy_photos(clinic):
        answer = CheckInResponse.objects.get(pk=pk)
        content = _read(answer)
        if content is None:
            result.missing += 1
            continue
        image = _reencoded(content)
        if image is None:
            result.refused += 1
            continue
        result.reencoded += 1
        if not dry_run:
            _replace(answer, image)
    return result


def _replace(answer: CheckInResponse, image: CleanImage) -> None:
    storage = answer.photo.storage
    old_name = answer.photo.name
    clean = CleanImageFile(image)
    new_name = storage.save(answer.photo.field.generate_filename(answer, clean.name), clean)
    try:
        with transaction.atomic():
            changed = CheckInResponse.objects.filter(
                pk=answer.pk, photo=old_name, photo_reencoded=False
            ).update(
                photo=new_name,
                photo_content_type=image.content_type,
                photo_reencoded=True,
                version=F("version") + 1,
            )
            if changed:
                record(None, Action.UPDATE, obj=answer, detail="aftercare photo re-encoded")
                transaction.on_commit(lambda: storage.delete(old_name))
    except BaseException:
        storage.delete(new_name)
        raise
    if not changed:
        # Another run got there first: keep its file, drop ours.
        storage.delete(new_name)
