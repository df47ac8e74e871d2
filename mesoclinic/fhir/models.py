"""Who may call the FHIR API: server-to-server clients a clinic admin registers, and the
short-lived access tokens they obtain (SMART Backend Services, client-credentials grant).

These rows hold no patient data. A client belongs to exactly one clinic and acts with one
clinic role's permissions (``clinics.roles``), so a token can never read another clinic's
record or more than that role may read on a page."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

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
    # When it last got a token (shown to the admin; expired tokens themselves are deleted).
    last_token_at = models.DateTimeField(null=True, blank=True)

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


class UsedAssertion(models.Model):
    """A client assertion's ``jti`` already exchanged for a token. Kept until the assertion
    expires, so the same signed JWT cannot be replayed (RFC 7523 §3, SMART Backend Services)."""

    client = models.ForeignKey(BackendClient, on_delete=models.CASCADE, related_name="+")
    jti = models.CharField(max_length=255)
    expires_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["client", "jti"], name="fhir_assertion_once")
        ]
        indexes = [models.Index(fields=["expires_at"], name="fhir_assertion_expiry")]


class RateWindow(models.Model):
    """How many FHIR requests a client made in one minute: the rate limit counts here, in the
    database, so every server process shares one count (a per-process cache would not)."""

    client = models.ForeignKey(BackendClient, on_delete=models.CASCADE, related_name="+")
    window_start = models.DateTimeField()
    requests = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["client", "window_start"], name="fhir_rate_window")
        ]


class BulkJobStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Running")
    COMPLETED = "completed", _("Completed")
    FAILED = "failed", _("Failed")
    CANCELLED = "cancelled", _("Cancelled")
    EXPIRED = "expired", _("Expired")


class BulkExportJob(models.Model):
    """One FHIR Bulk Data ``$export`` a client asked for: what it asked, how far it got, and the
    NDJSON files it wrote (in a private folder, deleted when they expire). The row holds no
    patient data: counts per resource type and the request as the client sent it."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    clinic = models.ForeignKey(Clinic, on_delete=models.PROTECT, related_name="fhir_exports")
    client = models.ForeignKey(BackendClient, on_delete=models.PROTECT, related_name="exports")
    # "system" ($export), "patient" (Patient/$export) or "group" (Group/[id]/$export): which
    # resource types are the default.
    level = models.CharField(max_length=20)
    # For a group export, the group's id (``fhir.bulk.groups``: ``lot-…`` or ``indication-…``);
    # its patients are found when the job runs, so the export is of the group as it then stands.
    group = models.CharField(max_length=80, blank=True)
    # The kick-off URL as requested (the manifest's ``request``).
    request_url = models.CharField(max_length=2000)
    types = models.CharField(max_length=1000)  # comma-separated resource types, in export order
    since = models.DateTimeField(null=True, blank=True)
    status = models.CharField(
        max_length=20, choices=BulkJobStatus.choices, default=BulkJobStatus.QUEUED
    )
    # The manifest's transactionTime: when the export started reading (records changed later
    # may be missing; a client passes it as the next ``_since``).
    transaction_time = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    # Touched while running: a job whose heartbeat stops (the server restarted) is run again.
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField(null=True, blank=True)
    current_type = models.CharField(max_length=40, blank=True)
    counts = models.JSONField(default=dict)  # resource type -> resources written
    error = models.CharField(max_length=500, blank=True)

    class Meta:
        indexes = [models.Index(fields=["status", "heartbeat_at"], name="fhir_export_status")]

    def __str__(self) -> str:
        return f"$export {self.public_id} ({self.status})"

    @property
    def type_list(self) -> list[str]:
        return [t for t in self.types.split(",") if t]

    @property
    def total(self) -> int:
        return sum(int(n) for n in self.counts.values())
