"""The REST API and the SMART/Bulk Data endpoints as one service: the CapabilityStatement offers
the token endpoint and the $export operations that are really routed, and the per-client rate
limit holds on searches and reads as on the token and bulk endpoints."""

from __future__ import annotations

from typing import Any

import pytest

from mesoclinic.clinics.choices import Role
from mesoclinic.clinics.models import Clinic
from mesoclinic.fhir.tests.api_helpers import body, get, issue, issue_token

pytestmark = pytest.mark.django_db


def test_it_offers_the_routed_token_endpoint_and_export_operations(db: Any) -> None:
    # when the metadata is read
    rest = body(get(None, "metadata"))["rest"][0]
    # then the SMART token URL is the one the token endpoint answers at
    uris = {u["url"]: u["valueUri"] for u in rest["security"]["extension"][0]["extension"]}
    assert uris["token"] == "http://testserver/fhir/R4/auth/token"
    # and the export operations offered are the routed ones
    assert [op["name"] for op in rest["operation"]] == ["export", "patient-export", "group-export"]


def test_it_limits_a_clients_searches_per_minute(
    riverside: Clinic, alice: Any, settings: Any
) -> None:
    # given a limit of 3 requests a minute
    settings.FHIR_RATE_LIMIT_PER_MINUTE = 3
    token = issue_token(riverside, Role.PRACTITIONER)
    # when the client searches four times
    answers = [get(token, "Patient") for _ in range(4)]
    # then the first three are answered and the fourth is a 429 saying when to retry
    assert [a.status_code for a in answers[:3]] == [200, 200, 200]
    assert answers[3].status_code == 429
    assert int(answers[3]["Retry-After"]) >= 1
    assert issue(answers[3]) == "throttled"
    # and another client of the same clinic is not held back by the first one's count
    assert get(issue_token(riverside, Role.PRACTITIONER), "Patient").status_code == 200
