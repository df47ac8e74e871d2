"""A real FHIR client against a running server (pytest-django ``live_server``): a backend
client registered with its own RS384 key gets a SMART token, then fhirpy searches and pages,
and a Bulk Data export runs to completion in the server's export pool and is read back."""

from __future__ import annotations

import datetime as dt
import io
import json
import time
import uuid
from typing import Any

import jwt
import pytest
import requests
from django.core.management import call_command
from django.db import connection
from fhirpy import SyncFHIRClient

from mesoclinic.clinics.choices import Role
from mesoclinic.clinics.models import Clinic, Membership
from mesoclinic.fhir.tests.smart_helpers import ASSERTION_TYPE, SignedClient, signed_client
from mesoclinic.outcomes.models import Measurement
from mesoclinic.patients.models import Patient

pytestmark = pytest.mark.django_db(transaction=True)
MEASUREMENTS = 7


@pytest.fixture
def measured(riverside: Clinic, alice: Membership, patient: Patient) -> list[Measurement]:
    return [
        Measurement.objects.create(
            clinic=riverside,
            patient=patient,
            measured_on=dt.date(2026, 1, 5) + dt.timedelta(days=7 * week),
            kind="weight_kg",
            value=80 - week,
        )
        for week in range(MEASUREMENTS)
    ]


def _token(base: str, signed: SignedClient) -> str:
    """SMART Backend Services as a client does it: a fresh RS384 assertion for the token URL."""
    token_url = requests.get(f"{base}/.well-known/smart-configuration", timeout=10).json()[
        "token_endpoint"
    ]
    now = int(time.time())
    assertion = jwt.encode(
        {"iss": signed.client_id, "sub": signed.client_id, "aud": token_url,
         "exp": now + 240, "jti": uuid.uuid4().hex},
        signed.key, algorithm="RS384", headers={"kid": signed.kid},
    )  # fmt: skip
    response = requests.post(
        token_url,
        data={
            "grant_type": "client_credentials",
            "client_assertion_type": ASSERTION_TYPE,
            "client_assertion": assertion,
            "scope": "system/*.read",
        },
        timeout=10,
    )
    assert response.status_code == 200, response.text
    return str(response.json()["access_token"])


def test_it_serves_fhirpy_a_search_by_identifier_and_observation_pages(
    live_server: Any, riverside: Clinic, ada: Membership, patient: Patient, measured: Any
) -> None:
    # given a client registered with an RS384 key, and a token from the live server
    base = f"{live_server.url}/fhir/R4"
    signed = signed_client(riverside, ada, role=Role.PRACTITIONER, algorithm="RS384")
    fhir = SyncFHIRClient(base, authorization=f"Bearer {_token(base, signed)}")
    # when fhirpy searches Patient by the clinic's MRN identifier
    system = f"https://mesoclinic.org/fhir/sid/clinic/{riverside.public_id}/mrn"
    found = fhir.resources("Patient").search(identifier=f"{system}|{patient.mrn}").fetch()
    # then it finds the one patient
    assert [p.id for p in found] == [str(patient.public_id)]
    # and paging through the patient's Observations two at a time gives every one once
    pages = fhir.resources("Observation").search(patient=str(patient.public_id)).limit(2)
    ids = [o.id for o in pages.fetch_all()]
    assert sorted(ids) == sorted(str(m.public_id) for m in measured)


def test_it_runs_a_bulk_export_for_a_real_client_to_completion(
    live_server: Any, riverside: Clinic, ada: Membership, measured: Any, settings: Any
) -> None:
    # given a client with an RS384 key and a token, and the server's export pool on where the
    # test database allows it: the live server's in-memory SQLite (shared cache) refuses a
    # second thread's write at once ("table is locked") instead of waiting as a file database
    # does, so on SQLite the cron runner runs the job between two polls instead
    in_pool = connection.vendor == "postgresql"
    settings.FHIR_BULK_WORKERS = 1 if in_pool else 0
    base = f"{live_server.url}/fhir/R4"
    signed = signed_client(riverside, ada, role=Role.PRACTITIONER, algorithm="RS384")
    session = requests.Session()
    session.headers["Authorization"] = f"Bearer {_token(base, signed)}"
    # when it kicks off an export of Patient and Observation
    kicked = session.get(
        f"{base}/$export",
        params={"_type": "Patient,Observation"},
        headers={"Prefer": "respond-async", "Accept": "application/fhir+json"},
        timeout=10,
    )
    assert kicked.status_code == 202, kicked.text
    status_url = kicked.headers["Content-Location"]
    # and polls the status URL until the manifest is there (the request thread never waits)
    deadline = time.monotonic() + 60
    while True:
        status = session.get(status_url, timeout=10)
        if status.status_code != 202:
            break
        assert "X-Progress" in status.headers
        assert time.monotonic() < deadline, "the export did not finish within a minute"
        if not in_pool:
            call_command("run_due", stdout=io.StringIO())
        time.sleep(0.2)
    assert status.status_code == 200, status.text
    manifest = status.json()
    counts = {o["type"]: o["count"] for o in manifest["output"]}
    assert counts == {"Patient": 1, "Observation": MEASUREMENTS}
    # then every file downloads with the same token and is NDJSON of valid resources
    resources: dict[str, list[dict[str, Any]]] = {}
    for output in manifest["output"]:
        file = session.get(output["url"], timeout=10)
        assert file.headers["Content-Type"] == "application/fhir+ndjson"
        resources[output["type"]] = [json.loads(line) for line in file.text.splitlines()]
    assert {r["id"] for r in resources["Observation"]} == {str(m.public_id) for m in measured}
    assert all(r["resourceType"] == "Observation" for r in resources["Observation"])
    # and without the token the files are refused
    assert requests.get(manifest["output"][0]["url"], timeout=10).status_code == 401
    # and deleting the export removes it
    assert session.delete(status_url, timeout=10).status_code == 202
    assert session.get(status_url, timeout=10).status_code == 404
