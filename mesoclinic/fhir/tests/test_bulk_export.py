"""Bulk Data $export: kick-off, background run, status and manifest, files for the asking
client only, cancel, expiry, refusals as OperationOutcome, and another clinic reads nothing."""

from __future__ import annotations

import datetime as dt
import io
import json
from collections.abc import Callable
from typing import Any

import pytest
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from mesoclinic.audit.models import AuditEvent
from mesoclinic.clinics.choices import Role
from mesoclinic.clinics.models import Clinic, Membership
from mesoclinic.fhir.bulk import runner
from mesoclinic.fhir.models import BulkExportJob, BulkJobStatus
from mesoclinic.fhir.tests.smart_helpers import SignedClient, signed_client
from mesoclinic.outcomes.models import Measurement
from mesoclinic.patients.models import Patient

pytestmark = pytest.mark.django_db
Headers = dict[str, str]


def _bearer(signed: SignedClient, scope: str = "system/*.read") -> Headers:
    token = Client().post("/fhir/R4/auth/token", signed.token_form(scope)).json()["access_token"]
    return {"Authorization": f"Bearer {token}"}


ASYNC = {"Prefer": "respond-async", "Accept": "application/fhir+json"}


@pytest.fixture
def measured(riverside: Clinic, alice: Membership, patient: Patient) -> Measurement:
    return Measurement.objects.create(
        clinic=riverside, patient=patient, measured_on=dt.date(2026, 1, 5), kind="weight_kg", value=80
    )  # fmt: skip


@pytest.fixture
def practitioner_client(riverside: Clinic, ada: Membership) -> SignedClient:
    return signed_client(riverside, ada, role=Role.PRACTITIONER, name="registry")


def _kick_off(
    client: Client, headers: Headers, path: str = "/fhir/R4/$export", **query: str
) -> Any:
    return client.get(path, query, headers={**ASYNC, **headers})


def _status_path(response: Any) -> str:
    return str(response["Content-Location"]).removeprefix("http://testserver")


def _run_due() -> dict[str, Any]:
    out = io.StringIO()
    call_command("run_due", "--json", stdout=out)
    return dict(json.loads(out.getvalue()))


def test_it_runs_an_export_in_the_background_and_serves_its_files(
    client: Client, measured: Measurement, practitioner_client: SignedClient
) -> None:
    headers = _bearer(practitioner_client)
    # when the client kicks off an export of two types
    kicked = _kick_off(client, headers, _type="Patient,Observation")
    # then it is accepted with a status URL, and the status says it is waiting
    assert kicked.status_code == 202
    status_path = _status_path(kicked)
    waiting = client.get(status_path, headers=headers)
    assert waiting.status_code == 202
    assert waiting["X-Progress"] == "queued"
    # when the cron runner runs it
    assert _run_due()["exports_run"] == 1
    # then the status gives the manifest, one file per type with its count
    done = client.get(status_path, headers=headers)
    assert done.status_code == 200
    manifest = done.json()
    assert manifest["requiresAccessToken"] is True
    assert manifest["request"].endswith("$export?_type=Patient%2CObservation")
    assert manifest["transactionTime"].endswith("Z")
    assert [(o["type"], o["count"]) for o in manifest["output"]] == [
        ("Patient", 1),
        ("Observation", 1),
    ]
    assert manifest["error"] == []
    # and each file is NDJSON of the clinic's resources, for this client's token
    url = next(o["url"] for o in manifest["output"] if o["type"] == "Observation")
    file = client.get(url.removeprefix("http://testserver"), headers=headers)
    assert file.status_code == 200
    assert file["Content-Type"] == "application/fhir+ndjson"
    lines = file.getvalue().decode().splitlines()
    assert [json.loads(line)["id"] for line in lines] == [str(measured.public_id)]
    # and the request, the finished export and the download are in the audit trail
    details = list(AuditEvent.objects.filter(action="export").values_list("detail", flat=True))
    assert any("requested" in d for d in details)
    assert any("written, 2 resources" in d for d in details)
    assert any("Observation.ndjson downloaded" in d for d in details)
    assert not any(measured.patient.family_name in d for d in details)


def test_it_runs_the_export_in_the_server_pool_when_one_is_configured(
    measured: Measurement, practitioner_client: SignedClient, settings: Any
) -> None:
    # given a pool of one worker: the job is handed to it once the kick-off commits
    settings.FHIR_BULK_WORKERS = 1
    job = BulkExportJob.objects.create(
        clinic=measured.clinic, client=practitioner_client.client, level="system",
        request_url="x", types="Patient",
    )  # fmt: skip
    submitted: list[int] = []

    class Pool:
        def submit(self, fn: Callable[[int], None], job_id: int) -> None:
            submitted.append(job_id)

    runner._pool = Pool()  # type: ignore[assignment]
    try:
        with pytest.MonkeyPatch.context() as patch:
            patch.setattr("django.db.transaction.on_commit", lambda f: f())
            runner.schedule(job)
    finally:
        runner._pool = None
    assert submitted == [job.pk]


def test_it_gives_only_the_patient_compartment_for_patient_export(
    client: Client, measured: Measurement, practitioner_client: SignedClient
) -> None:
    headers = _bearer(practitioner_client)
    _kick_off(client, headers, "/fhir/R4/Patient/$export")
    job = BulkExportJob.objects.get()
    assert job.level == "patient"
    assert "Patient" in job.type_list
    assert "Observation" in job.type_list
    assert "Organization" not in job.type_list
    assert "CodeSystem" not in job.type_list


def test_it_exports_only_what_changed_since(
    client: Client, measured: Measurement, practitioner_client: SignedClient
) -> None:
    headers = _bearer(practitioner_client)
    later = (timezone.now() + dt.timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M:%SZ")
    status_path = _status_path(_kick_off(client, headers, _type="Observation", _since=later))
    _run_due()
    assert client.get(status_path, headers=headers).json()["output"] == []


@pytest.mark.parametrize(
    ("query", "headers", "status", "says"),
    [
        ({}, {"Prefer": ""}, 400, "respond-async"),
        ({"_outputFormat": "text/csv"}, {}, 400, "ndjson"),
        ({"_typeFilter": "Observation?code=x"}, {}, 400, "_typeFilter"),
        ({"_since": "2026-11-01"}, {}, 400, "instant"),
        ({"_type": "Banana"}, {}, 400, "Banana"),
    ],
)
def test_it_refuses_a_kick_off_it_cannot_honour(
    client: Client,
    practitioner_client: SignedClient,
    query: dict[str, str],
    headers: Headers,
    status: int,
    says: str,
) -> None:
    response = client.get(
        "/fhir/R4/$export", query, headers={**ASYNC, **_bearer(practitioner_client), **headers}
    )
    assert response.status_code == status
    body = response.json()
    assert body["resourceType"] == "OperationOutcome"
    assert says in body["issue"][0]["diagnostics"]
    assert not BulkExportJob.objects.exists()


def test_it_refuses_types_the_role_may_not_read(
    client: Client, riverside: Clinic, ada: Membership
) -> None:
    # given a receptionist's client, which reads patients but no clinical resource
    reception = _bearer(signed_client(riverside, ada, role=Role.RECEPTION))
    # then asking for Observation is forbidden, and a plain export leaves clinical types out
    refused = _kick_off(client, reception, _type="Observation")
    assert refused.status_code == 403
    assert refused.json()["resourceType"] == "OperationOutcome"
    assert _kick_off(client, reception).status_code == 202
    types = BulkExportJob.objects.get().type_list
    assert "Patient" in types
    assert "Observation" not in types
    # and a researcher's client, which reads no patient-level record, exports nothing
    researcher = _bearer(signed_client(riverside, ada, role=Role.RESEARCHER))
    assert _kick_off(client, researcher).status_code == 403


def test_it_refuses_every_bulk_address_without_a_token(
    client: Client, measured: Measurement
) -> None:
    for path in ("/fhir/R4/$export", "/fhir/R4/Patient/$export"):
        response = client.get(path, headers=ASYNC)
        assert response.status_code == 401
        assert response.json()["resourceType"] == "OperationOutcome"


def test_it_cancels_and_deletes_an_export(
    client: Client, measured: Measurement, practitioner_client: SignedClient
) -> None:
    headers = _bearer(practitioner_client)
    status_path = _status_path(_kick_off(client, headers, _type="Patient"))
    _run_due()
    job = BulkExportJob.objects.get()
    assert runner.file_path(job, "Patient").is_file()
    # when the client deletes it
    assert client.delete(status_path, headers=headers).status_code == 202
    # then its files are gone and its status is unknown
    assert not runner.folder(job).exists()
    assert client.get(status_path, headers=headers).status_code == 404


def test_it_deletes_expired_files_in_the_cron_run(
    client: Client, measured: Measurement, practitioner_client: SignedClient
) -> None:
    headers = _bearer(practitioner_client)
    status_path = _status_path(_kick_off(client, headers, _type="Patient"))
    _run_due()
    job = BulkExportJob.objects.get()
    BulkExportJob.objects.update(expires_at=timezone.now() - dt.timedelta(minutes=1))
    # when the cron runner passes after the files expired
    assert _run_due()["exports_expired"] == 1
    # then the files are deleted and the status says so
    assert not runner.folder(job).exists()
    assert client.get(status_path, headers=headers).status_code == 404
    assert BulkExportJob.objects.get().status == BulkJobStatus.EXPIRED


def test_it_runs_again_a_job_whose_server_stopped(
    measured: Measurement, practitioner_client: SignedClient
) -> None:
    # given one job left running by a server that stopped, and one that is alive
    now = timezone.now()
    common = {"clinic": measured.clinic, "client": practitioner_client.client, "level": "system",
              "request_url": "x", "types": "Patient", "status": BulkJobStatus.RUNNING}  # fmt: skip
    stale = BulkExportJob.objects.create(**common, heartbeat_at=now - dt.timedelta(hours=1))
    alive = BulkExportJob.objects.create(**common, heartbeat_at=now)
    # when the cron runner passes, then only the stale one is run, to completion
    assert _run_due()["exports_run"] == 1
    stale.refresh_from_db()
    alive.refresh_from_db()
    assert stale.status == BulkJobStatus.COMPLETED
    assert stale.counts == {"Patient": 1}
    assert alive.status == BulkJobStatus.RUNNING


def test_it_serves_an_export_to_no_other_client(
    client: Client,
    measured: Measurement,
    practitioner_client: SignedClient,
    hilltop: Clinic,
    charlie: Membership,
    ada: Membership,
) -> None:
    # given Riverside's finished export
    headers = _bearer(practitioner_client)
    status_path = _status_path(_kick_off(client, headers))
    _run_due()
    manifest = client.get(status_path, headers=headers).json()
    files = [o["url"].removeprefix("http://testserver") for o in manifest["output"]]
    assert files
    # when another Riverside client and a Hilltop client ask for its status and files
    Membership.objects.filter(pk=charlie.pk).update(role=Role.ADMIN)
    others = [
        _bearer(signed_client(measured.clinic, ada, role=Role.ADMIN, name="other")),
        _bearer(signed_client(hilltop, charlie, role=Role.ADMIN, name="hill")),
    ]
    for other in others:
        # then each is as unknown to them as an export that never existed
        assert client.get(status_path, headers=other).status_code == 404
        assert client.delete(status_path, headers=other).status_code == 404
        for path in files:
            assert client.get(path, headers=other).status_code == 404
    # and Hilltop's own export names nothing of Riverside's
    hill_status = _status_path(_kick_off(client, others[1]))
    _run_due()
    hill_job = BulkExportJob.objects.get(clinic=hilltop)
    written = "".join(p.read_text() for p in runner.folder(hill_job).glob("*.ndjson"))
    assert client.get(hill_status, headers=others[1]).status_code == 200
    assert str(measured.public_id) not in written
    assert str(measured.patient.public_id) not in written
    assert measured.patient.family_name not in written


def test_it_limits_bulk_requests_per_client(
    client: Client, practitioner_client: SignedClient, settings: Any
) -> None:
    headers = _bearer(practitioner_client)  # the token request counts as one
    settings.FHIR_RATE_LIMIT_PER_MINUTE = 2
    assert _kick_off(client, headers).status_code == 202
    limited = _kick_off(client, headers)
    assert limited.status_code == 429
    assert int(limited["Retry-After"]) >= 1
    assert limited.json()["issue"][0]["code"] == "throttled"


def test_it_shows_the_admin_each_export_with_its_state(
    client: Client,
    measured: Measurement,
    practitioner_client: SignedClient,
    login: Callable[[Membership], Client],
    ada: Membership,
) -> None:
    _kick_off(client, _bearer(practitioner_client), _type="Patient,Observation")
    page = login(ada).get("/clinic/fhir-clients/").content.decode()
    assert "Queued" in page
    _run_due()
    page = login(ada).get("/clinic/fhir-clients/").content.decode()
    assert "Completed" in page
    assert "<td>2</td>" in page


@pytest.mark.parametrize(
    "since", ["2026-11-01T00:00:00Z", "2026-11-01T01:00:00+01:00", "2026-11-01T01:00:00 01:00"]
)
def test_it_reads_since_as_an_instant_even_with_an_unescaped_plus(since: str) -> None:
    from mesoclinic.fhir.bulk.request import parse_instant

    assert parse_instant(since) == dt.datetime(2026, 11, 1, tzinfo=dt.UTC)
