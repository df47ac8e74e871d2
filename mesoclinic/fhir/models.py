"""Who may call the FHIR API: server-to-server clients a clinic admin registers, and the
short-lived access tokens they obtain (SMART Backend Services, client-credentials grant).

These rows hold no patient data. A client belongs to exactly one clinic and acts with one
clinic role's permissions (``clinics.roles``), so a token can never read another clinic's
record or more than that role may read on a page."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models

from mesoclinic.clinics.choices import Role
from mesoclinic.clinics.models import Clinic


class BackendClient(models.Model):
    """A system registered by a clinic admin to read the clinic's record over FHIR (a hospital's
    integration engine, a registry, an accounting system). It authenticates with a JWT signed
    by its own private key (RS384 or ES384); we keep only its public keys (a JWK Set)."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    clinic = models.ForeignKey(Clinic, on_delete=models.PROTECT, related_name="fhir_clients")
    name = models.CharField(max_length=120)
    # The permissions the client acts with: a page user's role, read-only. A researcher's client
    # gets no patient-level resource (design.md: researchers never see identities).
    role = models.CharField(max_length=20, choices=Role.choices)
    # The SMART scopes the admin granted, space-separated (e.g. "system/*.read"); a token gets
    # the intersection of what the client asks and what was granted.
    scopes = models.CharField(max_length=500, default="system/*.read")
    jwks = models.JSONField(help_text="The client's public keys as a JWK Set ({'keys': [...]})")
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["clinic", "name"], name="fhir_client_name_per_clinic")
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.clinic})"


class AccessToken(models.Model):
    """A bearer token issued to a client. Only its SHA-256 is stored, so a copy of the database
    gives no one a working token; it expires after minutes (SMART recommends ≤ 5)."""

    token_sha256 = models.CharField(max_length=64, unique=True)
    client = models.ForeignKey(BackendClient, on_delete=models.PROTECT, related_name="tokens")
    scopes = models.CharField(max_length=500)
    issued_at = models.DateTimeField()
    expires_at = models.DateTimeField()

    class Meta:
        indexes = [models.Index(fields=["expires_at"], name="fhir_token_expiry")]
