"""A patient's photos, a visit's photo series (capture), serving a photo, and the comparison.

Practitioners and nurses take and see photos (EDIT_CLINICAL / VIEW_CLINICAL); reception,
researchers and admins never do. Another clinic's patient, visit or photo is a 404, and so is
a photo whose consent was withdrawn. Every page and every picture served is an audit event.
"""

from __future__ import annotations

import base64
import uuid
from dataclasses import dataclass

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext
from django.views.decorators.cache import never_cache

from mesoclinic.audit.choices import Action
from mesoclinic.audit.services import record
from mesoclinic.clinics.models import Membership
from mesoclinic.clinics.permissions import current_membership, requires
from mesoclinic.clinics.permissions_policy import allow_features
from mesoclinic.clinics.roles import Perm
from mesoclinic.patients.models import Patient
from mesoclinic.photos import services
from mesoclinic.photos.forms import PhotoForm
from mesoclinic.photos.models import ClinicalPhoto
from mesoclinic.photos.protocol import VIEW_SERIES, VIEWS, Series, View, series_for
from mesoclinic.photos.thumbnails import thumbnail_jpeg
from mesoclinic.treatments.models import TreatmentSession
from mesoclinic.uploads.serving import private_image_response

# Not a clinical number: the longest side of a photo on the comparison page, in pixels (the
# full picture is one audited download away).
DISPLAY_MAX_PX = 1600


def _data_uri(content: bytes, content_type: str = "image/jpeg") -> str:
    return f"data:{content_type};base64,{base64.b64encode(content).decode('ascii')}"


def thumbnail_uri(photo: ClinicalPhoto) -> str:
    """The thumbnail inside the page (a data: URI): seen only within the page's own audited
    view, with no further address to fetch, cache or share."""
    with photo.thumbnail.open("rb") as handle:
        return _data_uri(handle.read())


def display_uri(photo: ClinicalPhoto) -> str:
    """The photo scaled to the comparison's width, inside the page (a data: URI)."""
    with photo.image.open("rb") as handle:
        return _data_uri(thumbnail_jpeg(handle.read(), max_px=DISPLAY_MAX_PX))


@dataclass
class Slot:
    """One view of a visit's series: the photo taken at this visit, and the baseline (the
    patient's first photo of that view at an earlier visit) to line the new one up with."""

    view: View
    photo: ClinicalPhoto | None
    baseline: ClinicalPhoto | None
    form: PhotoForm | None

    @property
    def photo_src(self) -> str:
        return thumbnail_uri(self.photo) if self.photo else ""

    @property
    def baseline_src(self) -> str:
        return thumbnail_uri(self.baseline) if self.baseline else ""


def _patient(membership: Membership, public_id: uuid.UUID) -> Patient:
    return get_object_or_404(
        Patient.objects.restrict(membership, Perm.VIEW_CLINICAL), public_id=public_id
    )


def _series_of(session: TreatmentSession) -> list[Series]:
    return series_for(session.indication, [a.area for a in session.areas.all()])


@requires(Perm.VIEW_CLINICAL)
def patient_photos(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    """Every visit of the patient with its photos, newest visit first."""
    membership = current_membership(request)
    patient = _patient(membership, public_id)
    consent = services.photo_consent(membership, patient)
    photos = services.visible_photos(membership, patient)
    sessions = (
        TreatmentSession.objects.restrict(membership, Perm.VIEW_CLINICAL)
        .filter(patient=patient)
        .prefetch_related("areas")
        .order_by("-performed_at")
    )
    visits = []
    shown: list[ClinicalPhoto | None] = []
    for session in sessions:
        taken = _latest_by_view([p for p in photos if p.session_id == session.pk])
        groups = [
            (s, [(v, taken.get(v.code), _thumb(taken.get(v.code))) for v in s.views])
            for s in _series_of(session)
        ]
        shown += [taken.get(v.code) for s in _series_of(session) for v in s.views]
        visits.append({"session": session, "groups": groups})
    compared = sorted({p.view for p in photos}, key=list(VIEWS).index)
    record(request, Action.VIEW, obj=patient, detail="clinical photos")
    _audit_shown(request, shown, "clinical photo thumbnail")
    return render(
        request,
        "photos/patient.html",
        {
            "patient": patient,
            "consent": consent,
            "visits": visits,
            "compare_views": [VIEWS[v] for v in compared],
        },
    )


def _audit_shown(request: HttpRequest, photos: list[ClinicalPhoto | None], detail: str) -> None:
    """One audit event per photo a page shows (inside the page, so no other request sees it)."""
    for photo in photos:
        if photo is not None:
            record(request, Action.VIEW, obj=photo, detail=detail)


def _thumb(photo: ClinicalPhoto | None) -> str:
    return thumbnail_uri(photo) if photo else ""


def _latest_by_view(photos: list[ClinicalPhoto]) -> dict[str, ClinicalPhoto]:
    # Photos come oldest first: a retake of a view replaces the earlier one on the page.
    return {p.view: p for p in photos}


@requires(Perm.EDIT_CLINICAL)
# The page shows the tablet's live camera (static/photos/camera.js): the one page whose
# Permissions-Policy lets the site use the camera.
@allow_features("camera")
def capture(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    """The visit's series: each standard view with how to take it, the photo taken (if any),
    the baseline as a ghost to line up with, and an upload or camera input (with the live
    camera under the ghost where the browser allows it)."""
    membership = current_membership(request)
    session = get_object_or_404(
        TreatmentSession.objects.restrict(membership, Perm.EDIT_CLINICAL)
        .select_related("patient")
        .prefetch_related("areas"),
        public_id=public_id,
    )
    patient = session.patient
    consent = services.photo_consent(membership, patient)
    series = _series_of(session)
    choices = [(v.code, str(v.label)) for s in series for v in s.views]
    posted: PhotoForm | None = None
    status = 200
    if request.method == "POST":
        posted = PhotoForm(request.POST, request.FILES, views=choices)
        if consent is None:
            messages.error(request, services.NO_PHOTO_CONSENT)
            status = 403
        elif posted.is_valid():
            try:
                services.take_photo(
                    request,
                    membership,
                    session,
                    posted.cleaned_data["view"],
                    posted.cleaned_data["image"],
                )
            except services.PhotoRefusedError as exc:
                messages.error(request, str(exc))
                status = 400
            else:
                label = VIEWS[posted.cleaned_data["view"]].label
                messages.success(request, gettext("%(view)s photo saved.") % {"view": label})
                return redirect("photos:capture", public_id=session.public_id)
        else:
            status = 400
    photos = services.visible_photos(membership, patient)
    here = _latest_by_view([p for p in photos if p.session_id == session.pk])
    # The baseline of a view: its first photo at another, earlier visit.
    baselines: dict[str, ClinicalPhoto] = {}
    for p in photos:
        if p.session_id != session.pk and p.taken_on <= services.session_day(session):
            baselines.setdefault(p.view, p)
    groups = []
    for s in series:
        slots = []
        for view in s.views:
            form = None
            if consent is not None:
                bound = posted if posted and posted.data.get("view") == view.code else None
                form = bound or PhotoForm(views=choices, initial={"view": view.code})
                form.auto_id = f"id_{view.code}_%s"
                # Each slot's input is named by its view (several "Photo" inputs on a page).
                form.fields["image"].label = gettext("Photo: %(view)s") % {"view": view.label}
            slots.append(Slot(view, here.get(view.code), baselines.get(view.code), form))
        groups.append((s, slots))
    record(request, Action.VIEW, obj=session, detail="clinical photo series")
    for _, slots in groups:
        _audit_shown(request, [x.photo for x in slots], "clinical photo thumbnail")
        _audit_shown(request, [x.baseline for x in slots], "clinical photo ghost")
    return render(
        request,
        "photos/capture.html",
        {"session": session, "patient": patient, "consent": consent, "groups": groups},
        status=status,
    )


def _serve(request: HttpRequest, public_id: uuid.UUID, *, thumb: bool) -> HttpResponse:
    membership = current_membership(request)
    photo = services.visible_photo(membership, public_id)
    if photo is None:
        raise Http404(gettext("The photo cannot be shown."))
    stored = photo.thumbnail if thumb else photo.image
    record(
        request,
        Action.VIEW,
        obj=photo,
        detail="clinical photo thumbnail" if thumb else "clinical photo",
    )
    try:
        with stored.open("rb") as handle:
            content = handle.read()
    except OSError:
        raise Http404(gettext("The photo cannot be shown.")) from None
    content_type = "image/jpeg" if thumb else photo.content_type
    extension = "png" if content_type == "image/png" else "jpg"
    suffix = "-thumbnail" if thumb else ""
    return private_image_response(
        content,
        content_type=content_type,
        filename=f"clinical-photo-{photo.public_id}{suffix}.{extension}",
    )


@never_cache
@requires(Perm.VIEW_CLINICAL)
def image(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    """The photo's re-encoded pixels (no EXIF, GPS or serial), never cached."""
    return _serve(request, public_id, thumb=False)


@never_cache
@requires(Perm.VIEW_CLINICAL)
def thumbnail(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    """The photo's thumbnail, never cached."""
    return _serve(request, public_id, thumb=True)


@requires(Perm.VIEW_CLINICAL)
def compare(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    """Two photos of one view side by side and under a slider: the baseline and the latest
    unless two others are chosen, with the sessions and the weight change between them."""
    membership = current_membership(request)
    patient = _patient(membership, public_id)
    photos = services.visible_photos(membership, patient)
    views_taken = [v for v in VIEWS if any(p.view == v for p in photos)]
    view = request.GET.get("view", "")
    if view not in views_taken:
        view = views_taken[0] if views_taken else ""
    # One photo per visit day and view: the newest taken that day.
    of_view = list({p.taken_on: p for p in photos if p.view == view}.values())
    by_id = {str(p.public_id): p for p in of_view}
    first = by_id.get(request.GET.get("a", "")) or (of_view[0] if of_view else None)
    second = by_id.get(request.GET.get("b", "")) or (of_view[-1] if of_view else None)
    between = None
    if first and second and first.pk != second.pk:
        if second.taken_on < first.taken_on:
            first, second = second, first
        between = services.between(membership, patient, first.taken_on, second.taken_on)
    record(request, Action.VIEW, obj=patient, detail="clinical photo comparison")
    _audit_shown(request, [first, second], "clinical photo compared")
    return render(
        request,
        "photos/compare.html",
        {
            "patient": patient,
            "view": VIEWS.get(view),
            "series": VIEW_SERIES.get(view),
            "views": [VIEWS[v] for v in views_taken],
            "photos": of_view,
            "first": first,
            "second": second,
            "first_src": display_uri(first) if first else "",
            "second_src": display_uri(second) if second else "",
            "between": between,
        },
    )
