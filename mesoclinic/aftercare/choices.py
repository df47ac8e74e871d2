"""Codes of the aftercare app."""

from __future__ import annotations

from django.db import models


class CheckInStatus(models.TextChoices):
    SCHEDULED = "scheduled", "Scheduled"
    SENT = "sent", "Link sent"
    ANSWERED = "answered", "Answered"
    OVERDUE = "overdue", "Overdue (no answer)"
    CALLED = "called", "Reached by phone"
    CLOSED = "closed", "Closed"


# A check-in in one of these states still needs someone to act on it.
OPEN_STATUSES = (CheckInStatus.SCHEDULED, CheckInStatus.SENT, CheckInStatus.OVERDUE)


class Channel(models.TextChoices):
    EMAIL = "email", "Email"
    SMS = "sms", "Text message"
    PHONE = "phone", "Phone call"


class EscalationLevel(models.TextChoices):
    # A red flag is emailed to the practitioner at once; a longer-than-usual course waits
    # on the worklist for the same-day review.
    RED_FLAG = "red_flag", "Red flag"
    COURSE = "course", "Outlasting its usual course"


class CallOutcome(models.TextChoices):
    REACHED = "reached", "Reached the patient"
    NO_ANSWER = "no_answer", "No answer"
    VOICEMAIL = "voicemail", "Left a message"
    WRONG_NUMBER = "wrong_number", "Wrong or unavailable number"


class DailyImpact(models.TextChoices):
    # The patient's own rating of how much the symptoms affect them, recorded as the
    # adverse event's severity (mild / moderate / severe) until a clinician reviews it.
    NONE = "none", "Not at all"
    MILD = "mild", "A little, I can do everything as usual"
    MODERATE = "moderate", "Enough to limit some of what I do"
    SEVERE = "severe", "I cannot do my usual activities"
