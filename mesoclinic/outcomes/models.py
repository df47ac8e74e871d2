"""Outcome measurements."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy

from mesoclinic.clinical_codes import AREAS, MEASUREMENT_KINDS, RATERS, SIDES, SITE_ROLES, choices
from mesoclinic.outcomes.rules import measurement_problems
from mesoclinic.records.models import ClinicalRecord

# Labels translated where shown (the project catalogue has them: clinical_codes).
KIND_CHOICES = [(k.code, gettext_lazy(k.label)) for k in MEASUREMENT_KINDS.values()]


class Measurement(ClinicalRecord):
    """One measured value: body weight, a girth at an area's landmark, fat thickness, or a
    validated scale score (Hexsel CSS, Nürnberger–Müller, PCSS, SMFRS, GAIS, hair density,
    pain VAS, satisfaction), with its site role (treated or untreated control) and rater.

    Kinds, units and ranges: ../shared/spec/registry-csv.md (``clinical_codes.MEASUREMENT_KINDS``).
    """

    patient = models.ForeignKey(
        "patients.Patient", on_delete=models.PROTECT, related_name="measurements"
    )
    session = models.ForeignKey(
        "treatments.TreatmentSession",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="measurements",
    )
    measured_on = models.DateField()
    kind = models.CharField(max_length=20, choices=KIND_CHOICES)
    value = models.DecimalField(max_digits=8, decimal_places=2)
    area = models.CharField(max_length=20, choices=choices(AREAS), blank=True)
    side = models.CharField(max_length=10, choices=choices(SIDES), blank=True)
    # Empty = derive (treated if the site had a session on or before the date, else control).
    site_role = models.CharField(max_length=10, choices=choices(SITE_ROLES), blank=True)
    rater = models.CharField(max_length=10, choices=choices(RATERS), blank=True)
    rated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    scale_version = models.CharField(
        max_length=30, blank=True, help_text="instrument version, e.g. GAIS 1-5"
    )
    imported = models.BooleanField(default=False)
    # A registry bundle's x_ columns, kept verbatim so that an export gives them back.
    extra = models.JSONField(default=dict, blank=True, help_text="registry bundle x_ columns")

    class Meta:
        ordering = ["measured_on", "kind", "area", "side"]
        indexes = [
            models.Index(
                fields=["clinic", "patient", "kind", "measured_on"],
                name="measure_clinic_patient_kind",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.value} on {self.measured_on}"

    @property
    def unit(self) -> str:
        return MEASUREMENT_KINDS[self.kind].unit

    @property
    def value_text(self) -> str:
        """The value without trailing zeros (80.00 -> 80, 80.50 -> 80.5)."""
        text = f"{self.value:f}"
        return text.rstrip("0").rstrip(".") if "." in text else text

    def clean(self) -> None:
        # The same rules as the visit form and the registry spec, so no path stores a
        # value outside its kind's range or a scale score without its rater.
        problems = measurement_problems(
            self.kind,
            self.value,
            area=self.area,
            side=self.side,
            site_role=self.site_role,
            rater=self.rater,
        )
        if problems:
            raise ValidationError(problems)
