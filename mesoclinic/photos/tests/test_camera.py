"""The live camera of the capture page: offered only under a standing photo consent, its ghost
the same baseline as the page's (read through the audited image address), and the one page
whose Permissions-Policy lets the site use the camera. The browser half is
tests/e2e/test_photo_live_camera.py."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from mesoclinic.consent.models import Consent
from mesoclinic.consent.services import withdraw_consent
from mesoclinic.photos.models import ClinicalPhoto
from mesoclinic.records.services import sign_record
from mesoclinic.treatments.models import TreatmentSession

pytestmark = pytest.mark.django_db


def _capture_page(client: Client, session: TreatmentSession) -> str:
    response = client.get(reverse("photos:capture", args=[session.public_id]))
    return str(response.content.decode())


def test_it_offers_the_live_camera_with_the_baseline_from_the_image_address(
    login, nina, patient, photo_consent, make_visit, take
):
    # given a frontal baseline at a first visit
    first = make_visit(patient, days_ago=60)
    take(nina, first, "submental_frontal")
    baseline = ClinicalPhoto.objects.get()
    # when the nurse opens the capture page of a later visit
    later = make_visit(patient, days_ago=0, signed=False)
    page = _capture_page(login(nina), later)
    # then each of the five views has a camera button and its video, the texts and the script
    assert page.count("data-camera-start") == 5
    assert page.count("<video") == 5
    assert "data-camera-texts" in page
    assert "photos/camera.js" in page
    # and the frontal ghost over the live camera is that baseline, read from its audited address
    ghost = reverse("photos:image", args=[baseline.public_id])
    assert page.count("data-ghost-src=") == 1
    assert f'data-ghost-src="{ghost}"' in page


def test_it_offers_no_camera_and_no_ghost_once_the_photo_consent_is_withdrawn(
    login, alice, nina, patient, photo_consent, make_visit, take
):
    # given a frontal baseline at a first visit
    first = make_visit(patient, days_ago=60)
    take(nina, first, "submental_frontal")
    later = make_visit(patient, days_ago=0, signed=False)
    assert "data-camera-start" in _capture_page(login(nina), later)
    # when the patient withdraws her photo consent
    photo_consent.refresh_from_db()
    withdraw_consent(None, alice, photo_consent, "No more photos", photo_consent.version)
    # then the capture page has no camera, no video and no ghost address
    page = _capture_page(login(nina), later)
    assert "data-camera-start" not in page
    assert "<video" not in page
    assert "data-camera-texts" not in page
    assert "data-ghost-src" not in page


def test_it_never_lays_a_baseline_taken_under_a_withdrawn_consent_over_the_camera(
    login, alice, nina, patient, photo_consent, make_visit, take
):
    # given a frontal baseline under a consent the patient then withdrew
    first = make_visit(patient, days_ago=60)
    take(nina, first, "submental_frontal")
    old = ClinicalPhoto.objects.get()
    photo_consent.refresh_from_db()
    withdraw_consent(None, alice, photo_consent, "Withdrawn", photo_consent.version)
    # and a new photo consent signed since
    renewed = Consent.objects.create(
        clinic=patient.clinic, patient=patient, template=photo_consent.template,
        body_snapshot=photo_consent.body_snapshot, discussed="Photographs discussed again.",
        photo_consent=True, patient_typed_name="Maria Lopez",
        patient_signed_at=timezone.now() - dt.timedelta(minutes=5), created_by=alice.user,
    )  # fmt: skip
    sign_record(renewed, alice)
    # when the nurse opens the capture page of a later visit
    later = make_visit(patient, days_ago=0, signed=False)
    page = _capture_page(login(nina), later)
    # then the camera is offered, with no ghost: the old baseline is not shown
    assert "data-camera-start" in page
    assert "data-ghost-src" not in page
    assert str(old.public_id) not in page


def test_it_lets_only_the_capture_page_use_the_camera(
    login, nina, bob, patient, photo_consent, visit
):
    # when the nurse opens the capture page
    client = login(nina)
    capture = client.get(reverse("photos:capture", args=[visit.public_id]))
    # then its Permissions-Policy lets the site's own origin use the camera, and nothing else
    assert capture.status_code == 200
    assert capture["Permissions-Policy"] == "camera=(self), microphone=(), geolocation=()"
    # while the patient's photos page denies the camera
    photos = client.get(reverse("photos:patient", args=[patient.public_id]))
    assert photos["Permissions-Policy"] == "camera=(), microphone=(), geolocation=()"
    # and so does the capture page's refusal of someone who may not take photos
    refused = login(bob).get(reverse("photos:capture", args=[visit.public_id]))
    assert refused.status_code == 403
    assert refused["Permissions-Policy"] == "camera=(), microphone=(), geolocation=()"
