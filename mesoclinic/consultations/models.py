"""Consultations: concerns, history, screening and baseline body measures."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from mesoclinic.clinical_codes import INDICATIONS, body_mass_index
from mesoclinic.records.models import SignableRecord


class Consultation(SignableRecord):
    """A pre-treatment assessment: what the patient wants treated, their medical history
    questionnaire, the contraindication screen computed from it, a body-image screen and
    baseline weight and height.

    ``screening`` stores the findings as computed when the consultation was saved, so the
    record shows what the clinician saw even if the rule set later changes.
    """

    patient = models.ForeignKey(
        "patients.Patient", on_delete=models.PROTECT, related_name="consultations"
    )
    consulted_at = models.DateTimeField()
    clinician = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    clinician_name = models.CharField(max_length=200)
    concerns = models.TextField(help_text=_("What the patient wants treated, in their words"))
    indications = models.JSONField(default=list, help_text="indication codes considered")
    areas = models.JSONField(default=list, help_text="area codes considered")
    questionnaire = models.JSONField(
        default=dict, help_text="medical-history answers by question code"
    )
    screening = models.JSONField(default=dict, help_text="findings of the contraindication rules")
    body_image_concern = models.BooleanField(
        null=True, help_text=_("Body-image / BDD screen raised a concern (None = not screened)")
    )
    body_image_notes = models.TextField(
        blank=True, help_text=_("Screen used and the reasoning if treatment proceeds")
    )
    weight_kg = models.DecimalField(max_digits=5, decimal_places=1, null=True, blank=True)
    height_cm = models.DecimalField(max_digits=5, decimal_places=1, null=True, blank=True)
    weight_stable_6_months = models.BooleanField(null=True)
    assessment = models.TextField(blank=True, help_text=_("Clinical assessment and recommendation"))

    class Meta:
        ordering = ["-consulted_at"]
        indexes = [
            models.Index(
                fields=["clinic", "patient", "-consulted_at"], name="consult_clinic_patient"
            )
        ]

    def __str__(self) -> str:
        return gettext("Consultation %(date)s") % {"date": f"{self.consulted_at:%Y-%m-%d}"}

    @property
    def bmi(self) -> Decimal | None:
        return body_mass_index(self.weight_kg, self.height_cm)

    @property
    def effective_findings(self) -> list[dict[str, Any]]:
        """The screening findings as the record now reads (amendments recompute the screen)."""
        screening = self.effective("screening") or {}
        return [f for f in screening.get("findings", []) if f.get("kind", "finding") == "finding"]

    @property
    def has_absolute_contraindication(self) -> bool:
        return any(f.get("level") == "absolute" for f in self.effective_findings)

    @property
    def finding_counts(self) -> dict[str, int]:
        counts = {"absolute": 0, "relative": 0, "caution": 0}
        for f in self.effective_findings:
            counts[f.get("level", "caution")] = counts.get(f.get("level", "caution"), 0) + 1
        return counts

    @property
    def indication_labels(self) -> list[str]:
        # Labels are translated in the project's catalogue (clinical_codes).
        codes = self.effective("indications") or []
        return [gettext(INDICATIONS[c]) if c in INDICATIONS else c for c in codes]
