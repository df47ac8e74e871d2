"""Clinical photos: one standard view of a patient taken at a visit."""

from __future__ import annotations

import os
from pathlib import Path

from django.conf import settings
from django.core.files.storage import FileSystemStorage, Storage, storages
from django.db import models
from django.utils.deconstruct import deconstructible

from mesoclinic.photos.protocol import VIEWS
from mesoclinic.records.models import ClinicalRecord

# The name of the storage a deployment may configure in settings.STORAGES (S3-compatible,
# docs/photos.md); without it the photos are files under the private var directory.
STORAGE_ALIAS = "clinical_photos"


@deconstructible
class PrivateClinicalPhotoStorage(FileSystemStorage):
    """Files under CLINICAL_PHOTO_ROOT, never under static or a public media URL: staff see a
    photo only through the view that checks the clinic, the role and the consent."""

    def __init__(self) -> None:
        super().__init__(base_url=None)

    @property
    def base_location(self) -> str:
        default = Path(settings.VAR_DIR) / "private" / "photos"
        return str(getattr(settings, "CLINICAL_PHOTO_ROOT", default))

    @property
    def location(self) -> str:
        return os.path.abspath(self.base_location)

    def url(self, name: str | None) -> str:
        # No address outside the audited view exists, so nothing can link to a file directly.
        raise ValueError("clinical photos have no public URL; serve them with photos:image")


def photo_storage() -> Storage:
    """The configured private storage (STORAGES["clinical_photos"]), else local files."""
    if STORAGE_ALIAS in settings.STORAGES:
        return storages[STORAGE_ALIAS]
    return PrivateClinicalPhotoStorage()


VIEW_CHOICES = [(code, view.label) for code, view in VIEWS.items()]


class ClinicalPhoto(ClinicalRecord):
    """One standard view (frontal, left oblique…) of a patient photographed at a visit, under
    the signed consent with photo consent it was taken under. Only the re-encoded pixels are
    stored (uploads.intake: no EXIF, GPS or camera serial), with a thumbnail. Retaking a view
    adds a photo; the newest of a visit's view is the one shown. When the consent is
    withdrawn the photo is hidden from every page (the audit trail keeps its record)."""

    patient = models.ForeignKey(
        "patients.Patient", on_delete=models.PROTECT, related_name="clinical_photos"
    )
    session = models.ForeignKey(
        "treatments.TreatmentSession", on_delete=models.PROTECT, related_name="clinical_photos"
    )
    consent = models.ForeignKey(
        "consent.Consent", on_delete=models.PROTECT, related_name="clinical_photos"
    )
    view = models.CharField(max_length=40, choices=VIEW_CHOICES)
    taken_on = models.DateField(help_text="the visit's day in the clinic's zone")
    image = models.FileField(storage=photo_storage, upload_to="photos/%Y/%m/", max_length=200)
    thumbnail = models.FileField(storage=photo_storage, upload_to="thumbs/%Y/%m/", max_length=200)
    content_type = models.CharField(max_length=30)
    width_px = models.PositiveIntegerField()
    height_px = models.PositiveIntegerField()

    class Meta:
        ordering = ["taken_on", "created_at"]
        indexes = [models.Index(fields=["clinic", "patient", "view"], name="photo_patient_view")]

    def __str__(self) -> str:
        return f"{self.view} on {self.taken_on}"
