"""Follow-up check-ins after a session, the patient's answers, escalations and phone calls."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path
from typing import ClassVar, cast

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.storage import FileSystemStorage
from django.db import models
from django.db.models.functions import Trim
from django.db.models.lookups import Exact
from django.utils import timezone
from django.utils.deconstruct import deconstructible
from django.utils.translation import gettext, gettext_noop

from mesoclinic.aftercare.choices import (
    OPEN_STATUSES,
    CallOutcome,
    Channel,
    CheckInStatus,
    EscalationLevel,
)
from mesoclinic.aftercare.translated import check_in_label, escalation_reason
from mesoclinic.clinics.access import ClinicScopedQuerySet
from mesoclinic.records.models import ClinicalRecord

# Closing an escalation without saying what was done leaves no record of the follow-up.
ACK_NOTE_REQUIRED = gettext_noop("write what was done about it before closing it.")
ACK_NOTE_MISSING = gettext_noop("What was done: %(rule)s")


@deconstructible
class PrivatePhotoStorage(FileSystemStorage):
    """Patients' photos live under the private var directory, never under static or a public
    media URL; staff see them only through a view that checks the clinic and role."""

    def __init__(self) -> None:
        super().__init__(base_url=None)

    @property
    def base_location(self) -> str:
        default = Path(settings.VAR_DIR) / "private" / "aftercare"
        return str(getattr(settings, "AFTERCARE_PHOTO_ROOT", default))

    @property
    def location(self) -> str:
        return os.path.abspath(self.base_location)


class CheckInQuerySet(ClinicScopedQuerySet["CheckIn"]):
    def overdue(self, now: dt.datetime) -> CheckInQuerySet:
        """Check-ins whose window closed with no answer and nobody reached by phone: the
        patient should be phoned. Counted from the window, not from the runner's "overdue"
        mark, so Today is right even when ``run-due`` has not run yet."""
        closed_unanswered = models.Q(status__in=OPEN_STATUSES, window_end__lte=now)
        return self.filter(
            closed_unanswered | models.Q(status=CheckInStatus.OVERDUE), session__imported=False
        )


class EscalationQuerySet(ClinicScopedQuerySet["Escalation"]):
    def open_red_flags(self) -> EscalationQuerySet:
        """Red flags nobody has closed yet (closing needs what was done)."""
        return self.filter(level=EscalationLevel.RED_FLAG, acknowledged_at__isnull=True)


CheckInManager = models.Manager.from_queryset(CheckInQuerySet)
EscalationManager = models.Manager.from_queryset(EscalationQuerySet)


class CheckIn(ClinicalRecord):
    """One planned contact after a session (48–72 hours, 2 weeks, … or the outcome visit):
    when its window opens and closes, whether the link went out, and whether the patient
    answered or was phoned."""

    session = models.ForeignKey(
        "treatments.TreatmentSession", on_delete=models.PROTECT, related_name="check_ins"
    )
    patient = models.ForeignKey(
        "patients.Patient", on_delete=models.PROTECT, related_name="check_ins"
    )
    kind = models.CharField(max_length=20)
    label = models.CharField(max_length=50)
    asks_outcomes = models.BooleanField(
        default=False, help_text="also asks the patient-reported scales of the indication"
    )
    window_start = models.DateTimeField()
    window_end = models.DateTimeField()
    status = models.CharField(
        max_length=10, choices=CheckInStatus.choices, default=CheckInStatus.SCHEDULED
    )
    channel = models.CharField(max_length=10, choices=Channel.choices, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    answered_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)

    objects: ClassVar[CheckInManager[CheckIn]] = CheckInManager()

    class Meta:
        ordering = ["window_start", "id"]
        constraints = [
            models.UniqueConstraint(fields=["session", "kind"], name="checkin_once_per_kind"),
            models.CheckConstraint(
                condition=models.Q(window_end__gt=models.F("window_start")),
                name="checkin_window_ordered",
            ),
        ]
        indexes = [
            models.Index(fields=["clinic", "status", "window_start"], name="checkin_clinic_due")
        ]

    @property
    def label_text(self) -> str:
        """The stored label ("2 weeks") in the reader's language."""
        return check_in_label(self.label)

    def __str__(self) -> str:
        return f"{self.label} check-in ({self.get_status_display()})"


class CheckInLink(ClinicalRecord):
    """The patient's way in without an account: one check-in, one patient, an expiry, and a
    revocation. Only a SHA-256 hash of the signed token is stored, so a database copy cannot
    be turned back into working links."""

    check_in = models.ForeignKey(CheckIn, on_delete=models.PROTECT, related_name="links")
    patient = models.ForeignKey(
        "patients.Patient", on_delete=models.PROTECT, related_name="check_in_links"
    )
    token_hash = models.CharField(max_length=64, unique=True)
    expires_at = models.DateTimeField()
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"Check-in link until {self.expires_at:%Y-%m-%d %H:%M}"


class CheckInResponse(ClinicalRecord):
    """What the patient reported at one check-in: the answers as given, an optional photo, and
    the number of days after the session they were given."""

    check_in = models.OneToOneField(CheckIn, on_delete=models.PROTECT, related_name="response")
    patient = models.ForeignKey(
        "patients.Patient", on_delete=models.PROTECT, related_name="check_in_responses"
    )
    answers = models.JSONField()
    days_since_session = models.PositiveIntegerField()
    photo = models.FileField(
        storage=PrivatePhotoStorage(), upload_to="photos/%Y/%m/", blank=True, max_length=200
    )
    photo_content_type = models.CharField(max_length=30, blank=True)
    photo_reencoded = models.BooleanField(
        default=False,
        help_text="the stored photo is the upload re-encoded by uploads.intake (no metadata); "
        "photos stored before that are re-encoded each time they are served",
    )
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="staff member who took the answers by phone; empty when the patient answered",
    )

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"Check-in answers on day {self.days_since_session}"


class Escalation(ClinicalRecord):
    """A patient report that needs the practitioner today: a red flag (emailed at once) or an
    event outlasting its usual course, with the reason, the recommended next steps and their
    sources, and who acknowledged it."""

    session = models.ForeignKey(
        "treatments.TreatmentSession", on_delete=models.PROTECT, related_name="escalations"
    )
    patient = models.ForeignKey(
        "patients.Patient", on_delete=models.PROTECT, related_name="escalations"
    )
    check_in = models.ForeignKey(
        CheckIn, null=True, blank=True, on_delete=models.PROTECT, related_name="escalations"
    )
    adverse_event = models.ForeignKey(
        "safety.AdverseEvent",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="escalations",
    )
    level = models.CharField(max_length=10, choices=EscalationLevel.choices)
    code = models.CharField(max_length=30, help_text="red-flag code or adverse-event type")
    reason = models.CharField(max_length=300)
    recommended_steps = models.TextField()
    sources = models.JSONField(default=list)
    emailed_at = models.DateTimeField(null=True, blank=True)
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    acknowledged_by_name = models.CharField(max_length=200, blank=True)
    acknowledgement_note = models.TextField(blank=True)

    objects: ClassVar[EscalationManager[Escalation]] = EscalationManager()

    class Meta:
        ordering = ["acknowledged_at", "-created_at"]
        constraints = [
            # One escalation per red flag per check-in, so answering or re-running twice
            # never raises it twice.
            models.UniqueConstraint(
                fields=["check_in", "code"],
                condition=models.Q(check_in__isnull=False),
                name="escalation_once_per_checkin",
            ),
            # The database refuses a closed escalation without "what was done", whatever
            # path writes it (the service and the form say so in words first).
            models.CheckConstraint(
                condition=cast(
                    models.Q,
                    models.Q(acknowledged_at__isnull=True)
                    | ~Exact(Trim("acknowledgement_note"), ""),
                ),
                name="escalation_closed_with_note",
            ),
        ]
        indexes = [
            models.Index(fields=["clinic", "acknowledged_at"], name="escalation_clinic_open")
        ]

    def __str__(self) -> str:
        return f"{self.get_level_display()}: {self.code}"

    @property
    def reason_text(self) -> str:
        """The stored (English) reason in the reader's language."""
        return escalation_reason(self.level, self.code, self.reason)

    @property
    def steps_text(self) -> str:
        """The stored (English) next steps in the reader's language."""
        return gettext(self.recommended_steps)

    @property
    def is_red_flag(self) -> bool:
        return self.level == EscalationLevel.RED_FLAG

    def clean(self) -> None:
        super().clean()
        if self.acknowledged_at is not None and not self.acknowledgement_note.strip():
            raise ValidationError(
                {
                    "acknowledgement_note": gettext(ACK_NOTE_MISSING)
                    % {"rule": gettext(ACK_NOTE_REQUIRED)}
                }
            )


class CallLog(ClinicalRecord):
    """A phone call about a check-in: who called, when, whether the patient was reached, and
    what was said (the clinical content goes into adverse events, not here)."""

    check_in = models.ForeignKey(CheckIn, on_delete=models.PROTECT, related_name="calls")
    patient = models.ForeignKey("patients.Patient", on_delete=models.PROTECT, related_name="+")
    called_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    called_by_name = models.CharField(max_length=200)
    called_at = models.DateTimeField(default=timezone.now)
    outcome = models.CharField(max_length=15, choices=CallOutcome.choices)
    note = models.TextField(blank=True)

    class Meta:
        ordering = ["-called_at"]

    def __str__(self) -> str:
        return f"Call {self.get_outcome_display()} at {self.called_at:%Y-%m-%d %H:%M}"
