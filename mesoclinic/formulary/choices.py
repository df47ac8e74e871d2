"""Codes for products and lots."""

from __future__ import annotations

from django.db import models


class ProcedureType(models.TextChoices):
    # reference/mesotherapy-clinical.md §0: dose rules differ by procedure type.
    INTRADERMAL = "intradermal", "Intradermal mesotherapy"
    SUBCUTANEOUS_LIPOLYSIS = "subcutaneous_lipolysis", "Subcutaneous injection lipolysis"
    LABELLED_DRUG = "labelled_drug", "Labelled drug (e.g. deoxycholic acid)"
    ANAESTHETIC = "anaesthetic", "Local anaesthetic"
    OTHER = "other", "Other"


class LotStatus(models.TextChoices):
    AVAILABLE = "available", "Available"
    QUARANTINED = "quarantined", "Quarantined"
    RECALLED = "recalled", "Recalled"
    USED_UP = "used_up", "Used up"


class VialType(models.TextChoices):
    SINGLE = "single", "Single-dose vial"
    MULTI = "multi", "Multi-dose vial"


class RecallContactOutcome(models.TextChoices):
    """How an attempt to tell a patient about a recalled lot ended."""

    REACHED = "reached", "Reached and told"
    WRITTEN = "written", "Told in writing (letter or e-mail)"
    MESSAGE = "message", "Left a message to call back"
    NO_ANSWER = "no_answer", "No answer"
    UNREACHABLE = "unreachable", "No working number or address"


# Outcomes after which the patient knows about the recall: the chart's banner ends there.
INFORMED_OUTCOMES = frozenset({RecallContactOutcome.REACHED, RecallContactOutcome.WRITTEN})
