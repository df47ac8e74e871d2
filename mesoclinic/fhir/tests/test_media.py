"""Clinical photos over FHIR: Media resources and the Binary read of their pixels.

A photo is served while the consent it was taken under allows photographs, to clients of its
clinic whose role reads clinical records; its Binary is exactly the stored re-encoded bytes."""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import io
import json
from collections.abc import Callable
from typing import Any

import pytest
from django.core.management import call_command
from django.test import Client

from mesoclinic.audit.models import AuditEvent
from mesoclinic.clinics.choices import Role
from mesoclinic.clinics.models import Clinic, Membership
from mesoclinic.consent.models import Consent
from mesoclinic.consent.services import withdraw_consent
from mesoclinic.fhir.bulk.groups import group_resources
from mesoclinic.fhir.bulk.runner import fhir_base
from mesoclinic.fhir.codes import LOCAL, PHOTO_VIEWS
from mesoclinic.fhir.export import resources
from mesoclinic.fhir.tests.api_helpers import body, get, issue_token
from mesoclinic.fhir.tests.helpers import r4_errors
from mesoclinic.fhir.tests.smart_helpers import SignedClient, signed_client
from mesoclinic.patients.models import Patient
from mesoclinic.photos import services
from mesoclinic.photos.models import ClinicalPhoto
from mesoclinic.photos.protocol import VIEWS
from mesoclinic.photos.tests.conftest import (
    MAKE,
    SERIAL,
    jpeg_with_gps_and_serial,
    make_visit,
    photo_consent,
)
from mesoclinic.treatments.models import TreatmentSession
from mesoclinic.uploads.fields import CleanImageFile
from mesoclinic.uploads.intake import reencode

pytestmark = pytest.mark.django_db
__all__ = ["make_visit", "photo_consent"]  # fixtures shared with the photo tests


@pytest.fixture
def photo(
    nina: Membership,
    patient: Patient,
    photo_consent: Consent,
    make_visit: Callable[..., TreatmentSession],
) -> ClinicalPhoto:
    """Maria's frontal submental photo, taken by Nina from a phone JPEG with GPS and serial."""
    visit = make_visit(patient, days_ago=3)
    clean = CleanImageFile(reencode(jpeg_with_gps_and_serial()))
    return services.take_photo(None, nina, visit, "submental_frontal", clean)


def _stored(photo: ClinicalPhoto) -> bytes:
    with photo.image.open("rb") as handle:
        data: bytes = handle.read()
    return data


def _sha1(data: bytes) -> str:
    return base64.b64encode(hashlib.sha1(data, usedforsecurity=False).digest()).decode()


def test_it_reads_and_finds_a_photo_as_a_valid_media_with_the_hash_of_its_bytes(
    riverside: Clinic, patient: Patient, photo: ClinicalPhoto
) -> None:
    # given a practitioner's client of the clinic
    token = issue_token(riverside, Role.PRACTITIONER)
    # when it reads the photo's Media and searches Media by the patient
    read = get(token, f"Media/{photo.public_id}")
    found = body(get(token, f"Media?patient=Patient/{patient.public_id}"))
    # then the Media is valid R4, of the patient's visit, and hashes exactly the stored bytes
    assert read.status_code == 200
    media = body(read)
    assert r4_errors(media) is None
    stored = _stored(photo)
    assert media["content"]["hash"] == _sha1(stored)
    assert media["content"]["size"] == len(stored)
    assert media["content"]["contentType"] == "image/jpeg"
    assert media["content"]["url"] == f"http://testserver/fhir/R4/Binary/{photo.public_id}"
    assert media["subject"]["reference"] == f"Patient/{patient.public_id}"
    assert media["encounter"]["reference"] == f"Encounter/{photo.session.public_id}"
    assert media["view"]["coding"][0] == {
        "system": LOCAL,
        "code": "photo-view-submental_frontal",
        "display": "Submental, frontal",
    }
    assert media["status"] == "completed"
    assert [e["resource"]["id"] for e in found["entry"]] == [str(photo.public_id)]


def test_it_searches_media_by_the_day_it_was_taken(riverside: Clinic, photo: ClinicalPhoto) -> None:
    # given a nurse's client, and the days a year before and after the photo
    token = issue_token(riverside, Role.NURSE)
    year_before = (photo.created_at - dt.timedelta(days=365)).date().isoformat()
    year_after = (photo.created_at + dt.timedelta(days=365)).date().isoformat()
    # when it searches from before the photo, and after it
    before = body(get(token, f"Media?created=ge{year_before}"))
    after = body(get(token, f"Media?created=ge{year_after}"))
    # then only the search that spans it finds it
    assert before["total"] == 1
    assert after["total"] == 0


def test_it_serves_the_stored_bytes_as_binary_without_any_camera_metadata(
    riverside: Clinic, photo: ClinicalPhoto
) -> None:
    # given a client granted Media only (no Binary scope)
    token = issue_token(riverside, Role.PRACTITIONER, "system/Media.read")
    events = AuditEvent.objects.filter(object_type="fhir:Binary").count()
    # when it follows the Media's content.url
    media = body(get(token, f"Media/{photo.public_id}"))
    response = get(token, media["content"]["url"])
    # then it gets exactly the stored re-encoded picture, never cached, and the read is audited
    assert response.status_code == 200
    assert response["Content-Type"] == "image/jpeg"
    assert "no-store" in response["Cache-Control"]
    assert response.content == _stored(photo)
    assert _sha1(response.content) == media["content"]["hash"]
    assert SERIAL.encode() not in response.content
    assert MAKE.encode() not in response.content
    assert b"Exif" not in response.content
    audited = AuditEvent.objects.filter(object_type="fhir:Binary")
    assert audited.count() == events + 1
    assert audited.latest("pk").patient_id == photo.patient_id
    # and asked for FHIR JSON, it is a valid Binary resource holding the same bytes
    as_json = body(get(token, f"Binary/{photo.public_id}?_format=json"))
    assert r4_errors(as_json) is None
    assert base64.b64decode(as_json["data"]) == response.content


def test_it_gives_another_clinic_and_reception_nothing_of_the_photo(
    riverside: Clinic, hilltop: Clinic, charlie: Membership, bob: Membership, photo: ClinicalPhoto
) -> None:
    # given a practitioner's client of another clinic, and a reception client of the clinic
    outsider = issue_token(hilltop, Role.PRACTITIONER)
    reception = issue_token(riverside, Role.RECEPTION)
    # when they ask for the photo
    # then another clinic finds nothing and is told nothing
    for path in (f"Media/{photo.public_id}", f"Binary/{photo.public_id}"):
        response = get(outsider, path)
        assert response.status_code == 404, path
        assert str(photo.public_id) not in response.content.decode()
    assert body(get(outsider, f"Media?_id={photo.public_id}"))["total"] == 0
    assert body(get(outsider, f"Media?patient={photo.patient.public_id}"))["total"] == 0
    # and reception, which sees no clinical record, may read neither
    assert get(reception, f"Media/{photo.public_id}").status_code == 403
    assert get(reception, f"Binary/{photo.public_id}").status_code == 403
    # and a client without a Media scope may not read the Binary either
    observations_only = issue_token(riverside, Role.PRACTITIONER, "system/Observation.read")
    assert get(observations_only, f"Binary/{photo.public_id}").status_code == 403


def test_it_withdraws_the_photo_from_read_search_binary_and_bulk_export(
    riverside: Clinic,
    alice: Membership,
    patient: Patient,
    photo_consent: Consent,
    photo: ClinicalPhoto,
) -> None:
    token = issue_token(riverside, Role.PRACTITIONER)
    assert get(token, f"Media/{photo.public_id}").status_code == 200
    assert [m["id"] for m in resources(riverside, "Media")] == [str(photo.public_id)]
    # when the patient withdraws the consent the photo was taken under
    photo_consent.refresh_from_db()
    withdraw_consent(None, alice, photo_consent, "No more photos", photo_consent.version)
    # then it is gone from read, search, its Binary and every export
    assert get(token, f"Media/{photo.public_id}").status_code == 404
    assert get(token, f"Binary/{photo.public_id}").status_code == 404
    assert body(get(token, f"Media?patient={patient.public_id}"))["total"] == 0
    assert body(get(token, "Media"))["total"] == 0
    assert list(resources(riverside, "Media")) == []  # system $export
    assert list(group_resources(riverside, "Media", None, [str(patient.public_id)])) == []
    # and the photo's row stays, for the audit trail
    assert ClinicalPhoto.objects.filter(pk=photo.pk).exists()


def test_it_names_every_standard_view_in_the_code_system() -> None:
    assert set(PHOTO_VIEWS) == set(VIEWS)


def test_it_lists_binary_and_media_in_the_capability_statement(db: Any) -> None:
    listed = {r["type"]: r for r in body(get(None, "metadata"))["rest"][0]["resource"]}
    assert [i["code"] for i in listed["Binary"]["interaction"]] == ["read"]
    assert {p["name"] for p in listed["Media"]["searchParam"]} == {
        "_id",
        "patient",
        "created",
        "_lastUpdated",
    }


def test_it_links_a_bulk_exported_media_to_the_binary_on_the_kick_off_host(
    riverside: Clinic, photo: ClinicalPhoto
) -> None:
    # given the address a Bulk Data kick-off came to
    base = fhir_base("https://clinic.example/fhir/R4/Patient/$export?_type=Media")
    # when the photo is exported for it
    (media,) = resources(riverside, "Media", None, base)
    # then its content links to its Binary read on that host, and the Media is valid R4
    assert media["content"]["url"] == f"https://clinic.example/fhir/R4/Binary/{photo.public_id}"
    assert r4_errors(media) is None
    # and a file written with no address known carries the hash but no link
    (offline,) = resources(riverside, "Media")
    assert "url" not in offline["content"]
    assert offline["content"]["hash"] == media["content"]["hash"]


def _bulk_media(client: Client, signed: SignedClient, path: str) -> list[dict[str, Any]]:
    """Kick off ``path`` for Media, run it as the cron runner does, read its Media file."""
    form = signed.token_form("system/*.read")
    token = Client().post("/fhir/R4/auth/token", form).json()["access_token"]
    headers = {"Authorization": f"Bearer {token}"}
    async_headers = {"Prefer": "respond-async", "Accept": "application/fhir+json", **headers}
    kicked = client.get(path, {"_type": "Media"}, headers=async_headers)
    assert kicked.status_code == 202
    call_command("run_due", "--json", stdout=io.StringIO())
    status = str(kicked["Content-Location"]).removeprefix("http://testserver")
    manifest = client.get(status, headers=headers).json()
    lines: list[dict[str, Any]] = []
    for output in manifest["output"]:
        file = client.get(output["url"].removeprefix("http://testserver"), headers=headers)
        lines += [json.loads(line) for line in file.getvalue().decode().splitlines()]
    return lines


def test_it_bulk_exports_the_photo_until_its_consent_is_withdrawn(
    client: Client,
    riverside: Clinic,
    ada: Membership,
    alice: Membership,
    photo_consent: Consent,
    photo: ClinicalPhoto,
) -> None:
    # given a practitioner's backend client
    signed = signed_client(riverside, ada, role=Role.PRACTITIONER, name="photos")
    # when it exports the patients' Media
    (media,) = _bulk_media(client, signed, "/fhir/R4/Patient/$export")
    # then the photo is there, linked to its Binary on the server it asked
    assert media["id"] == str(photo.public_id)
    assert media["content"]["url"] == f"http://testserver/fhir/R4/Binary/{photo.public_id}"
    # when the consent is withdrawn, a new system-level export holds no photo
    photo_consent.refresh_from_db()
    withdraw_consent(None, alice, photo_consent, "No more photos", photo_consent.version)
    assert _bulk_media(client, signed, "/fhir/R4/$export") == []
