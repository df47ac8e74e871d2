"""The audit trail of patient-data access."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models

from mesoclinic.audit.choices import Action
from mesoclinic.clinics.access import ClinicScopedManager


class AuditEvent(models.Model):
    """One read or write of patient data, or a sign-in: who, which clinic and patient, what, when, from where.

    Rows are only ever inserted (``save`` refuses updates), so the trail cannot be edited
    through the application.
    """

    at = models.DateTimeField(auto_now_add=True, db_index=True)
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

    objects = ClinicScopedManager()

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [
            models.Index(fields=["clinic", "-at"], name="audit_clinic_at"),
            models.Index(fields=["clinic", "patient", "-at"], name="audit_clinic_patient_at"),
        ]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.username} {self.action} {self.object_type}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise ValueError("Audit events are append-only.")
        super().save(*args, **kwargs)
