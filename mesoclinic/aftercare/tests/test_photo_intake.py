"""The check-in photo end to end: what the patient sends is checked and re-encoded before it
is stored, and staff get it back only as a download of the re-encoded picture."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from PIL import Image

from mesoclinic.aftercare.models import CheckInResponse
from mesoclinic.audit.models import AuditEvent
from mesoclinic.uploads.tests.corpus import (
    HTML,
    SERIAL,
    hostile_exif,
    jpeg_bytes,
    jpeg_with_everything,
    png_header_only,
)

from .test_patient_link import QUIET

pytestmark = pytest.mark.django_db


def send(client, open_link, check_in, name: str, data: bytes, **answers):
    upload = SimpleUploadedFile(name, data, content_type="image/jpeg")
    return client.post(open_link(client, check_in), {**QUIET, **answers, "photo": upload})


def test_it_stores_the_photo_re_encoded_under_a_generated_name(
    client, due_check_in, open_link, settings
):
    # given a photo with a GPS position, a camera serial and HTML after the image, named
    # like a path outside the photo folder
    check_in = due_check_in()
    hostile = jpeg_with_everything() + HTML
    # when the patient sends it
    response = send(client, open_link, check_in, "../../../etc/cron.d/x.html", hostile)
    # then the answers are kept with a fresh JPEG under a UUID name in the private folder
    assert response.status_code == 200
    stored = CheckInResponse.objects.get()
    assert stored.photo_content_type == "image/jpeg"
    assert stored.photo_reencoded
    path = Path(stored.photo.path)
    assert path.is_relative_to(Path(settings.AFTERCARE_PHOTO_ROOT))
    assert len(path.stem) == 32
    assert path.suffix == ".jpg"
    written = path.read_bytes()
    assert SERIAL.encode() not in written
    assert HTML not in written
    assert b"Exif" not in written
    with Image.open(io.BytesIO(written)) as image:
        assert not image.getexif()
        assert "icc_profile" in image.info


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (HTML, "This file is not a JPEG, PNG or WebP image."),
        (
            png_header_only(20000, 20000),
            "This image is too large (400 megapixels; the limit is 50).",
        ),
        (jpeg_bytes()[:300], "This image is damaged and cannot be read."),
    ],
    ids=["html", "bomb", "truncated"],
)
def test_it_refuses_a_bad_photo_and_keeps_the_other_answers(
    client, due_check_in, open_link, data, message
):
    # given a patient who wrote a note and chose a pain score
    check_in = due_check_in()
    # when they send a file that cannot be kept
    response = send(
        client, open_link, check_in, "me.jpg", data, pain_score="3", anything_else="Itchy at night"
    )
    # then the form comes back with the reason, their answers still in it, and nothing stored
    body = response.content.decode()
    assert message in body
    assert "Itchy at night" in body
    assert re.search(r'<input[^>]*name="pain_score" value="3"[^>]*checked', body)
    assert not CheckInResponse.objects.exists()


def test_it_serves_the_photo_as_a_download_that_cannot_be_sniffed_or_cached(
    client, login, alice, charlie, due_check_in, open_link
):
    # given a stored photo
    check_in = due_check_in()
    send(client, open_link, check_in, "me.jpg", jpeg_with_everything())
    client.cookies.clear()
    answer = CheckInResponse.objects.get()
    url = f"/aftercare/photos/{answer.public_id}/"
    # when charlie (another clinic) and alice ask for it
    assert login(charlie).get(url).status_code == 404
    response = login(alice).get(url)
    # then alice gets the stored bytes as an attachment, typed, unsniffable, not cached, audited
    assert response.status_code == 200
    assert response.content == Path(answer.photo.path).read_bytes()
    assert response["Content-Type"] == "image/jpeg"
    assert response["Content-Disposition"] == (
        f'attachment; filename="check-in-photo-{answer.public_id}.jpg"'
    )
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "no-store" in response["Cache-Control"]
    assert "sandbox" in response["Content-Security-Policy"]
    assert (
        AuditEvent.objects.filter(action="view", detail="aftercare photo", username="alice").count()
        == 1
    )


def _legacy(answer: CheckInResponse, data: bytes) -> None:
    """A photo stored as it was received, before uploads were re-encoded."""
    answer.photo.save("legacy", ContentFile(data), save=False)
    CheckInResponse.objects.filter(pk=answer.pk).update(
        photo=answer.photo.name, photo_content_type="image/jpeg", photo_reencoded=False
    )


def test_it_re_encodes_a_photo_stored_before_the_intake_when_serving_it(
    client, login, alice, due_check_in, open_link
):
    # given a photo stored before this change, with its GPS and serial still in it
    check_in = due_check_in()
    send(client, open_link, check_in, "me.jpg", jpeg_bytes())
    client.cookies.clear()
    answer = CheckInResponse.objects.get()
    raw = jpeg_bytes(exif=hostile_exif()) + HTML
    _legacy(answer, raw)
    # when alice opens it
    response = login(alice).get(f"/aftercare/photos/{answer.public_id}/")
    # then she gets re-encoded pixels, never the stored bytes
    assert response.status_code == 200
    assert response.content != raw
    assert SERIAL.encode() not in response.content
    assert HTML not in response.content
    with Image.open(io.BytesIO(response.content)) as image:
        assert image.size == (64, 48)
        assert not image.getexif()


def test_it_refuses_to_serve_an_old_stored_file_that_is_not_a_picture(
    client, login, alice, due_check_in, open_link
):
    # given an HTML file stored as a photo before this change
    check_in = due_check_in()
    send(client, open_link, check_in, "me.jpg", jpeg_bytes())
    client.cookies.clear()
    answer = CheckInResponse.objects.get()
    _legacy(answer, b"\xff\xd8\xff" + HTML)
    # when alice asks for it / then nothing of it is sent
    response = login(alice).get(f"/aftercare/photos/{answer.public_id}/")
    assert response.status_code == 404
    assert HTML not in response.content


def test_it_rewrites_old_photos_on_disk_and_deletes_what_the_patient_sent(
    client, due_check_in, open_link, django_capture_on_commit_callbacks
):
    # given a photo stored before this change, with its GPS and serial still in it
    check_in = due_check_in()
    send(client, open_link, check_in, "me.jpg", jpeg_bytes())
    answer = CheckInResponse.objects.get()
    _legacy(answer, jpeg_bytes(exif=hostile_exif()) + HTML)
    old_path = Path(CheckInResponse.objects.get().photo.path)
    # when the operator first counts, then rewrites, then runs the command again
    dry, out, again = io.StringIO(), io.StringIO(), io.StringIO()
    call_command("reencode_photos", "--dry-run", stdout=dry)
    assert CheckInResponse.objects.get().photo_reencoded is False
    assert old_path.exists()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("reencode_photos", "--clinic", "riverside", stdout=out)
    call_command("reencode_photos", stdout=again)
    # then the row points at a new re-encoded file, the old file is gone, and it is audited
    assert "Would re-encode 1 photos" in dry.getvalue()
    assert "Re-encoded 1 photos" in out.getvalue()
    assert "Re-encoded 0 photos" in again.getvalue()
    rewritten = CheckInResponse.objects.get()
    assert rewritten.photo_reencoded
    assert rewritten.photo_content_type == "image/jpeg"
    assert not old_path.exists()
    written = Path(rewritten.photo.path).read_bytes()
    assert SERIAL.encode() not in written
    assert HTML not in written
    assert (
        AuditEvent.objects.filter(action="update", detail="aftercare photo re-encoded").count() == 1
    )


def test_it_leaves_an_old_file_that_is_not_a_picture_in_place_and_says_so(
    client, due_check_in, open_link
):
    # given an HTML file stored as a photo before this change
    check_in = due_check_in()
    send(client, open_link, check_in, "me.jpg", jpeg_bytes())
    _legacy(CheckInResponse.objects.get(), b"\xff\xd8\xff" + HTML)
    # when the command runs
    out = io.StringIO()
    call_command("reencode_photos", stdout=out)
    # then it is counted as unreadable and left as it was (never served)
    assert "1 could not be read as a picture" in out.getvalue()
    assert CheckInResponse.objects.get().photo_reencoded is False
