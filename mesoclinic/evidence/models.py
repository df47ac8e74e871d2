"""The evidence app's one table: the other practices' bundles a research hub pools.

The report itself is computed from the records of the other apps (sessions, measurements,
adverse events) or from registry bundles; the statistics live in ``engine/`` with no Django
import (../shared/spec/evidence-report.md).
"""

from __future__ import annotations

import uuid
from pathlib import Path

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from mesoclinic.clinics.access import ClinicScopedManager


class SiteBundle(models.Model):
    """A de-identified registry bundle of one practice — a *site* — held by a research-hub clinic
    for the evidence report pooled across practices (issue 16).

    Research data, not a clinical record: it is never imported into the hub's patients (their
    ids could collide with another site's, and pooling must keep each site apart for its random
    effect). The validated .zip is kept as uploaded, in a private folder, under its SHA-256.
    """

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    clinic = models.ForeignKey("clinics.Clinic", on_delete=models.PROTECT, related_name="+")
    site = models.CharField(max_length=100, help_text=_("The practice this bundle comes from, as the report names it"))  # fmt: skip
    sha256 = models.CharField(max_length=64)
    size_bytes = models.PositiveBigIntegerField()
    patients = models.PositiveIntegerField()
    sessions = models.PositiveIntegerField()
    measurements = models.PositiveIntegerField()
    adverse_events = models.PositiveIntegerField()
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")  # fmt: skip
    uploaded_at = models.DateTimeField(auto_now_add=True)

    objects = ClinicScopedManager()

    class Meta:
        ordering = ["site"]
        constraints = [models.UniqueConstraint(fields=["clinic", "site"], name="site_bundle_site_unique")]  # fmt: skip

    def __str__(self) -> str:
        return self.site

    @property
    def path(self) -> Path:
        """Where the bundle's .zip is kept (never under media: it is served to no one)."""
        return Path(settings.RESEARCH_BUNDLE_ROOT) / str(self.clinic_id) / f"{self.public_id}.zip"
