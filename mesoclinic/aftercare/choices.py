"""Codes of the aftercare app."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class CheckInStatus(models.TextChoices):
    SCHEDULED = "scheduled", _("Scheduled")
    SENT = "sent", _("Link sent")
    ANSWERED = "answered", _("Answered")
    OVERDUE = "overdue", _("Overdue (no answer)")
    CALLED = "called", _("Reached by phone")
    CLOSED = "closed", _("Closed")


# A check-in in one of these states still needs someone to act on it.
OPEN_STATUSES = (CheckInStatus.SCHEDULED, CheckInStatus.SENT, CheckInStatus.OVERDUE)


class Channel(models.TextChoices):
    EMAIL = "email", _("Email")
    SMS = "sms", _("Text message")
    PHONE = "phone", _("Phone call")


class EscalationLevel(models.TextChoices):
    # A red flag is emailed to the practitioner at once; a longer-than-usual course waits
    # on the worklist for the same-day review.
    RED_FLAG = "red_flag", _("Red flag")
    COURSE = "course", _("Outlasting its usual course")


class CallOutcome(models.TextChoices):
    REACHED = "reached", _("Reached the patient")
    NO_ANSWER = "no_answer", _("No answer")
    VOICEMAIL = "voicemail", _("Left a message")
    WRONG_NUMBER = "wrong_number", _("Wrong or unavailable number")


class DailyImpact(models.TextChoices):
    # The patient's own rating of how much the symptoms affect them, recorded as the
    # adverse event's severity (mild / moderate / severe) until a clinician reviews it.
    NONE = "none", _("Not at all")
    MILD = "mild", _("A little, I can do everything as usual")
    MODERATE = "moderate", _("Enough to limit some of what I do")
    SEVERE = "severe", _("I cannot do my usual activities")
