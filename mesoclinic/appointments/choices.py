"""Codes of the appointments app; the labels translate, the codes never do."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class Status(models.TextChoices):
    BOOKED = "booked", pgettext_lazy("appointment status", "Booked")
    ARRIVED = "arrived", pgettext_lazy("appointment status", "Arrived")
    IN_TREATMENT = "in_treatment", pgettext_lazy("appointment status", "In treatment")
    COMPLETED = "completed", pgettext_lazy("appointment status", "Completed")
    NO_SHOW = "no_show", pgettext_lazy("appointment status", "No-show")
    CANCELLED = "cancelled", pgettext_lazy("appointment status", "Cancelled")


# What each status may become; cancelling has its own action (it needs a reason).
TRANSITIONS: dict[str, tuple[str, ...]] = {
    Status.BOOKED: (Status.ARRIVED, Status.NO_SHOW),
    Status.ARRIVED: (Status.IN_TREATMENT, Status.COMPLETED),
    Status.IN_TREATMENT: (Status.COMPLETED,),
}
# An appointment in one of these holds its practitioner, room and device.
ACTIVE = (Status.BOOKED, Status.ARRIVED, Status.IN_TREATMENT, Status.COMPLETED)


class ResourceKind(models.TextChoices):
    ROOM = "room", _("Room")
    DEVICE = "device", _("Device")


class ReminderKind(models.TextChoices):
    BEFORE_48H = "48h", _("48 hours before")
    BEFORE_2H = "2h", _("2 hours before")
    RECALL = "recall", _("Maintenance recall")


class ReminderChannel(models.TextChoices):
    EMAIL = "email", _("E-mail")
    SMS = "sms", _("Text message")


class MessageKind(models.TextChoices):
    """What a message logged on the chart was: one the clinic sent, or the patient's answer."""

    BEFORE_48H = "48h", _("48 hours before")
    BEFORE_2H = "2h", _("2 hours before")
    RECALL = "recall", _("Maintenance recall")
    REPLY = "reply", _("Patient's answer")


class MessageChannel(models.TextChoices):
    EMAIL = "email", _("E-mail")
    SMS = "sms", _("Text message")
    LINK = "link", _("Reply link")


class MessageOutcome(models.TextChoices):
    SENT = "sent", pgettext_lazy("message", "Sent")
    FAILED = "failed", pgettext_lazy("message", "Not delivered")
    CONFIRMED = "confirmed", _("Confirmed by the patient")
    RESCHEDULE = "reschedule", _("Patient asked to reschedule")


class Reply(models.TextChoices):
    CONFIRMED = "confirmed", _("Confirmed by the patient")
    RESCHEDULE = "reschedule", _("Patient asked to reschedule")
