"""Taking the photos of a visit: the stored and served picture has no EXIF, GPS or serial;
no photo without a signed photo consent; roles, clinic isolation and bad input."""

from __future__ import annotations

import io

import pytest
from django.urls import reverse
from PIL import Image

from mesoclinic.audit.models import AuditEvent
from mesoclinic.photos.models import ClinicalPhoto
from mesoclinic.photos.tests.conftest import MAKE, SERIAL, jpeg_with_gps_and_serial, upload

pytestmark = pytest.mark.django_db


def _no_metadata(data: bytes) -> None:
    assert SERIAL.encode() not in data
    assert MAKE.encode() not in data
    assert b"Exif" not in data
    with Image.open(io.BytesIO(data)) as image:
        assert not image.getexif()
        assert "exif" not in image.info


def test_it_stores_and_serves_a_photo_without_gps_or_camera_serial(
    login, nina, photo_consent, visit, take
):
    # given a phone JPEG whose EXIF holds the camera make, a GPS position and its serial
    sent = jpeg_with_gps_and_serial()
    assert SERIAL.encode() in sent
    assert MAKE.encode() in sent
    # when the nurse saves it as the frontal view of the visit
    response = take(nina, visit, "submental_frontal", sent)
    # then it is stored, and the stored bytes (picture and thumbnail) hold none of it
    assert response.status_code == 302
    photo = ClinicalPhoto.objects.get()
    assert photo.view == "submental_frontal"
    assert photo.consent == photo_consent
    for stored in (photo.image, photo.thumbnail):
        with stored.open("rb") as handle:
            _no_metadata(handle.read())
    assert "IMG_0001" not in photo.image.name
    # and what is served has none of it either, is never cached and is audited
    served = login(nina).get(reverse("photos:image", args=[photo.public_id]))
    assert served.status_code == 200
    _no_metadata(served.content)
    assert "no-store" in served["Cache-Control"]
    assert served["X-Content-Type-Options"] == "nosniff"
    assert AuditEvent.objects.filter(
        detail="clinical photo", object_id=str(photo.public_id)
    ).exists()


def test_it_keeps_the_files_out_of_any_public_url(nina, photo_consent, visit, take, settings):
    # given a saved photo
    take(nina, visit, "submental_frontal")
    photo = ClinicalPhoto.objects.get()
    # then its file lives under the private photo folder, and the storage has no URL to give
    assert photo.image.path.startswith(str(settings.CLINICAL_PHOTO_ROOT))
    with pytest.raises(ValueError, match="no public URL"):
        photo.image.url  # noqa: B018


def test_it_refuses_capture_without_a_signed_photo_consent(login, nina, visit):
    # given a patient with no consent to photographs
    page = login(nina).get(reverse("photos:capture", args=[visit.public_id]))
    # then the capture page says so and offers no upload
    assert page.status_code == 200
    assert "no signed consent to clinical photographs" in page.content.decode()
    assert 'type="file"' not in page.content.decode()
    # when a photo is posted all the same
    response = login(nina).post(
        reverse("photos:capture", args=[visit.public_id]),
        {"view": "submental_frontal", "image": upload()},
    )
    # then it is refused and nothing is stored
    assert response.status_code == 403
    assert not ClinicalPhoto.objects.exists()


def test_it_refuses_a_consent_without_the_photo_box_ticked(
    login, nina, photo_consent, visit, alice
):
    # given the patient's only signed consent does not cover photographs
    from mesoclinic.records.services import amend_record

    amend_record(photo_consent, alice, "Patient declined photographs", {"photo_consent": False})
    # when the nurse posts a photo
    response = login(nina).post(
        reverse("photos:capture", args=[visit.public_id]),
        {"view": "submental_frontal", "image": upload()},
    )
    # then it is refused
    assert response.status_code == 403
    assert not ClinicalPhoto.objects.exists()


def test_it_shows_the_slots_with_how_to_take_each_view(login, nina, photo_consent, visit):
    # when the nurse opens the capture page of a submental visit
    page = login(nina).get(reverse("photos:capture", args=[visit.public_id])).content.decode()
    # then the five standard views each have a labelled camera input and instructions
    for label in ("Frontal", "Left oblique", "Right oblique", "Left profile", "Right profile"):
        assert f"Photo: {label}" in page
    assert page.count('capture="environment"') == 5
    assert "Same camera distance" in page


def test_it_shows_the_baseline_as_a_ghost_at_a_later_visit(
    login, nina, patient, photo_consent, make_visit, take
):
    # given a baseline frontal photo at a first visit
    first = make_visit(patient, days_ago=60)
    take(nina, first, "submental_frontal")
    baseline = ClinicalPhoto.objects.get()
    # when the nurse opens the capture page of a later visit
    later = make_visit(patient, days_ago=0, signed=False)
    page = login(nina).get(reverse("photos:capture", args=[later.public_id])).content.decode()
    # then the frontal slot shows the baseline's thumbnail as a ghost, with its toggle
    assert f'data-baseline="{baseline.public_id}"' in page
    assert 'data-photo-ghost src="data:image/jpeg;base64,' in page
    assert "Show the Frontal baseline as a ghost" in page


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"<html><script>alert(1)</script></html>", "not a JPEG, PNG or WebP"),
        (jpeg_with_gps_and_serial()[:300], "damaged"),
    ],
)
def test_it_refuses_a_file_that_is_not_a_picture(login, nina, photo_consent, visit, data, message):
    # when something that is not a readable picture is posted
    response = login(nina).post(
        reverse("photos:capture", args=[visit.public_id]),
        {"view": "submental_frontal", "image": upload(data)},
    )
    # then the page says why, and nothing is stored
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not ClinicalPhoto.objects.exists()


def test_it_refuses_a_view_not_in_the_visits_series(login, nina, photo_consent, visit):
    # when a scalp view is posted to a submental visit
    response = login(nina).post(
        reverse("photos:capture", args=[visit.public_id]),
        {"view": "scalp_vertex", "image": upload()},
    )
    # then it is refused
    assert response.status_code == 400
    assert not ClinicalPhoto.objects.exists()


def test_it_shows_photos_only_to_practitioners_and_nurses(
    login, alice, nina, bob, rita, ada, patient, photo_consent, visit, take
):
    # given a saved photo
    take(nina, visit, "submental_frontal")
    photo = ClinicalPhoto.objects.get()
    addresses = [
        reverse("photos:patient", args=[patient.public_id]),
        reverse("photos:compare", args=[patient.public_id]),
        reverse("photos:capture", args=[visit.public_id]),
        reverse("photos:image", args=[photo.public_id]),
        reverse("photos:thumbnail", args=[photo.public_id]),
    ]
    # then practitioner and nurse open every page; reception, researcher and admin none
    for member in (alice, nina):
        assert [login(member).get(a).status_code for a in addresses] == [200] * 5
    for member in (bob, rita, ada):
        assert all(login(member).get(a).status_code in (403, 404) for a in addresses)
    # and reception cannot post a photo
    response = login(bob).post(
        reverse("photos:capture", args=[visit.public_id]),
        {"view": "submental_frontal", "image": upload()},
    )
    assert response.status_code in (403, 404)
    assert ClinicalPhoto.objects.count() == 1


def test_it_answers_another_clinic_with_a_404(
    login, charlie, nina, patient, photo_consent, visit, take
):
    # given a Riverside photo
    take(nina, visit, "submental_frontal")
    photo = ClinicalPhoto.objects.get()
    # then Hilltop's practitioner gets a 404 on every address, and cannot post to the visit
    for address in (
        reverse("photos:patient", args=[patient.public_id]),
        reverse("photos:compare", args=[patient.public_id]),
        reverse("photos:capture", args=[visit.public_id]),
        reverse("photos:image", args=[photo.public_id]),
        reverse("photos:thumbnail", args=[photo.public_id]),
    ):
        assert login(charlie).get(address).status_code == 404
    response = login(charlie).post(
        reverse("photos:capture", args=[visit.public_id]),
        {"view": "submental_frontal", "image": upload()},
    )
    assert response.status_code == 404
    assert ClinicalPhoto.objects.count() == 1
