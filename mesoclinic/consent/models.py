"""Consent templates and signed consents."""

from __future__ import annotations

import datetime as dt
from typing import cast

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from mesoclinic.clinical_codes import INDICATIONS, choices
from mesoclinic.records.models import ClinicalRecord, SignableRecord


class ConsentTemplate(ClinicalRecord):
    """One version of a treatment-specific consent text (e.g. "PC/DC injection lipolysis, v3").

    A template is never edited once a consent uses it; a change makes a new version.
    """

    code = models.SlugField(
        max_length=50, help_text=_("stable name across versions, e.g. pcdc-lipolysis")
    )
    template_version = models.PositiveIntegerField(default=1)
    # The language of this text: a version exists in each language the clinic offers, each a
    # row of its own (a translation is a text the patient signs, never generated on the fly).
    language = models.CharField(
        max_length=8, choices=settings.LANGUAGES, default=settings.LANGUAGE_CODE
    )
    title = models.CharField(max_length=200)
    indication = models.CharField(max_length=30, choices=choices(INDICATIONS))
    body = models.TextField(
        help_text=_("Risks, alternatives, off-label status, aftercare, photographs")
    )
    off_label = models.BooleanField(
        default=False, help_text=_("The consent discloses off-label use")
    )
    is_active = models.BooleanField(default=True)
    # Optional: a consent on this template covers only these products (e.g. a labelled drug's
    # own consent); none named means any product given for the indication.
    products = models.ManyToManyField(
        "formulary.Product",
        blank=True,
        related_name="consent_templates",
        help_text=_("Leave empty to cover any product given for the indication"),
    )

    class Meta:
        ordering = ["code", "-template_version"]
        constraints = [
            models.UniqueConstraint(
                fields=["clinic", "code", "template_version", "language"],
                name="consent_template_version_unique",
            )
        ]

    def __str__(self) -> str:
        if self.language == settings.LANGUAGE_CODE:
            return f"{self.title} (v{self.template_version})"
        return f"{self.title} (v{self.template_version}, {self.language})"


class Consent(SignableRecord):
    """A patient's consent to a specific treatment, on a given template version.

    The patient signs (typed name and a drawn signature); the practitioner who took the
    consent discussion then signs the record, after which it is immutable.
    """

    patient = models.ForeignKey(
        "patients.Patient", on_delete=models.PROTECT, related_name="consents"
    )
    template = models.ForeignKey(ConsentTemplate, on_delete=models.PROTECT, related_name="consents")
    # Snapshot of exactly what the patient read, in case the template row is ever repaired,
    # and the language it was in.
    body_snapshot = models.TextField()
    language = models.CharField(
        max_length=8, choices=settings.LANGUAGES, default=settings.LANGUAGE_CODE
    )
    discussed = models.TextField(
        help_text=_("Record of the consent discussion and questions asked")
    )
    photo_consent = models.BooleanField(
        default=False, help_text=_("Separate consent to clinical photographs")
    )
    patient_typed_name = models.CharField(max_length=200)
    name_mismatch_confirmed = models.BooleanField(
        default=False,
        help_text=_(
            "The typed name differs from the patient's record; whoever took the consent "
            "confirmed that the right patient signed"
        ),
    )
    patient_signature_png = models.TextField(
        blank=True, help_text=_("Drawn signature as a data: URL (PNG)")
    )
    patient_signed_at = models.DateTimeField()
    # The practice's own rates the patient was shown beside the published ones (a decision
    # aid, consent/practice_rates.py), frozen as shown: new records never change them. Null
    # when the page showed none (consents taken before the aid existed, or no evidence app).
    practice_rates = models.JSONField(null=True, blank=True, editable=False)
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    withdrawal_reason = models.TextField(blank=True, help_text=_("Why consent was withdrawn"))

    class Meta:
        ordering = ["-patient_signed_at"]

    def __str__(self) -> str:
        return f"Consent: {self.template}"

    @property
    def withdrawn_on(self) -> dt.datetime | None:
        """When consent was withdrawn. A signed consent is withdrawn by an amendment (it is never
        changed in place), so the amended value counts; it is stored there as ISO text."""
        value = self.effective("withdrawn_at")
        if isinstance(value, str):
            return dt.datetime.fromisoformat(value)
        # effective() is Any (it reads any field); withdrawn_at is a nullable DateTimeField.
        return cast("dt.datetime | None", value)

    @property
    def is_withdrawn(self) -> bool:
        return self.withdrawn_on is not None
