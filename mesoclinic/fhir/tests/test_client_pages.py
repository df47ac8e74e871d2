"""The clinic admin registers, lists and revokes FHIR backend clients; nobody else can, and
another clinic's admin sees none of them."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client, RequestFactory
from jwt.algorithms import RSAAlgorithm

from mesoclinic.audit.models import AuditEvent
from mesoclinic.clinics.choices import Role
from mesoclinic.clinics.models import Clinic, Membership
from mesoclinic.fhir.access import AccessDenied, authenticate
from mesoclinic.fhir.models import BackendClient
from mesoclinic.fhir.tests.smart_helpers import RSA_KEY, public_jwk, signed_client

PRIVATE_JWK = json.loads(RSAAlgorithm.to_jwk(RSA_KEY)) | {"kid": "p"}

Login = Callable[[Membership], Client]
LIST = "/clinic/fhir-clients/"
NEW = "/clinic/fhir-clients/new/"


def _form(**changes: Any) -> dict[str, str]:
    return {
        "name": "Hospital integration engine",
        "role": Role.PRACTITIONER,
        "scopes": "system/*.read",
        "jwks": json.dumps({"keys": [public_jwk(RSA_KEY, "hospital-1")]}),
        **changes,
    }


@pytest.mark.django_db
def test_it_registers_a_client_for_the_admin(login: Login, ada: Membership) -> None:
    # given the clinic admin
    client = login(ada)
    # when she registers a client with its public key
    response = client.post(NEW, _form())
    # then it belongs to her clinic, acts in the chosen role, and the list shows its id
    assert response.status_code == 302
    registered = BackendClient.objects.get()
    assert registered.clinic == ada.clinic
    assert registered.role == Role.PRACTITIONER
    assert registered.jwks["keys"][0]["kid"] == "hospital-1"
    page = client.get(LIST).content.decode()
    assert str(registered.public_id) in page
    assert "/fhir/R4/auth/token" in page
    event = AuditEvent.objects.get(action="create", object_type="backendclient")
    assert "registered" in event.detail


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"jwks": json.dumps({"keys": [PRIVATE_JWK]})}, "private parts"),
        ({"jwks": "not json"}, "not JSON"),
        ({"scopes": "user/*.read"}, "not a read scope"),
        ({"name": ""}, "required"),
    ],
)  # fmt: skip
def test_it_refuses_a_registration_it_cannot_accept(
    login: Login, ada: Membership, changes: dict[str, str], message: str
) -> None:
    response = login(ada).post(NEW, _form(**changes))
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not BackendClient.objects.exists()


@pytest.mark.django_db
def test_it_refuses_a_second_client_of_the_same_name(login: Login, ada: Membership) -> None:
    client = login(ada)
    client.post(NEW, _form())
    response = client.post(NEW, _form())
    assert "already has this name" in response.content.decode()
    assert BackendClient.objects.count() == 1


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["alice", "bob", "rita", "nina"])
def test_it_refuses_the_pages_to_anyone_but_the_admin(
    login: Login, who: str, request: pytest.FixtureRequest, ada: Membership
) -> None:
    member: Membership = request.getfixturevalue(who)
    target = signed_client(ada.clinic, ada, role=Role.PRACTITIONER)
    client = login(member)
    assert client.get(LIST).status_code == 403
    assert client.post(NEW, _form()).status_code == 403
    assert client.post(f"{LIST}{target.client_id}/revoke/").status_code == 403
    target.client.refresh_from_db()
    assert target.client.revoked_at is None


@pytest.mark.django_db
def test_it_revokes_a_client_and_its_tokens_at_once(
    login: Login, ada: Membership, client: Client, rf: RequestFactory
) -> None:
    # given a client holding a live token
    signed = signed_client(ada.clinic, ada, role=Role.PRACTITIONER)
    token = Client().post("/fhir/R4/auth/token", signed.token_form()).json()["access_token"]
    bearer = rf.get("/fhir/R4/Patient", headers={"Authorization": f"Bearer {token}"})
    assert authenticate(bearer).client == signed.client
    # when the admin revokes it
    response = login(ada).post(f"{LIST}{signed.client_id}/revoke/")
    # then its token no longer works, nor can it get another, and the revocation is audited
    assert response.status_code == 302
    with pytest.raises(AccessDenied):
        authenticate(bearer)
    assert Client().post("/fhir/R4/auth/token", signed.token_form()).status_code == 401
    assert AuditEvent.objects.filter(action="update", detail__contains="revoked").exists()
    assert "revoked" in client.get(LIST).content.decode()


@pytest.mark.django_db
def test_it_shows_another_clinic_none_of_its_clients(
    login: Login, ada: Membership, hilltop: Clinic, charlie: Membership
) -> None:
    # given a Riverside client and a Hilltop admin
    signed = signed_client(ada.clinic, ada, role=Role.PRACTITIONER, name="Riverside registry")
    Membership.objects.filter(pk=charlie.pk).update(role=Role.ADMIN)
    client = login(charlie)
    # then Hilltop's list does not show it and revoking it is a 404
    assert "Riverside registry" not in client.get(LIST).content.decode()
    assert client.post(f"{LIST}{signed.client_id}/revoke/").status_code == 404
    signed.client.refresh_from_db()
    assert signed.client.revoked_at is None


@pytest.mark.django_db
def test_it_links_the_clients_from_the_clinic_settings(login: Login, ada: Membership) -> None:
    page = login(ada).get("/clinic/settings/").content.decode()
    assert 'href="/clinic/fhir-clients/"' in page
