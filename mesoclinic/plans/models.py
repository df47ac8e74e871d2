"""Treatment plans (courses)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from mesoclinic.clinical_codes import AREAS, INDICATIONS, SIDES, choices
from mesoclinic.records.models import ClinicalRecord


class PlanStatus(models.TextChoices):
    ACTIVE = "active", _("Active")
    COMPLETED = "completed", _("Completed")
    STOPPED = "stopped", _("Stopped early")


class TreatmentPlan(ClinicalRecord):
    """A planned course for one indication: areas, protocol, number of sessions and interval,
    estimated price and the lifestyle advice given (weight stability matters for the evidence)."""

    patient = models.ForeignKey("patients.Patient", on_delete=models.PROTECT, related_name="plans")
    consultation = models.ForeignKey(
        "consultations.Consultation",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="plans",
    )
    indication = models.CharField(max_length=30, choices=choices(INDICATIONS))
    protocol = models.CharField(
        max_length=100, blank=True, help_text=_("course name, e.g. PC/DC 4x8w")
    )
    planned_sessions = models.PositiveSmallIntegerField()
    interval_days = models.PositiveSmallIntegerField()
    estimated_price = models.DecimalField(max_digits=10, decimal_places=2, null=True, blank=True)
    currency = models.CharField(max_length=3, blank=True)
    lifestyle_advice = models.TextField(blank=True)
    status = models.CharField(max_length=20, choices=PlanStatus.choices, default=PlanStatus.ACTIVE)
    start_date = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.get_indication_display()} — {self.protocol or gettext('plan')}"

    def sessions_done(self) -> int:
        """Signed sessions of this course: the chart's count annotated by the database
        (``signed_sessions``), else from the (prefetched) sessions."""
        annotated: int | None = getattr(self, "signed_sessions", None)
        if annotated is not None:
            return annotated
        return sum(1 for s in self.sessions.all() if s.signed_at is not None)


class PlanArea(models.Model):
    """One area and side included in a plan."""

    plan = models.ForeignKey(TreatmentPlan, on_delete=models.CASCADE, related_name="areas")
    area = models.CharField(max_length=20, choices=choices(AREAS))
    side = models.CharField(max_length=10, choices=choices(SIDES))

    class Meta:
        ordering = ["area", "side"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "area", "side"], name="plan_area_once")
        ]

    def __str__(self) -> str:
        return f"{self.get_area_display()} ({self.get_side_display()})"
