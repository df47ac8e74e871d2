"""The live camera on the capture page (issue 15): on a tablet the nurse sees the camera's
picture with the same view's baseline laid over it as a ghost, takes the photo, and saves it
through the page's ordinary upload (re-encoded on the server). Chromium's fake camera (a moving
test pattern) stands in for the tablet's. Where the browser has no camera access, or it is
refused, the file input is still there and the page says why; every other page denies the
camera (Permissions-Policy)."""

from __future__ import annotations

import base64
import datetime as dt
import io
from typing import Any

import pytest
from django.utils import timezone
from PIL import Image, ImageDraw

from mesoclinic.audit.models import AuditEvent
from mesoclinic.consent.models import Consent
from mesoclinic.consent.services import install_default_templates
from mesoclinic.photos.models import ClinicalPhoto
from mesoclinic.photos.services import take_photo
from mesoclinic.records.services import sign_record
from mesoclinic.treatments.models import SessionArea, TreatmentSession
from mesoclinic.uploads.fields import CleanImageFile
from mesoclinic.uploads.intake import reencode
from tests.e2e.browser_actions import sign_in
from tests.e2e.test_clinical_photos import _violations

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PLAYING = """v => v.readyState >= 2 && !v.paused && v.videoWidth > 0 && v.srcObject !== null"""
STREAM_ENDED = """() => window.__stream.getTracks().length > 0
    && window.__stream.getTracks().every(t => t.readyState === "ended")"""
SENT_FILE = """async i => {
  const f = i.files[0];
  const bytes = new Uint8Array(await f.arrayBuffer());
  let text = "";
  bytes.forEach(b => { text += String.fromCharCode(b); });
  return {type: f.type, data: btoa(text)};
}"""


def _visit(patient, alice, days_ago: int) -> TreatmentSession:
    session = TreatmentSession.objects.create(
        clinic=patient.clinic, patient=patient, indication="submental_fat",
        performed_at=timezone.now() - dt.timedelta(days=days_ago),
        practitioner=alice.user, created_by=alice.user,
    )  # fmt: skip
    SessionArea.objects.create(session=session, area="submental", side="midline")
    return session


def _baseline_jpeg() -> bytes:
    """A generated head and neck (no real person), 4:3 like the fake camera's picture."""
    image = Image.new("RGB", (640, 480), (230, 234, 238))
    draw = ImageDraw.Draw(image)
    draw.ellipse((260, 60, 380, 260), fill=(220, 178, 150))
    draw.ellipse((290, 230, 350, 300), fill=(220, 178, 150))
    out = io.BytesIO()
    image.save(out, format="JPEG")
    return out.getvalue()


@pytest.fixture
def visits(patient, alice, nina):
    """Maria with a signed photo consent, a frontal baseline photo at a visit six weeks ago,
    and today's visit."""
    template = {t.code: t for t in install_default_templates(None, patient.clinic, alice.user)}[
        "deoxycholic-submental"
    ]
    consent = Consent.objects.create(
        clinic=patient.clinic, patient=patient, template=template, body_snapshot=template.body,
        discussed="Photographs discussed.", photo_consent=True, patient_typed_name="Maria Lopez",
        patient_signed_at=timezone.now() - dt.timedelta(days=43), created_by=alice.user,
    )  # fmt: skip
    sign_record(consent, alice)
    first = _visit(patient, alice, 42)
    sign_record(first, alice)
    baseline = take_photo(
        None, nina, first, "submental_frontal", CleanImageFile(reencode(_baseline_jpeg()))
    )
    return baseline, _visit(patient, alice, 0)


def test_it_takes_a_photo_with_the_live_camera_under_the_baseline_ghost(camera_tablet_page, visits):
    page = camera_tablet_page
    baseline, today = visits
    # given the nurse on a tablet, on today's capture page
    sign_in(page, "nina")
    page.goto(f"/photos/sessions/{today.public_id}/")
    served_before = AuditEvent.objects.filter(
        detail="clinical photo", object_id=str(baseline.public_id)
    ).count()
    # when she turns on the camera of the frontal view
    page.get_by_role("button", name="Use camera Frontal").click()
    # then the Take photo button has the focus, and the camera's picture plays in the slot
    take = page.get_by_role("button", name="Take photo Frontal")
    assert take.evaluate("b => b === document.activeElement")
    video = page.locator("[data-photo-slot=submental_frontal] video")
    page.wait_for_function(PLAYING, arg=video.element_handle())
    first_time = video.evaluate("v => v.currentTime")
    page.wait_for_function(
        "([v, t]) => v.currentTime > t", arg=[video.element_handle(), first_time]
    )
    # and the baseline, read through the audited image address, lies over it as a ghost
    ghost = page.get_by_role("img", name="Frontal baseline of")
    assert ghost.get_attribute("src") == f"/photos/{baseline.public_id}/image/"
    page.wait_for_function("g => g.complete && g.naturalWidth > 0", arg=ghost.element_handle())
    assert ghost.evaluate("g => getComputedStyle(g).position") == "absolute"
    assert float(ghost.evaluate("g => getComputedStyle(g).opacity")) == pytest.approx(0.5)
    assert ghost.bounding_box() == video.bounding_box()
    assert (
        AuditEvent.objects.filter(detail="clinical photo", object_id=str(baseline.public_id))
        .count() == served_before + 1
    )  # fmt: skip
    # and its opacity follows the slider, moved by keyboard
    page.get_by_label("Ghost opacity (Frontal)").focus()
    page.keyboard.press("ArrowRight")
    page.keyboard.press("ArrowRight")
    assert float(ghost.evaluate("g => getComputedStyle(g).opacity")) == pytest.approx(0.7)
    violations = _violations(page)
    # when she takes the photo from the keyboard
    take.focus()
    width_px, height_px = video.evaluate("v => [v.videoWidth, v.videoHeight]")
    page.evaluate("v => { window.__stream = v.srcObject; }", video.element_handle())
    page.keyboard.press("Enter")
    # then the camera is off, and the photo is in the slot's file input, under the ghost
    page.get_by_text("Photo taken: check it under the ghost").wait_for()
    page.wait_for_function(STREAM_ENDED)
    assert video.is_hidden()
    page.get_by_role("img", name="Frontal: the new photo").wait_for()
    sent = page.get_by_label("Photo: Frontal").evaluate(SENT_FILE)
    assert sent["type"] == "image/jpeg"
    # when she saves it (the Save button has the focus)
    save = page.get_by_role("button", name="Save photo Frontal")
    assert save.evaluate("b => b === document.activeElement")
    page.keyboard.press("Enter")
    page.get_by_text("Frontal photo saved.").wait_for()
    # then the photo is stored, re-encoded by the upload path: a JPEG of the camera's frame
    photo = ClinicalPhoto.objects.get(session=today)
    assert photo.view == "submental_frontal"
    assert (photo.content_type, photo.width_px, photo.height_px) == (
        "image/jpeg",
        width_px,
        height_px,
    )
    with photo.image.open("rb") as handle:
        stored = handle.read()
    assert stored != base64.b64decode(sent["data"])
    with Image.open(io.BytesIO(stored)) as image:
        assert (image.format, image.size) == ("JPEG", (width_px, height_px))
        assert not image.getexif()
    assert AuditEvent.objects.filter(detail="clinical photo", action="create").count() == 2
    # and the page with the live camera met WCAG 2.1 AA
    assert violations == []


def test_it_lets_only_the_capture_page_use_the_camera(camera_tablet_page, visits, patient):
    page = camera_tablet_page
    _, today = visits
    ask = """() => navigator.mediaDevices.getUserMedia({video: true}).then(
        s => { s.getTracks().forEach(t => t.stop()); return "allowed"; }, e => e.name)"""
    sign_in(page, "nina")
    # when a page other than the capture page asks for the camera
    page.goto(f"/photos/patients/{patient.public_id}/")
    # then the browser refuses, although the camera is there and the site may use it
    assert page.evaluate(ask) == "NotAllowedError"
    # while the capture page gets it
    page.goto(f"/photos/sessions/{today.public_id}/")
    assert page.evaluate(ask) == "allowed"


NO_CAMERA_API = """Object.defineProperty(Navigator.prototype, "mediaDevices",
    {get: () => undefined, configurable: true});"""
REFUSING_CAMERA = """navigator.mediaDevices.getUserMedia = () =>
    Promise.reject(new DOMException("Permission denied", "NotAllowedError"));"""


def _file_input_still_there(page: Any) -> None:
    camera = page.get_by_label("Photo: Frontal")
    assert camera.get_attribute("capture") == "environment"
    assert camera.is_visible()


def test_it_keeps_the_file_input_when_the_browser_has_no_camera_access(tablet_page, visits):
    page = tablet_page
    _, today = visits
    sign_in(page, "nina")
    # given a browser without camera access (as over plain HTTP)
    page.context.add_init_script(NO_CAMERA_API)
    # when the nurse opens the capture page
    page.goto(f"/photos/sessions/{today.public_id}/")
    # then the page says why there is no live camera, offers none, and keeps the file input
    page.get_by_text("This browser cannot show the live camera here").wait_for()
    assert page.get_by_role("button", name="Use camera Frontal").count() == 0
    _file_input_still_there(page)


def test_it_says_the_camera_was_refused_and_keeps_the_file_input(tablet_page, visits):
    page = tablet_page
    _, today = visits
    sign_in(page, "nina")
    # given a browser whose camera the person refuses
    page.context.add_init_script(REFUSING_CAMERA)
    page.goto(f"/photos/sessions/{today.public_id}/")
    # when the nurse turns on the camera
    page.get_by_role("button", name="Use camera Frontal").click()
    # then the slot says it was refused, shows no camera, and the file input is still there
    status = page.locator("[data-photo-slot=submental_frontal] [role=status]")
    status.get_by_text("The camera was not allowed").wait_for()
    assert page.get_by_role("button", name="Take photo Frontal").count() == 0
    assert page.get_by_role("button", name="Use camera Frontal").is_visible()
    _file_input_still_there(page)
