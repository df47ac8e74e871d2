"""Adverse events."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from mesoclinic.clinical_codes import AE_TYPES, SEVERITIES
from mesoclinic.records.models import ClinicalRecord


class Causality(models.TextChoices):
    # WHO-UMC causality categories, the usual vocabulary of pharmacovigilance.
    CERTAIN = "certain", _("Certain")
    PROBABLE = "probable", _("Probable / likely")
    POSSIBLE = "possible", _("Possible")
    UNLIKELY = "unlikely", _("Unlikely")
    UNRELATED = "unrelated", _("Unrelated")
    UNASSESSED = "unassessed", _("Not yet assessed")


class Outcome(models.TextChoices):
    # The outcome categories of ICH E2B(R3) individual case safety reports.
    RECOVERING = "recovering", _("Recovering / resolving")
    NOT_RECOVERED = "not_recovered", _("Not recovered / not resolved")
    RECOVERED = "recovered", _("Recovered / resolved")
    SEQUELAE = "sequelae", _("Recovered / resolved with sequelae")
    FATAL = "fatal", _("Fatal")
    UNKNOWN = "unknown", pgettext_lazy("adverse event outcome", "Unknown")


def translated(labels: dict[str, str]) -> list[tuple[str, Any]]:
    """A shared code list's choices, each label translated when shown (the codes stay)."""
    return [(code, _(label)) for code, label in labels.items()]


# Outcomes that mean the event is over: they go with a resolution date.
RESOLVED_OUTCOMES = frozenset({Outcome.RECOVERED, Outcome.SEQUELAE})


class AdverseEvent(ClinicalRecord):
    """A side effect or complication: type, onset, course (last seen unresolved, resolution),
    severity, seriousness and causality, linked to the session and lot it is attributed to."""

    patient = models.ForeignKey(
        "patients.Patient", on_delete=models.PROTECT, related_name="adverse_events"
    )
    session = models.ForeignKey(
        "treatments.TreatmentSession",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="adverse_events",
    )
    lot = models.ForeignKey(
        "formulary.Lot",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="adverse_events",
    )
    event_type = models.CharField(max_length=20, choices=translated(AE_TYPES))
    onset_date = models.DateField()
    resolved_date = models.DateField(null=True, blank=True)
    last_seen_unresolved = models.DateField(null=True, blank=True)
    severity = models.CharField(max_length=10, choices=translated(SEVERITIES))
    serious = models.BooleanField(default=False)
    causality = models.CharField(
        max_length=12, choices=Causality.choices, default=Causality.UNASSESSED
    )
    outcome = models.CharField(
        max_length=15,
        choices=Outcome.choices,
        blank=True,
        help_text=_("Empty while the course is still being followed"),
    )
    notes = models.TextField(blank=True)
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    source_id = models.CharField(max_length=64, blank=True)
    imported = models.BooleanField(default=False)
    # A registry bundle's x_ columns, kept verbatim so that an export gives them back.
    extra = models.JSONField(default=dict, blank=True, help_text="registry bundle x_ columns")

    class Meta:
        ordering = ["-onset_date"]
        constraints = [
            models.UniqueConstraint(
                fields=["clinic", "source_id"],
                condition=~models.Q(source_id=""),
                name="ae_source_id_unique",
            ),
            models.CheckConstraint(
                condition=models.Q(resolved_date__isnull=True)
                | models.Q(resolved_date__gte=models.F("onset_date")),
                name="ae_resolved_after_onset",
            ),
        ]
        indexes = [
            models.Index(fields=["clinic", "patient", "-onset_date"], name="ae_clinic_patient")
        ]

    def __str__(self) -> str:
        return f"{self.get_event_type_display()} from {self.onset_date}"

    @property
    def is_open(self) -> bool:
        """Still being followed: not resolved and no final outcome recorded."""
        return self.resolved_date is None and self.outcome != Outcome.FATAL

    @property
    def duration_days(self) -> int | None:
        if self.resolved_date is None:
            return None
        return (self.resolved_date - self.onset_date).days


class SignalState(models.Model):
    """The clinic's safety signals (clusters of late lesions on a lot or a practitioner) as
    last detected: the last onset of each, from which the Today page counts the active ones
    without running the detector. Derived state, rewritten by ``safety.signal_state`` when an
    adverse event, or a line or session of a patient with a late lesion, is written, and by
    the cron runner ``run-due``; it holds no patient data."""

    # Derived from the clinic's records and rebuilt from them: not a clinical link.
    clinic = models.OneToOneField(
        "clinics.Clinic", on_delete=models.CASCADE, related_name="safety_signal_state"
    )
    # ISO dates, one per signal, most recent first (``Signal.last_onset``).
    last_onsets = models.JSONField(default=list)
    # When the detector last found the signals different from those stored.
    detected_at = models.DateTimeField()

    def __str__(self) -> str:
        return (
            f"{len(self.last_onsets)} safety signals detected at {self.detected_at:%Y-%m-%d %H:%M}"
        )
