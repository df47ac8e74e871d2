"""The app's URLs plus two views that change a signed session past the page's own checks, as
a race between a page's check and its save would: one through the ORM guard, one through
``QuerySet.update()`` (only the database trigger stops it). For test_refusal_page.py."""

from __future__ import annotations

from uuid import UUID

from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.urls import path

from mesoclinic.treatments.models import TreatmentSession
from mesoclinic.urls import urlpatterns as app_urlpatterns


def save_signed(request: HttpRequest, public_id: UUID) -> HttpResponse:
    session = TreatmentSession.objects.get(public_id=public_id)
    session.notes = "changed afterwards"
    session.save()
    return HttpResponse("saved")


def update_signed(request: HttpRequest, public_id: UUID) -> HttpResponse:
    with transaction.atomic():
        TreatmentSession.objects.filter(public_id=public_id).update(notes="changed afterwards")
    return HttpResponse("saved")


urlpatterns = [
    path("test/save-signed/<uuid:public_id>/", save_signed, name="test_save_signed"),
    path("test/update-signed/<uuid:public_id>/", update_signed, name="test_update_signed"),
    *app_urlpatterns,
]
