"""The app's URLs plus two views that change a signed session past the page's own checks, as
a race between a page's check and its save would: one through the ORM guard, one through
``QuerySet.update()`` (only the database trigger stops it), and one whose write the database
rolls back as it does a deadlock's loser. For test_refusal_page.py."""

from __future__ import annotations

from uuid import UUID

from django.db import OperationalError, connection, transaction
from django.http import HttpRequest, HttpResponse
from django.urls import path

from mesoclinic.patients.models import Patient
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


def conflicting_write(request: HttpRequest, public_id: UUID) -> HttpResponse:
    with transaction.atomic():
        Patient.objects.filter(public_id=public_id).update(given_name="Changed")
        if connection.vendor == "postgresql":
            # The very error PostgreSQL raises in the transaction it picks to break a deadlock.
            with connection.cursor() as cursor:
                cursor.execute(
                    "DO $$ BEGIN RAISE EXCEPTION 'deadlock detected' USING ERRCODE = '40P01'; "
                    "END $$"
                )
        # SQLite's, when another writer held the database past the busy timeout.
        raise OperationalError("database is locked")


urlpatterns = [
    path("test/conflict/<uuid:public_id>/", conflicting_write, name="test_conflicting_write"),
    path("test/save-signed/<uuid:public_id>/", save_signed, name="test_save_signed"),
    path("test/update-signed/<uuid:public_id>/", update_signed, name="test_update_signed"),
    *app_urlpatterns,
]
