"""The SMART Backend Services token endpoint: a signed assertion gets a short-lived token
carrying the granted scopes; anything else gets an RFC 6749 error, and both are audited."""

from __future__ import annotations

import time
from typing import Any

import jwt
import pytest
from django.test import Client
from django.utils import timezone

from mesoclinic.audit.models import AuditEvent
from mesoclinic.clinics.choices import Role
from mesoclinic.clinics.models import Clinic, Membership
from mesoclinic.fhir.access import authenticate
from mesoclinic.fhir.models import BackendClient
from mesoclinic.fhir.tests.smart_helpers import RSA_KEY, SignedClient, signed_client

TOKEN = "/fhir/R4/auth/token"


def _post(client: Client, form: dict[str, str]) -> Any:
    return client.post(TOKEN, form)


@pytest.mark.django_db
@pytest.mark.parametrize("algorithm", ["RS384", "ES384"])
def test_it_issues_a_token_for_a_signed_assertion(
    client: Client, riverside: Clinic, ada: Membership, algorithm: str, rf: Any
) -> None:
    # given a client registered with a public key
    signed = signed_client(riverside, ada, role=Role.PRACTITIONER, algorithm=algorithm)
    # when it posts an assertion signed with the private key
    response = _post(client, signed.token_form("system/Patient.read system/Observation.read"))
    # then it gets a bearer token for five minutes with the scopes it asked
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["token_type"] == "bearer"
    assert body["expires_in"] == 300
    assert body["scope"] == "system/Patient.read system/Observation.read"
    assert "no-store" in response["Cache-Control"]
    access = authenticate(rf.get("/", headers={"Authorization": f"Bearer {body['access_token']}"}))
    assert access.client == signed.client
    assert access.may_read("Patient")
    assert not access.may_read("AdverseEvent")
    # and the issue is audited without the token
    event = AuditEvent.objects.get(action="login", clinic=riverside)
    assert signed.client_id in event.detail
    assert body["access_token"] not in event.detail
    signed.client.refresh_from_db()
    assert signed.client.last_token_at is not None


@pytest.mark.django_db
def test_it_narrows_the_request_to_the_granted_scopes(
    client: Client, riverside: Clinic, ada: Membership
) -> None:
    signed = signed_client(riverside, ada, role=Role.PRACTITIONER, scopes="system/Patient.read")
    # when the client asks for more than it was granted, it gets only what was granted
    body = _post(client, signed.token_form("system/*.read system/Patient.read")).json()
    assert body["scope"] == "system/Patient.read"
    # and nothing at all when nothing it asks is granted
    response = _post(client, signed.token_form("system/Observation.read"))
    assert response.status_code == 400
    assert response.json()["error"] == "invalid_scope"


def _unsigned(signed: SignedClient) -> str:
    now = int(time.time())
    claims = {"iss": signed.client_id, "sub": signed.client_id, "aud": "http://testserver" + TOKEN,
              "exp": now + 60, "jti": "x"}  # fmt: skip
    return jwt.encode(claims, "", algorithm="none", headers={"kid": signed.kid})


@pytest.mark.django_db
@pytest.mark.parametrize(
    "tamper",
    [
        pytest.param(lambda s: _unsigned(s), id="alg none"),
        pytest.param(
            lambda s: jwt.encode(
                {
                    "iss": s.client_id,
                    "sub": s.client_id,
                    "aud": "http://testserver" + TOKEN,
                    "exp": int(time.time()) + 60,
                    "jti": "h",
                },
                "a-shared-secret-that-is-long-enough-for-hs384-signing-xx",
                algorithm="HS384",
                headers={"kid": s.kid},
            ),
            id="HS384",
        ),  # fmt: skip
        pytest.param(
            lambda s: jwt.encode(
                {
                    "iss": s.client_id,
                    "sub": s.client_id,
                    "aud": "http://testserver" + TOKEN,
                    "exp": int(time.time()) + 60,
                    "jti": "r",
                },
                RSA_KEY,
                algorithm="RS256",
                headers={"kid": s.kid},
            ),
            id="RS256",
        ),  # fmt: skip
        pytest.param(lambda s: s.assertion(audience="http://elsewhere/token"), id="wrong aud"),
        pytest.param(lambda s: s.assertion(sub="someone-else"), id="sub differs"),
        pytest.param(lambda s: s.assertion(exp=int(time.time()) + 3600), id="exp too far"),
        pytest.param(lambda s: s.assertion(exp=int(time.time()) - 120), id="expired"),
        pytest.param(lambda s: s.assertion(jti=None), id="no jti"),
        pytest.param(lambda s: s.assertion(iss="not-a-client"), id="unknown iss"),
        pytest.param(
            lambda s: jwt.encode(
                {
                    "iss": s.client_id,
                    "sub": s.client_id,
                    "aud": "http://testserver" + TOKEN,
                    "exp": int(time.time()) + 60,
                    "jti": "k",
                },
                s.key,
                algorithm=s.algorithm,
                headers={"kid": "another-kid"},
            ),
            id="unknown kid",
        ),  # fmt: skip
    ],
)
def test_it_refuses_an_assertion_that_does_not_prove_the_client(
    client: Client, riverside: Clinic, ada: Membership, tamper: Any
) -> None:
    # given a registered client
    signed = signed_client(riverside, ada, role=Role.PRACTITIONER)
    form = signed.token_form()
    form["client_assertion"] = tamper(signed)
    # when the assertion is tampered with, then it is invalid_client and no token is issued
    response = _post(client, form)
    assert response.status_code == 401
    assert response.json()["error"] == "invalid_client"
    assert "access_token" not in response.json()
    assert AuditEvent.objects.filter(action="login_failed").exists()


@pytest.mark.django_db
def test_it_refuses_a_key_registered_for_another_client(
    client: Client, riverside: Clinic, ada: Membership
) -> None:
    # given two clients; the second signs with its own key but names the first as issuer
    first = signed_client(riverside, ada, role=Role.PRACTITIONER, algorithm="ES384")
    second = signed_client(riverside, ada, role=Role.PRACTITIONER, algorithm="RS384")
    forged = jwt.encode(
        {"iss": first.client_id, "sub": first.client_id, "aud": "http://testserver" + TOKEN,
         "exp": int(time.time()) + 60, "jti": "f"},
        second.key, algorithm="RS384", headers={"kid": first.kid},
    )  # fmt: skip
    form = first.token_form()
    form["client_assertion"] = forged
    # then the signature does not verify with the first client's key
    assert _post(client, form).status_code == 401


@pytest.mark.django_db
def test_it_refuses_a_replayed_assertion(
    client: Client, riverside: Clinic, ada: Membership
) -> None:
    signed = signed_client(riverside, ada, role=Role.PRACTITIONER)
    form = signed.token_form()
    assert _post(client, form).status_code == 200
    # when the same signed JWT is posted again
    again = _post(client, form)
    # then its jti is known and it is refused
    assert again.status_code == 401
    assert "already been used" in again.json()["error_description"]


@pytest.mark.django_db
def test_it_refuses_a_revoked_client(client: Client, riverside: Clinic, ada: Membership) -> None:
    signed = signed_client(riverside, ada, role=Role.PRACTITIONER)
    BackendClient.objects.update(is_active=False, revoked_at=timezone.now())
    response = _post(client, signed.token_form())
    assert response.status_code == 401
    assert response.json()["error"] == "invalid_client"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("change", "error"),
    [
        ({"grant_type": "password"}, "unsupported_grant_type"),
        ({"client_assertion_type": "urn:something-else"}, "invalid_request"),
        ({"client_assertion": ""}, "invalid_request"),
        ({"scope": ""}, "invalid_scope"),
    ],
)
def test_it_answers_a_malformed_request_with_an_oauth_error(
    client: Client, riverside: Clinic, ada: Membership, change: dict[str, str], error: str
) -> None:
    signed = signed_client(riverside, ada, role=Role.PRACTITIONER)
    response = _post(client, {**signed.token_form(), **change})
    assert response.status_code == 400
    assert response.json()["error"] == error


@pytest.mark.django_db
def test_it_refuses_a_get_on_the_token_endpoint(client: Client) -> None:
    assert client.get(TOKEN).status_code == 405


@pytest.mark.django_db
def test_it_limits_token_requests_per_client(
    client: Client, riverside: Clinic, ada: Membership, settings: Any
) -> None:
    # given a limit of two requests a minute
    settings.FHIR_RATE_LIMIT_PER_MINUTE = 2
    signed = signed_client(riverside, ada, role=Role.PRACTITIONER)
    codes = [_post(client, signed.token_form()).status_code for _ in range(3)]
    # then the third is refused with 429, Retry-After and an OperationOutcome
    assert codes[:2] == [200, 200]
    assert codes[2] == 429
    response = _post(client, signed.token_form())
    assert 1 <= int(response["Retry-After"]) <= 60
    assert response.json()["resourceType"] == "OperationOutcome"


@pytest.mark.django_db
def test_it_publishes_the_smart_configuration(client: Client) -> None:
    body = client.get("/fhir/R4/.well-known/smart-configuration").json()
    assert body["token_endpoint"] == "http://testserver" + TOKEN
    assert body["grant_types_supported"] == ["client_credentials"]
    assert body["token_endpoint_auth_methods_supported"] == ["private_key_jwt"]
    assert set(body["token_endpoint_auth_signing_alg_values_supported"]) == {"RS384", "ES384"}
    assert "system/*.read" in body["scopes_supported"]
