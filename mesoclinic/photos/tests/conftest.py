"""Fixtures of the photo tests: a patient with a signed photo consent, visits, and pictures."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Callable
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image, ImageDraw

from mesoclinic.clinics.models import Membership
from mesoclinic.consent.models import Consent
from mesoclinic.consent.services import install_default_templates
from mesoclinic.patients.models import Patient
from mesoclinic.records.services import sign_record
from mesoclinic.treatments.models import SessionArea, TreatmentSession

SERIAL = "SN-CAMERA-778899"
MAKE = "PhotoTestCam"
GPS_IFD = 0x8825
EXIF_IFD = 0x8769
BODY_SERIAL = 0xA431


def picture(size: tuple[int, int] = (120, 160), shade: int = 90) -> Image.Image:
    """A generated portrait-shaped picture: a head and neck outline on a plain background."""
    image = Image.new("RGB", size, (235, 238, 240))
    draw = ImageDraw.Draw(image)
    w, h = size
    draw.ellipse((w * 0.25, h * 0.1, w * 0.75, h * 0.6), fill=(shade + 100, shade + 60, shade + 40))
    draw.rectangle((w * 0.4, h * 0.55, w * 0.6, h * 0.9), fill=(shade + 90, shade + 55, shade + 35))
    return image


def jpeg_with_gps_and_serial(size: tuple[int, int] = (120, 160)) -> bytes:
    """A JPEG as a phone writes it: EXIF with the camera make, a GPS position and the camera
    body's serial number."""
    exif = Image.Exif()
    exif[0x010F] = MAKE
    exif[GPS_IFD] = {1: "N", 2: (51.0, 30.0, 26.0), 3: "W", 4: (0.0, 7.0, 39.0)}
    exif[EXIF_IFD] = {BODY_SERIAL: SERIAL}
    out = io.BytesIO()
    picture(size).save(out, format="JPEG", exif=exif)
    return out.getvalue()


def upload(data: bytes | None = None, name: str = "IMG_0001.jpg") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data or jpeg_with_gps_and_serial(), "image/jpeg")


@pytest.fixture
def photo_consent(patient: Patient, alice: Membership) -> Consent:
    """Maria's signed consent to lipolysis with the separate photo consent ticked."""
    template = {t.code: t for t in install_default_templates(None, patient.clinic, alice.user)}[
        "deoxycholic-submental"
    ]
    consent = Consent.objects.create(
        clinic=patient.clinic,
        patient=patient,
        template=template,
        body_snapshot=template.body,
        discussed="Risks and alternatives discussed.",
        photo_consent=True,
        patient_typed_name="Maria Lopez",
        patient_signed_at=timezone.now(),
        created_by=alice.user,
    )
    signed = sign_record(consent, alice)
    assert isinstance(signed, Consent)
    return signed


@pytest.fixture
def make_visit(alice: Membership) -> Callable[..., TreatmentSession]:
    """A submental visit of the patient ``days_ago`` days ago, signed unless asked not to."""

    def _make(
        patient: Patient, days_ago: int = 0, *, area: str = "submental", signed: bool = True
    ) -> TreatmentSession:
        session = TreatmentSession.objects.create(
            clinic=patient.clinic,
            patient=patient,
            performed_at=timezone.now() - dt.timedelta(days=days_ago),
            indication="submental_fat",
            practitioner=alice.user,
            created_by=alice.user,
        )
        SessionArea.objects.create(session=session, area=area, side="midline")
        if signed:
            done = sign_record(session, alice)
            assert isinstance(done, TreatmentSession)
            return done
        return session

    return _make


@pytest.fixture
def visit(patient: Patient, make_visit: Callable[..., TreatmentSession]) -> TreatmentSession:
    return make_visit(patient, signed=False)


@pytest.fixture
def take(login: Any) -> Callable[..., Any]:
    """Post one view of a visit's series as ``member``; returns the response."""

    def _take(
        member: Membership, session: TreatmentSession, view: str, data: bytes | None = None
    ) -> Any:
        from django.urls import reverse

        return login(member).post(
            reverse("photos:capture", args=[session.public_id]),
            {"view": view, "image": upload(data)},
        )

    return _take
