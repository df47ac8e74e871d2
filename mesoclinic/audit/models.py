"""The audit trail of patient-data access, chained so that tampering shows."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models, transaction
from django.db.models import Q
from django.db.models.functions import Coalesce
from django.utils import timezone

from mesoclinic.audit import chain
from mesoclinic.audit.choices import Action
from mesoclinic.clinics.access import ClinicScopedManager


class AuditEvent(models.Model):
    """One read or write of patient data, or a sign-in: who, which clinic and patient, what, when, from where.

    Rows are only ever inserted (``save`` refuses updates, database triggers refuse UPDATE
    and DELETE). Each event also carries the hash of the one before it in its clinic's chain
    (``audit.chain``, ``docs/audit.md``), so a row changed, removed, added or moved behind
    the application's back is found by ``mesoclinic verify-audit``.
    """

    # Set when the event joins its chain (under the chain's lock), so times follow the chain.
    at = models.DateTimeField(default=timezone.now, db_index=True, editable=False)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # Kept as text too, so the trail still reads after a user is renamed or deactivated.
    username = models.CharField(max_length=150, blank=True)
    clinic = models.ForeignKey(
        "clinics.Clinic", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    patient = models.ForeignKey(
        "patients.Patient", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    action = models.CharField(max_length=20, choices=Action.choices)
    object_type = models.CharField(max_length=50, blank=True)
    object_id = models.CharField(
        max_length=64, blank=True, help_text="public id of the record, never a name"
    )
    detail = models.CharField(
        max_length=300, blank=True, help_text="no patient data: counts, field names, reasons"
    )
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    request_id = models.CharField(
        max_length=64, blank=True, help_text="the request or command run, as in the server's logs"
    )
    # The chain: position in the clinic's chain (from 1), the previous event's hash and this
    # event's own (SHA-256 over its content and prev_hash, audit.chain.event_hash).
    seq = models.PositiveBigIntegerField(default=0, editable=False)
    prev_hash = models.CharField(max_length=64, default="", editable=False)
    hash = models.CharField(max_length=64, default="", editable=False)

    objects = ClinicScopedManager()

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [
            models.Index(fields=["clinic", "-at"], name="audit_clinic_at"),
            models.Index(fields=["clinic", "patient", "-at"], name="audit_clinic_patient_at"),
        ]
        constraints = [
            # One event per position: a second writer can never fork a chain, even if the
            # chain head's lock were bypassed. These also index the verifier's walk.
            models.UniqueConstraint(
                fields=["clinic", "seq"],
                condition=Q(clinic__isnull=False),
                name="audit_one_event_per_clinic_position",
            ),
            models.UniqueConstraint(
                fields=["seq"],
                condition=Q(clinic__isnull=True),
                name="audit_one_event_per_unscoped_position",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.username} {self.action} {self.object_type}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise ValueError("Audit events are append-only.")
        # The head's lock is held to the end of the caller's transaction, so appends to one
        # chain happen one after another (audit.chain.lock_head).
        with transaction.atomic(savepoint=False):
            head = chain.lock_head(AuditChainHead, self.clinic_id)
            chain.seal(self, head)
            super().save(*args, **kwargs)
            chain.advance(AuditChainHead, head, self)


class AuditChainHead(models.Model):
    """The end of one clinic's audit chain (or of the chain of events that have no clinic,
    such as failed sign-ins): how many events it holds and the last one's hash.

    Every append locks this row first, so two writers never give two events the same
    predecessor; the verifier compares the chain's end with it, so events removed from the
    end are found too.
    """

    clinic = models.ForeignKey(
        "clinics.Clinic", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    length = models.PositiveBigIntegerField(default=0)
    head_hash = models.CharField(max_length=64, default=chain.GENESIS)

    class Meta:
        constraints = [
            # One head per chain, the no-clinic chain included (NULLs are otherwise distinct).
            models.UniqueConstraint(
                Coalesce("clinic", models.Value(0), output_field=models.BigIntegerField()),
                name="audit_one_head_per_chain",
            )
        ]

    def __str__(self) -> str:
        return f"audit chain of clinic {self.clinic_id or '-'}: {self.length} events"
