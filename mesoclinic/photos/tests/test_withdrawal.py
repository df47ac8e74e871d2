"""Withdrawing the photo consent hides the photos from every staff page; the audit keeps them."""

from __future__ import annotations

import pytest
from django.urls import reverse

from mesoclinic.audit.models import AuditEvent
from mesoclinic.consent.services import withdraw_consent
from mesoclinic.photos.models import ClinicalPhoto
from tests.route_walk import routes, urls

pytestmark = pytest.mark.django_db


def _walk(client, clinic, ids) -> dict[str, str]:
    """Every page of the route walk opened with ``ids``: address -> text of the answers that
    are pages (images are checked separately)."""
    pages = {}
    for route in routes():
        for address in urls(route, clinic, ids):
            response = client.get(address)
            if response.status_code == 200 and response.get("Content-Type", "").startswith("text"):
                pages[address] = response.content.decode()
    return pages


def test_it_hides_withdrawn_photos_from_every_staff_page(
    login, alice, nina, patient, photo_consent, make_visit, take
):
    # given baseline and later submental photos of Maria
    first = make_visit(patient, days_ago=60)
    later = make_visit(patient, days_ago=1)
    take(nina, first, "submental_frontal")
    take(nina, later, "submental_frontal")
    photos = list(ClinicalPhoto.objects.all())
    ids = [patient.clinic.public_id, patient.public_id, first.public_id, later.public_id]
    ids += [photo_consent.public_id] + [p.public_id for p in photos]
    before = _walk(login(alice), patient.clinic, ids)
    assert any(str(photos[0].public_id) in text for text in before.values())
    assert any("data:image/jpeg;base64," in text for text in before.values())
    # when the patient withdraws her consent
    photo_consent.refresh_from_db()
    withdraw_consent(None, alice, photo_consent, "No more photos", photo_consent.version)
    # then no page, for the practitioner or the nurse, names or shows any of her photos
    for member in (alice, nina):
        client = login(member)
        for address, text in _walk(client, patient.clinic, ids).items():
            # nor carries a photo inside the page (thumbnails and compared photos are data: URIs)
            assert "data:image/jpeg;base64," not in text, address
            for photo in photos:
                assert str(photo.public_id) not in text, address
        for photo in photos:
            for name in ("photos:image", "photos:thumbnail"):
                assert client.get(reverse(name, args=[photo.public_id])).status_code == 404
    # and the capture page refuses a new photo
    page = login(nina).get(reverse("photos:capture", args=[later.public_id])).content.decode()
    assert 'type="file"' not in page
    # while the rows and the audit trail keep the record of each photo
    assert ClinicalPhoto.objects.count() == 2
    for photo in photos:
        assert AuditEvent.objects.filter(object_id=str(photo.public_id), action="create").exists()
