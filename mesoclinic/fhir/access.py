"""What a FHIR request may read: the bearer token's client, clinic, role and scopes.

Every FHIR view starts with ``authenticate(request)``; every read then asks ``may_read``. The
answer combines the SMART scope granted (``system/Patient.read``, ``system/*.read`` or the v2
``system/*.rs``) with the client's clinic role (``clinics.roles``): a scope can narrow what the
role allows, never widen it."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass

from django.http import HttpRequest
from django.utils import timezone

from mesoclinic.clinics.models import Clinic
from mesoclinic.clinics.roles import Perm, role_has
from mesoclinic.fhir.models import AccessToken, BackendClient

# Definitions that identify no patient: readable by every role that reads anything.
DEFINITIONS = frozenset(
    {"CodeSystem", "Organization", "Practitioner", "PractitionerRole", "Questionnaire"}
)
DEMOGRAPHIC = frozenset({"Patient"})
# A lot's Medication names no patient, but only staff who handle the record need it.
_SCOPE = re.compile(r"^system/(?P<type>\*|[A-Z][A-Za-z]+)\.(?P<perms>read|\*|[cruds]+)$")


class AccessDenied(Exception):
    """The request may not proceed. ``status`` is the HTTP status to answer (401 without a
    valid token, 403 when the token does not reach the resource); the message is safe to show."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


def token_digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def scope_types(scopes: str) -> frozenset[str] | None:
    """The resource types readable under ``scopes``: None means every type (``system/*.read``).
    Scopes that do not allow reading (``system/*.write``) and unknown forms give nothing."""
    types: set[str] = set()
    for scope in scopes.split():
        match = _SCOPE.match(scope)
        if not match:
            continue
        perms = match["perms"]
        if not (perms in ("read", "*") or "r" in perms):
            continue
        if match["type"] == "*":
            return None
        types.add(match["type"])
    return frozenset(types)


@dataclass(frozen=True)
class FhirAccess:
    """The caller of one FHIR request: a registered client acting for one clinic in one role."""

    client: BackendClient
    scopes: str

    @property
    def clinic(self) -> Clinic:
        return self.client.clinic

    @property
    def role(self) -> str:
        return self.client.role

    def may_read(self, resource_type: str, *, bulk: bool = False) -> bool:
        """Whether this caller may read resources of ``resource_type``.

        The role decides first (as on the pages): clinical resources need VIEW_CLINICAL,
        Patient needs VIEW_DEMOGRAPHICS, definitions need either. A bulk export additionally
        serves an admin's client everything (EXPORT_IDENTIFIED: the identified registry
        export's permission). Then the scope must include the type."""
        allowed = self._role_allows(resource_type, bulk=bulk)
        if not allowed:
            return False
        types = scope_types(self.scopes)
        return types is None or resource_type in types

    def _role_allows(self, resource_type: str, *, bulk: bool) -> bool:
        role = self.client.role
        if bulk and role_has(role, Perm.EXPORT_IDENTIFIED):
            return True
        if resource_type in DEFINITIONS:
            return role_has(role, Perm.VIEW_DEMOGRAPHICS) or role_has(role, Perm.VIEW_CLINICAL)
        if resource_type in DEMOGRAPHIC:
            return role_has(role, Perm.VIEW_DEMOGRAPHICS)
        return role_has(role, Perm.VIEW_CLINICAL)


def authenticate(request: HttpRequest) -> FhirAccess:
    """The caller of ``request`` from its ``Authorization: Bearer`` token, or AccessDenied(401)."""
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise AccessDenied(401, "A bearer access token is required (SMART Backend Services).")
    row = (
        AccessToken.objects.select_related("client__clinic")
        .filter(token_sha256=token_digest(token.strip()))
        .first()
    )
    if row is None or row.expires_at <= timezone.now():
        raise AccessDenied(401, "The access token is unknown or has expired.")
    if not row.client.is_active or row.client.revoked_at is not None:
        raise AccessDenied(401, "The client of this access token has been revoked.")
    return FhirAccess(client=row.client, scopes=row.scopes)
