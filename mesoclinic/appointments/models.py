"""The clinic's calendar: appointment types, rooms and devices, appointments, the reminders
sent for them, the patient's reply links and the staff calendar feeds."""

from __future__ import annotations

import datetime as dt
from typing import ClassVar

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from mesoclinic.appointments.choices import (
    ACTIVE,
    MessageChannel,
    MessageKind,
    MessageOutcome,
    ReminderChannel,
    ReminderKind,
    Reply,
    ResourceKind,
    Status,
)
from mesoclinic.clinics.access import ClinicScopedQuerySet
from mesoclinic.records.models import ClinicalRecord


class AppointmentType(ClinicalRecord):
    """A kind of visit the clinic books (consultation, treatment session, review): how long it
    takes and what it needs. A treatment type opens the session draft when the patient arrives."""

    name = models.CharField(_("name"), max_length=100)
    duration_minutes = models.PositiveSmallIntegerField(_("duration (minutes)"))
    is_treatment = models.BooleanField(
        _("treatment session"),
        default=False,
        help_text=_("When the patient arrives, a session draft is opened for the practitioner."),
    )
    needs_room = models.BooleanField(_("needs a room"), default=True)
    needs_device = models.BooleanField(_("needs a device"), default=False)
    is_active = models.BooleanField(_("bookable"), default=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(duration_minutes__gte=5, duration_minutes__lte=480),
                name="appointment_type_duration_sane",
            )
        ]

    def __str__(self) -> str:
        return self.name


class Resource(ClinicalRecord):
    """A room or a device an appointment occupies, so two patients are never booked into it
    at once."""

    kind = models.CharField(_("kind"), max_length=10, choices=ResourceKind.choices)
    name = models.CharField(_("name"), max_length=100)
    is_active = models.BooleanField(_("in use"), default=True)

    class Meta:
        ordering = ["kind", "name"]

    def __str__(self) -> str:
        return self.name


class AppointmentQuerySet(ClinicScopedQuerySet["Appointment"]):
    def active(self) -> AppointmentQuerySet:
        """Appointments that hold their time (not cancelled, not a no-show)."""
        return self.filter(status__in=ACTIVE)

    def overlapping(self, start: dt.datetime, end: dt.datetime) -> AppointmentQuerySet:
        return self.filter(starts_at__lt=end, ends_at__gt=start)


AppointmentManager = models.Manager.from_queryset(AppointmentQuerySet)


class Appointment(ClinicalRecord):
    """A patient booked with a practitioner (and a room, a device) for a time, and what became
    of it: arrived, in treatment, completed, a no-show, or cancelled with the reason."""

    patient = models.ForeignKey(
        "patients.Patient", on_delete=models.PROTECT, related_name="appointments"
    )
    appointment_type = models.ForeignKey(
        AppointmentType, on_delete=models.PROTECT, related_name="appointments"
    )
    practitioner = models.ForeignKey(
        "clinics.Membership", on_delete=models.PROTECT, related_name="appointments"
    )
    room = models.ForeignKey(
        Resource, null=True, blank=True, on_delete=models.PROTECT, related_name="room_bookings"
    )
    device = models.ForeignKey(
        Resource, null=True, blank=True, on_delete=models.PROTECT, related_name="device_bookings"
    )
    plan = models.ForeignKey(
        "plans.TreatmentPlan",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="appointments",
    )
    session = models.ForeignKey(
        "treatments.TreatmentSession",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="appointments",
        help_text="the session draft opened when the patient arrived",
    )
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    status = models.CharField(max_length=15, choices=Status.choices, default=Status.BOOKED)
    cancel_reason = models.TextField(blank=True)
    # The plan's next session was booked before the earliest date its interval and the dose
    # rules allow; why (shown on the appointment and the session).
    earliest_date = models.DateField(null=True, blank=True)
    early_reason = models.TextField(blank=True)
    reply = models.CharField(max_length=12, choices=Reply.choices, blank=True)
    replied_at = models.DateTimeField(null=True, blank=True)
    # Imported history is never reminded.
    imported = models.BooleanField(default=False)

    objects: ClassVar[AppointmentManager[Appointment]] = AppointmentManager()

    class Meta:
        ordering = ["starts_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=models.F("starts_at")), name="appointment_ends_after_start"
            ),
            models.CheckConstraint(
                condition=~Q(status=Status.CANCELLED) | ~Q(cancel_reason=""),
                name="appointment_cancelled_with_reason",
            ),
        ]
        indexes = [
            models.Index(fields=["clinic", "practitioner", "starts_at"], name="appt_practitioner"),
            models.Index(fields=["clinic", "room", "starts_at"], name="appt_room"),
            models.Index(fields=["clinic", "starts_at"], name="appt_clinic_start"),
        ]

    def __str__(self) -> str:
        return f"Appointment {self.starts_at:%Y-%m-%d %H:%M} ({self.status})"

    @property
    def is_open(self) -> bool:
        return self.status in (Status.BOOKED, Status.ARRIVED, Status.IN_TREATMENT)


class Reminder(ClinicalRecord):
    """A message sent to a patient about an appointment (48 h and 2 h before) or a maintenance
    recall after a course: when, how, and that it went; logged on the chart."""

    patient = models.ForeignKey("patients.Patient", on_delete=models.PROTECT, related_name="+")
    appointment = models.ForeignKey(
        Appointment, null=True, blank=True, on_delete=models.PROTECT, related_name="reminders"
    )
    plan = models.ForeignKey(
        "plans.TreatmentPlan", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    kind = models.CharField(max_length=10, choices=ReminderKind.choices)
    channel = models.CharField(max_length=10, choices=ReminderChannel.choices)
    sent_at = models.DateTimeField()

    class Meta:
        ordering = ["-sent_at"]
        constraints = [
            # One reminder of each kind per appointment, one recall per plan, whatever runs twice.
            models.UniqueConstraint(
                fields=["appointment", "kind"],
                condition=Q(appointment__isnull=False),
                name="reminder_once_per_kind",
            ),
            models.UniqueConstraint(
                fields=["plan", "kind"], condition=Q(plan__isnull=False), name="recall_once"
            ),
        ]

    def __str__(self) -> str:
        return f"Reminder {self.kind} by {self.channel}"


class PatientMessage(ClinicalRecord):
    """One message between the clinic and a patient, as the chart lists it: a reminder or
    recall sent (or that could not be delivered), or the patient's answer through the reply
    link. Only what, when, how and about which appointment: never the text, which named the
    clinic and the time and is rebuilt from the templates if ever needed."""

    patient = models.ForeignKey(
        "patients.Patient", on_delete=models.PROTECT, related_name="messages"
    )
    appointment = models.ForeignKey(
        Appointment, null=True, blank=True, on_delete=models.PROTECT, related_name="messages"
    )
    plan = models.ForeignKey(
        "plans.TreatmentPlan", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    kind = models.CharField(max_length=10, choices=MessageKind.choices)
    channel = models.CharField(max_length=10, choices=MessageChannel.choices)
    outcome = models.CharField(max_length=12, choices=MessageOutcome.choices)
    at = models.DateTimeField()

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["clinic", "patient", "at"], name="message_patient")]

    def __str__(self) -> str:
        return f"Message {self.kind} by {self.channel}: {self.outcome}"


class ReplyLink(ClinicalRecord):
    """The patient's way to confirm or ask to reschedule without an account: one appointment,
    an expiry, a revocation; only the SHA-256 hash of the signed token is kept."""

    appointment = models.ForeignKey(Appointment, on_delete=models.PROTECT, related_name="links")
    token_hash = models.CharField(max_length=64, unique=True)
    expires_at = models.DateTimeField()
    revoked_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"Reply link until {self.expires_at:%Y-%m-%d %H:%M}"


class ReminderOptOut(ClinicalRecord):
    """The patient asked for no reminders or recalls: nothing is sent to them."""

    patient = models.OneToOneField(
        "patients.Patient", on_delete=models.PROTECT, related_name="reminder_opt_out"
    )

    def __str__(self) -> str:
        return "Opted out of reminders"


class CalendarFeed(ClinicalRecord):
    """A practitioner's iCalendar feed address: a secret token (only its hash is kept) that
    they can revoke; the feed names no patient."""

    practitioner = models.ForeignKey(
        "clinics.Membership", on_delete=models.PROTECT, related_name="calendar_feeds"
    )
    token_hash = models.CharField(max_length=64, unique=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return "Calendar feed"
