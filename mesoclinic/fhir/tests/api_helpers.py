"""What the FHIR API tests share: a client's bearer token (made directly, as the token
endpoint would) and GET requests with it."""

from __future__ import annotations

import datetime as dt
import secrets
from typing import Any

from django.test import Client
from django.utils import timezone

from mesoclinic.clinics.models import Clinic, Membership
from mesoclinic.fhir.access import token_digest
from mesoclinic.fhir.models import AccessToken, BackendClient

BASE = "/fhir/R4/"


def issue_token(clinic: Clinic, role: str, scopes: str = "system/*.read", *, name: str = "") -> str:
    """A live bearer token of a new client of ``clinic`` acting as ``role``."""
    admin = Membership.objects.filter(clinic=clinic).select_related("user").first()
    assert admin is not None, "the clinic needs a member to register a client"
    client = BackendClient.objects.create(
        clinic=clinic,
        name=name or f"test {role} {secrets.token_hex(3)}",
        role=role,
        jwks={"keys": []},
        created_by=admin.user,
    )
    token = secrets.token_urlsafe(32)
    now = timezone.now()
    AccessToken.objects.create(
        token_sha256=token_digest(token),
        client=client,
        scopes=scopes,
        issued_at=now,
        expires_at=now + dt.timedelta(minutes=5),
    )
    return token


def get(token: str | None, path: str, **headers: Any) -> Any:
    """GET ``path`` (relative to /fhir/R4/, or absolute) with ``token``."""
    url = path if path.startswith(("/", "http")) else BASE + path
    if token:
        headers["HTTP_AUTHORIZATION"] = f"Bearer {token}"
    return Client().get(url, **headers)


def body(response: Any) -> dict[str, Any]:
    assert response["Content-Type"].startswith("application/fhir+json"), response["Content-Type"]
    data: dict[str, Any] = response.json()
    return data


def issue(response: Any) -> str:
    """The first issue's code of an OperationOutcome response."""
    data = body(response)
    assert data["resourceType"] == "OperationOutcome", data
    return str(data["issue"][0]["code"])
