"""The FHIR API's metadata and reads: every type of the demo valid R4 when read over HTTP,
derived ids found again, versions and dates in the headers, errors as OperationOutcome."""

from __future__ import annotations

from typing import Any

import pytest

from mesoclinic.audit.models import AuditEvent
from mesoclinic.clinics.choices import Role
from mesoclinic.clinics.models import Clinic
from mesoclinic.demo.generator import MIN_PATIENTS
from mesoclinic.demo.services import load_demo
from mesoclinic.fhir.api.registry import TYPES
from mesoclinic.fhir.codes import LOCAL
from mesoclinic.fhir.export import RESOURCE_TYPES, resources
from mesoclinic.fhir.tests.api_helpers import body, get, issue, issue_token
from mesoclinic.fhir.tests.helpers import r4_errors
from mesoclinic.patients.models import Patient

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo() -> Clinic:
    load_demo(patients=MIN_PATIENTS, hilltop_patients=1)
    return Clinic.objects.get(slug="riverside")


def test_it_serves_a_valid_capability_statement_without_a_token(db: Any) -> None:
    # when the metadata is asked for with no token
    response = get(None, "metadata")
    # then it is a valid R4 CapabilityStatement listing every type served, read and search
    statement = body(response)
    assert response.status_code == 200
    assert r4_errors(statement) is None
    assert statement["fhirVersion"] == "4.0.1"
    rest = statement["rest"][0]
    listed = {r["type"]: r for r in rest["resource"]}
    assert set(listed) == set(TYPES) | {"Binary"}
    assert set(TYPES) == set(RESOURCE_TYPES)
    codes = {i["code"] for i in listed["Observation"]["interaction"]}
    assert codes == {"read", "search-type"}
    assert {"patient", "date", "code", "_lastUpdated", "_id"} <= {
        p["name"] for p in listed["Observation"]["searchParam"]
    }
    assert "lot-number" in {p["name"] for p in listed["MedicationAdministration"]["searchParam"]}
    assert (
        "MedicationAdministration:medication" in listed["MedicationAdministration"]["searchInclude"]
    )


def test_it_declares_only_the_security_endpoints_and_operations_that_are_routed(
    db: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    # given one token endpoint and one operation that are routed, and two that are not
    from mesoclinic.fhir.api import capability

    monkeypatch.setattr(
        capability,
        "SECURITY_ENDPOINTS",
        [capability.Endpoint("token", "fhir:metadata"), capability.Endpoint("x", "fhir:none")],
    )
    monkeypatch.setattr(
        capability,
        "OPERATIONS",
        [
            capability.Operation("export", "http://e/export", "fhir:search"),
            capability.Operation("missing", "http://e/missing", "fhir:missing"),
        ],
    )
    # when the metadata is read
    rest = body(get(None, "metadata"))["rest"][0]
    # then only the routed ones are declared, the endpoint by its absolute URL
    uris = rest["security"]["extension"][0]["extension"]
    assert uris == [{"url": "token", "valueUri": "http://testserver/fhir/R4/metadata"}]
    assert rest["security"]["service"][0]["coding"][0]["code"] == "SMART-on-FHIR"
    assert [op["name"] for op in rest["operation"]] == ["export"]


def test_it_serves_the_code_system_without_a_token(db: Any) -> None:
    # when the mesoclinic CodeSystem is read with no token
    response = get(None, "CodeSystem/mesoclinic")
    # then it is the published canonical, valid, with a version and an ETag
    resource = body(response)
    assert response.status_code == 200
    assert resource["url"] == LOCAL
    assert r4_errors(resource) is None
    assert response["ETag"] == f'W/"{resource["meta"]["versionId"]}"'


def test_it_reads_every_type_of_the_demo_as_valid_r4(demo: Clinic) -> None:
    # given a practitioner's client of Riverside
    token = issue_token(demo, Role.PRACTITIONER)
    problems, read = [], 0
    for name in RESOURCE_TYPES:
        # when every resource the export writes (derived ids included) is read by its id
        # (for the test server's base: a Media links to its Binary read there)
        exported = list(resources(demo, name, fhir_base="http://testserver/fhir/R4/"))
        assert exported, name
        for resource in exported:
            response = get(token, f"{name}/{resource['id']}")
            read += 1
            if response.status_code != 200:
                problems.append(f"{name}/{resource['id']}: {response.status_code}")
                continue
            served = body(response)
            # then it is the export's resource, valid R4, with its version in the ETag
            if served != resource and name not in ("CodeSystem", "Questionnaire"):
                problems.append(f"{name}/{resource['id']}: differs from the export")
            error = r4_errors(served)
            if error:
                problems.append(f"{name}/{resource['id']}: {error}")
            if response["ETag"] != f'W/"{served["meta"]["versionId"]}"':
                problems.append(f"{name}/{resource['id']}: ETag {response['ETag']}")
    assert problems == []
    assert read > 300


def test_it_says_when_a_resource_last_changed(demo: Clinic) -> None:
    # given a patient of Riverside
    patient = Patient.objects.filter(clinic=demo).order_by("pk").first()
    assert patient is not None
    token = issue_token(demo, Role.PRACTITIONER)
    # when it is read
    response = get(token, f"Patient/{patient.public_id}")
    # then Last-Modified is its last update and the ETag its version
    from django.utils.http import http_date

    assert response["Last-Modified"] == http_date(patient.updated_at.timestamp())
    assert response["ETag"] == f'W/"{patient.version}"'
    # and a client holding that version is told nothing changed
    again = get(token, f"Patient/{patient.public_id}", HTTP_IF_NONE_MATCH=response["ETag"])
    assert again.status_code == 304


def test_it_audits_a_read_for_its_patient_as_the_client(demo: Clinic) -> None:
    # given a patient and a named client
    patient = Patient.objects.filter(clinic=demo).order_by("pk").first()
    assert patient is not None
    token = issue_token(demo, Role.PRACTITIONER, name="Hospital bridge")
    before = AuditEvent.objects.count()
    # when the patient is read
    get(token, f"Patient/{patient.public_id}")
    # then one view of that patient is on record, by the client, with no patient data
    event = AuditEvent.objects.order_by("-id").first()
    assert AuditEvent.objects.count() == before + 1
    assert event is not None
    assert (event.action, event.patient_id, event.user_id) == ("view", patient.pk, None)
    assert event.username == "fhir:Hospital bridge"
    assert patient.mrn not in event.detail
    assert patient.family_name not in event.detail


@pytest.mark.parametrize(
    ("path", "status", "code"),
    [
        ("Patient/00000000-0000-0000-0000-000000000000", 404, "not-found"),
        ("Patient/not-a-uuid", 404, "not-found"),
        ("Patient/" + "x" * 65, 404, "not-found"),
        ("Basic/00000000-0000-0000-0000-000000000000", 404, "not-found"),
        ("Basic", 404, "not-found"),
        ("patient", 404, "not-found"),
        ("Patient/1/_history/1", 404, "not-found"),
        ("CodeSystem/other", 404, "not-found"),
        ("/fhir/R5/metadata", 404, "not-found"),
        ("/fhir/", 404, "not-found"),
    ],
)
def test_it_answers_an_unknown_address_with_an_operation_outcome(
    riverside: Clinic, alice: Any, path: str, status: int, code: str
) -> None:
    token = issue_token(riverside, Role.PRACTITIONER)
    response = get(token, path)
    assert response.status_code == status
    assert issue(response) == code


def test_it_asks_for_a_bearer_token(riverside: Clinic, alice: Any) -> None:
    # when a resource is asked for with no token, or a wrong one
    for token in (None, "wrong"):
        response = get(token, "Patient")
        # then 401 with the Bearer challenge, as an OperationOutcome
        assert response.status_code == 401
        assert response["WWW-Authenticate"].startswith("Bearer")
        assert issue(response) == "login"


@pytest.mark.parametrize(
    ("query", "headers", "status"),
    [
        ("?_format=xml", {}, 406),
        ("?_format=application/fhir%2Bxml", {}, 406),
        ("", {"HTTP_ACCEPT": "application/fhir+xml"}, 406),
        ("?_format=json", {}, 200),
        ("?_format=application/fhir%2Bjson", {}, 200),
        ("", {"HTTP_ACCEPT": "application/fhir+json"}, 200),
        ("", {"HTTP_ACCEPT": "text/html,application/xhtml+xml,*/*;q=0.8"}, 200),
    ],
)
def test_it_serves_json_only(
    riverside: Clinic, alice: Any, query: str, headers: dict[str, str], status: int
) -> None:
    token = issue_token(riverside, Role.PRACTITIONER)
    response = get(token, f"Organization{query}", **headers)
    assert response.status_code == status
    body(response)


def test_it_refuses_to_write(riverside: Clinic, alice: Any) -> None:
    from django.test import Client

    token = issue_token(riverside, Role.PRACTITIONER)
    response = Client().post("/fhir/R4/Patient", {}, HTTP_AUTHORIZATION=f"Bearer {token}")
    assert response.status_code == 405
    assert issue(response) == "not-supported"


def test_it_answers_a_failure_without_detail(
    riverside: Clinic, alice: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    # given a mapper that fails
    from mesoclinic.fhir.api import views

    def broken(*args: Any, **kwargs: Any) -> None:
        raise RuntimeError("secret patient detail")

    monkeypatch.setattr(views, "run", broken)
    token = issue_token(riverside, Role.PRACTITIONER)
    # when a search runs into it
    response = get(token, "Patient")
    # then a 500 OperationOutcome that says nothing of the error
    assert response.status_code == 500
    assert issue(response) == "exception"
    assert "secret" not in response.content.decode()
