"""Who a FHIR bearer token lets read what: the clinic role first, the SMART scope second."""

from __future__ import annotations

import datetime as dt
import secrets

import pytest
from django.http import HttpRequest
from django.test import RequestFactory
from django.utils import timezone

from mesoclinic.clinics.choices import Role
from mesoclinic.clinics.models import Clinic, Membership
from mesoclinic.fhir.access import AccessDenied, authenticate, scope_types, token_digest
from mesoclinic.fhir.models import AccessToken, BackendClient

JWKS: dict[str, list[object]] = {"keys": []}


def _token(
    clinic: Clinic, admin: Membership, role: str, scopes: str, *, expires_in_s: int = 300
) -> str:
    client = BackendClient.objects.create(
        clinic=clinic, name=f"client-{role}-{scopes}", role=role, jwks=JWKS, created_by=admin.user
    )
    token = secrets.token_urlsafe(32)
    now = timezone.now()
    AccessToken.objects.create(
        token_sha256=token_digest(token),
        client=client,
        scopes=scopes,
        issued_at=now,
        expires_at=now + dt.timedelta(seconds=expires_in_s),
    )
    return token


def _request(token: str | None) -> HttpRequest:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    return RequestFactory().get("/fhir/R4/Patient", headers=headers)


@pytest.mark.parametrize(
    ("scopes", "expected"),
    [
        ("system/*.read", None),
        ("system/*.rs", None),
        ("system/Patient.read system/Observation.rs", frozenset({"Patient", "Observation"})),
        ("system/*.write", frozenset()),
        ("user/*.read patient/*.read", frozenset()),
        ("", frozenset()),
    ],
)
def test_it_reads_the_types_a_scope_allows(scopes: str, expected: frozenset[str] | None) -> None:
    assert scope_types(scopes) == expected


@pytest.mark.django_db
def test_it_refuses_a_request_without_a_valid_token(riverside: Clinic, ada: Membership) -> None:
    expired = _token(riverside, ada, Role.PRACTITIONER, "system/*.read", expires_in_s=-1)
    for token in (None, "not-a-token", expired):
        with pytest.raises(AccessDenied) as denied:
            authenticate(_request(token))
        assert denied.value.status == 401


@pytest.mark.django_db
def test_it_refuses_a_revoked_client(riverside: Clinic, ada: Membership) -> None:
    token = _token(riverside, ada, Role.PRACTITIONER, "system/*.read")
    BackendClient.objects.update(is_active=False)
    with pytest.raises(AccessDenied):
        authenticate(_request(token))


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("role", "readable", "unreadable"),
    [
        (Role.PRACTITIONER, {"Patient", "Observation", "Organization"}, set()),
        (Role.NURSE, {"Patient", "Observation"}, set()),
        (Role.RECEPTION, {"Patient", "Organization"}, {"Observation", "AdverseEvent"}),
        (Role.RESEARCHER, set(), {"Patient", "Observation", "Organization"}),
        (Role.ADMIN, {"Patient", "Organization"}, {"Observation"}),
    ],
)
def test_it_lets_each_role_read_what_its_pages_show(
    riverside: Clinic, ada: Membership, role: str, readable: set[str], unreadable: set[str]
) -> None:
    access = authenticate(_request(_token(riverside, ada, role, "system/*.read")))
    assert access.clinic == riverside
    assert {t for t in readable if access.may_read(t)} == readable
    assert {t for t in unreadable if access.may_read(t)} == set()


@pytest.mark.django_db
def test_it_gives_an_admin_client_everything_in_a_bulk_export_only(
    riverside: Clinic, ada: Membership
) -> None:
    access = authenticate(_request(_token(riverside, ada, Role.ADMIN, "system/*.read")))
    assert not access.may_read("Observation")
    assert access.may_read("Observation", bulk=True)


@pytest.mark.django_db
def test_it_narrows_a_role_by_scope_never_widens_it(riverside: Clinic, ada: Membership) -> None:
    narrow = _token(riverside, ada, Role.PRACTITIONER, "system/Patient.read")
    access = authenticate(_request(narrow))
    assert access.may_read("Patient")
    assert not access.may_read("Observation")
    reception = _token(riverside, ada, Role.RECEPTION, "system/Observation.read")
    assert not authenticate(_request(reception)).may_read("Observation")
