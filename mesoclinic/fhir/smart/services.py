"""Registering, revoking and issuing tokens to FHIR backend clients: the writes, each with its
audit event in the same transaction. No secret goes into the trail: a token is stored only as
its SHA-256 and named nowhere."""

from __future__ import annotations

import datetime as dt
import secrets
from typing import Any

from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone

from mesoclinic.audit.choices import Action
from mesoclinic.audit.services import record
from mesoclinic.clinics.models import Clinic
from mesoclinic.fhir.access import scope_types, token_digest
from mesoclinic.fhir.models import AccessToken, BackendClient, UsedAssertion

TOKEN_LIFETIME_S = 300


class ScopeError(ValueError):
    """None of the requested scopes is granted (RFC 6749 ``invalid_scope``)."""


def who(client: BackendClient) -> str:
    """How the audit trail names a client: its name and id (the event has no user)."""
    return f"FHIR client {client.name} ({client.public_id})"


def allowed_scopes(requested: str, granted: str) -> str:
    """The requested scopes the grant covers, in the order asked: a scope is covered when every
    type it reads is readable under the grant (``system/Patient.read`` under ``system/*.read``)."""
    grant = scope_types(granted)
    kept: list[str] = []
    for scope in requested.split():
        types = scope_types(scope)
        if types == frozenset() or scope in kept:
            continue
        if grant is None or (types is not None and types <= grant):
            kept.append(scope)
    if not kept:
        raise ScopeError("None of the requested scopes is granted to this client.")
    return " ".join(kept)


def issue_token(request: HttpRequest, client: BackendClient, requested: str) -> tuple[str, str]:
    """A new bearer token for ``client`` and the scopes it carries."""
    scopes = allowed_scopes(requested, client.scopes)
    token = secrets.token_urlsafe(32)
    now = timezone.now()
    with transaction.atomic():
        AccessToken.objects.create(
            token_sha256=token_digest(token),
            client=client,
            scopes=scopes,
            issued_at=now,
            expires_at=now + dt.timedelta(seconds=TOKEN_LIFETIME_S),
        )
        BackendClient.objects.filter(pk=client.pk).update(last_token_at=now)
        record(
            request,
            Action.LOGIN,
            obj=client,
            clinic=client.clinic,
            detail=f"{who(client)}: access token issued, scope {scopes}",
        )
    return token, scopes


def refuse(request: HttpRequest, client: BackendClient | None, error: str, message: str) -> None:
    """Audit a refused token request (with the client when the assertion named a real one)."""
    actor = who(client) if client is not None else "FHIR token request"
    record(
        request,
        Action.LOGIN_FAILED,
        obj=client,
        clinic=client.clinic if client is not None else None,
        detail=f"{actor}: refused ({error}: {message})",
    )


def register_client(request: HttpRequest, clinic: Clinic, data: dict[str, Any]) -> BackendClient:
    assert request.user.is_authenticated  # the admin's page requires a signed-in member
    with transaction.atomic():
        client = BackendClient.objects.create(
            clinic=clinic,
            name=data["name"],
            role=data["role"],
            scopes=data["scopes"],
            jwks=data["jwks"],
            created_by=request.user,
        )
        record(
            request,
            Action.CREATE,
            obj=client,
            detail=f"{who(client)} registered: role {client.role}, scopes {client.scopes}",
        )
    return client


def revoke_client(request: HttpRequest, client: BackendClient) -> None:
    """Revoke at once: the client's live tokens stop working with this transaction."""
    now = timezone.now()
    with transaction.atomic():
        BackendClient.objects.filter(pk=client.pk).update(is_active=False, revoked_at=now)
        AccessToken.objects.filter(client=client, expires_at__gt=now).update(expires_at=now)
        record(request, Action.UPDATE, obj=client, detail=f"{who(client)} revoked")


def forget_expired(now: dt.datetime) -> int:
    """Delete expired tokens and used-assertion ids (nothing they prove is needed any more)."""
    tokens, _ = AccessToken.objects.filter(expires_at__lte=now).delete()
    used, _ = UsedAssertion.objects.filter(expires_at__lte=now).delete()
    return tokens + used
