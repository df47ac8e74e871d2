"""Codes for products and lots."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class ProcedureType(models.TextChoices):
    # reference/mesotherapy-clinical.md §0: dose rules differ by procedure type.
    INTRADERMAL = "intradermal", _("Intradermal mesotherapy")
    SUBCUTANEOUS_LIPOLYSIS = "subcutaneous_lipolysis", _("Subcutaneous injection lipolysis")
    LABELLED_DRUG = "labelled_drug", _("Labelled drug (e.g. deoxycholic acid)")
    ANAESTHETIC = "anaesthetic", _("Local anaesthetic")
    OTHER = "other", _("Other")


class LotStatus(models.TextChoices):
    AVAILABLE = "available", _("Available")
    QUARANTINED = "quarantined", _("Quarantined")
    RECALLED = "recalled", _("Recalled")
    USED_UP = "used_up", _("Used up")


class VialType(models.TextChoices):
    SINGLE = "single", _("Single-dose vial")
    MULTI = "multi", _("Multi-dose vial")


class RecallContactOutcome(models.TextChoices):
    """How an attempt to tell a patient about a recalled lot ended."""

    REACHED = "reached", _("Reached and told")
    WRITTEN = "written", _("Told in writing (letter or e-mail)")
    MESSAGE = "message", _("Left a message to call back")
    NO_ANSWER = "no_answer", _("No answer")
    UNREACHABLE = "unreachable", _("No working number or address")


# Outcomes after which the patient knows about the recall: the chart's banner ends there.
INFORMED_OUTCOMES = frozenset({RecallContactOutcome.REACHED, RecallContactOutcome.WRITTEN})
