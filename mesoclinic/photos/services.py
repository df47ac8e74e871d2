"""Taking a photo under the patient's photo consent, hiding photos when it is withdrawn, and
what the comparison of two photos prints under them."""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass
from decimal import Decimal

from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from mesoclinic.audit.choices import Action
from mesoclinic.audit.services import record
from mesoclinic.clinics.models import Clinic, Membership
from mesoclinic.clinics.roles import Perm
from mesoclinic.consent.models import Consent
from mesoclinic.outcomes.models import Measurement
from mesoclinic.patients.models import Patient
from mesoclinic.photos.models import ClinicalPhoto
from mesoclinic.photos.protocol import VIEWS
from mesoclinic.photos.thumbnails import thumbnail_jpeg
from mesoclinic.records.models import prefetch_amendments
from mesoclinic.treatments.models import TreatmentSession
from mesoclinic.uploads.fields import CleanImageFile

NO_PHOTO_CONSENT = _(
    "This patient has no signed consent to clinical photographs (or it was withdrawn): "
    "no photo can be taken. Record a consent with photo consent first."
)


class PhotoRefusedError(Exception):
    """A photo that may not be taken; the message is for the person taking it."""


def _consent_allows_photos(consent: Consent) -> bool:
    # Withdrawal and corrections of a signed consent are amendments: read the effective values.
    return bool(consent.effective("photo_consent")) and not consent.is_withdrawn


def photo_consent(membership: Membership, patient: Patient) -> Consent | None:
    """The patient's newest signed consent that allows photographs and is not withdrawn."""
    consents = (
        Consent.objects.restrict(membership, Perm.VIEW_CLINICAL)
        .filter(patient=patient, signed_at__isnull=False)
        .order_by("-signed_at")
    )
    return next((c for c in consents if _consent_allows_photos(c)), None)


def visible_photos(membership: Membership, patient: Patient) -> list[ClinicalPhoto]:
    """The patient's photos staff may see: only those whose consent still allows photographs.
    A withdrawn consent hides every photo taken under it (the rows and the audit stay)."""
    photos = list(
        ClinicalPhoto.objects.restrict(membership, Perm.VIEW_CLINICAL)
        .filter(patient=patient)
        .select_related("consent", "session")
        .order_by("taken_on", "created_at")
    )
    allowed: dict[int, bool] = {}
    for photo in photos:
        if photo.consent_id not in allowed:
            allowed[photo.consent_id] = _consent_allows_photos(photo.consent)
    return [p for p in photos if allowed[p.consent_id]]


def visible_photo(membership: Membership, public_id: uuid.UUID) -> ClinicalPhoto | None:
    """One photo by its public id, if the member's clinic holds it and its consent allows it."""
    photo = (
        ClinicalPhoto.objects.restrict(membership, Perm.VIEW_CLINICAL)
        .select_related("consent")
        .filter(public_id=public_id)
        .first()
    )
    if photo is None or not _consent_allows_photos(photo.consent):
        return None
    return photo


def shown_photos(clinic: Clinic) -> QuerySet[ClinicalPhoto]:
    """Every photo of the clinic whose consent still allows photographs, for a reader that is
    no member (the FHIR API, after its own token and role check). A withdrawn consent hides
    its photos here as on every page. The consents are few, read once with their amendments
    (withdrawal is an amendment, so it cannot be filtered in SQL)."""
    photos = ClinicalPhoto.objects.for_clinic(clinic)
    consents = (
        Consent.objects.for_clinic(clinic)
        .filter(pk__in=photos.values("consent"))
        .prefetch_related(prefetch_amendments())
    )
    allowed = [c.pk for c in consents if _consent_allows_photos(c)]
    return photos.filter(consent__in=allowed)


def session_day(session: TreatmentSession) -> dt.date:
    """The visit's day in the clinic's zone, whatever zone is active: a photo taken from a
    command or a test, or read under another zone, keeps the visit's own day."""
    return session.clinic.day_of(session.performed_at)


def take_photo(
    request: HttpRequest | None,
    membership: Membership,
    session: TreatmentSession,
    view: str,
    image: CleanImageFile,
) -> ClinicalPhoto:
    """Store one view of the visit: the re-encoded picture and its thumbnail, under the
    patient's photo consent, audited in the same transaction."""
    if view not in VIEWS:
        raise PhotoRefusedError(_("Choose one of the standard views."))
    if not membership.has(Perm.EDIT_CLINICAL):
        raise PhotoRefusedError(_("Only a practitioner or a nurse can take clinical photos."))
    consent = photo_consent(membership, session.patient)
    if consent is None:
        raise PhotoRefusedError(NO_PHOTO_CONSENT)
    clean = image.image
    # The thumbnail's name is a new UUID too: nothing of the upload's name is ever kept.
    thumb = ContentFile(thumbnail_jpeg(clean.content), name=f"{uuid.uuid4().hex}.jpg")
    with transaction.atomic():
        photo = ClinicalPhoto(
            clinic=session.clinic,
            patient=session.patient,
            session=session,
            consent=consent,
            view=view,
            taken_on=session_day(session),
            content_type=clean.content_type,
            width_px=clean.width_px,
            height_px=clean.height_px,
            created_by=membership.user,
        )
        photo.image.save(str(image.name), image, save=False)
        photo.thumbnail.save(str(thumb.name), thumb, save=False)
        photo.save()
        record(request, Action.CREATE, obj=photo, detail="clinical photo")
    return photo


@dataclass(frozen=True)
class Between:
    """What happened between two photos' days: the sessions and the weight change."""

    sessions: int
    weight_before_kg: Decimal | None
    weight_after_kg: Decimal | None

    @property
    def weight_change_kg(self) -> Decimal | None:
        if self.weight_before_kg is None or self.weight_after_kg is None:
            return None
        return self.weight_after_kg - self.weight_before_kg


def _weight_on(membership: Membership, patient: Patient, day: dt.date) -> Decimal | None:
    measurement = (
        Measurement.objects.restrict(membership, Perm.VIEW_CLINICAL)
        .filter(patient=patient, kind="weight_kg", measured_on__lte=day)
        .order_by("-measured_on", "-created_at")
        .first()
    )
    return None if measurement is None else measurement.value


def between(membership: Membership, patient: Patient, first: dt.date, second: dt.date) -> Between:
    """Sessions performed from the first photo's day up to (not including) the second's, and
    the latest measured weight on or before each day."""
    start, end = sorted((first, second))
    sessions = [
        s
        for s in TreatmentSession.objects.restrict(membership, Perm.VIEW_CLINICAL).filter(
            patient=patient, signed_at__isnull=False
        )
        if start <= session_day(s) < end
    ]
    return Between(
        sessions=len(sessions),
        weight_before_kg=_weight_on(membership, patient, start),
        weight_after_kg=_weight_on(membership, patient, end),
    )
