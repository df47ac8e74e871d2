"""Clinics and the people who work in them."""

from __future__ import annotations

import datetime as dt
import uuid
import zoneinfo

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from mesoclinic.clinics.choices import CLINIC_LANGUAGE_CHOICES, Profession, Role
from mesoclinic.clinics.roles import Perm, role_has

SCREENING_VALID_MONTHS_MIN, SCREENING_VALID_MONTHS_MAX = 1, 24
# Automatic logoff after inactivity (HIPAA §164.312(a)(2)(iii); 15 minutes for clinical roles
# in reference/security-reliability.md §1.1). The admin may choose 5 to 60 minutes: shorter
# leaves too little time between the two-minute warning and the sign-out, longer defeats it.
IDLE_TIMEOUT_DEFAULT_SECONDS = 15 * 60
IDLE_TIMEOUT_MINUTES_MIN, IDLE_TIMEOUT_MINUTES_MAX = 5, 60


def validate_time_zone(value: str) -> None:
    if value not in zoneinfo.available_timezones():
        raise ValidationError(
            _("'%(value)s' is not a time zone name such as Europe/London."), params={"value": value}
        )


class Clinic(models.Model):
    """A practice: the unit of data ownership. No record is ever visible outside its clinic."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    slug = models.SlugField(max_length=50, unique=True)
    name = models.CharField(max_length=200)
    time_zone = models.CharField(
        max_length=64, default="Europe/London", validators=[validate_time_zone]
    )
    currency = models.CharField(
        max_length=3, default="GBP", help_text=_("ISO 4217 code for prices")
    )
    # Each new patient gets the next number; registry imports keep the bundle's own ids.
    mrn_prefix = models.CharField(max_length=10, default="MC")
    next_mrn = models.PositiveIntegerField(default=1)
    # How long a signed screening stays valid for signing a session (treatments.gates); the
    # clinic admin sets it on the clinic settings page, between 1 and 24 months.
    screening_valid_months = models.PositiveSmallIntegerField(
        default=12,
        validators=[
            MinValueValidator(SCREENING_VALID_MONTHS_MIN),
            MaxValueValidator(SCREENING_VALID_MONTHS_MAX),
        ],
        help_text=_("A session can be signed only after a signed screening this recent"),
    )
    # Seconds without a request after which a signed-in member is signed out
    # (clinics.session_timeout). Kept in seconds so that a test can make it tiny; the settings
    # page shows and takes whole minutes within the bounds above.
    idle_timeout_seconds = models.PositiveIntegerField(
        default=IDLE_TIMEOUT_DEFAULT_SECONDS,
        help_text=_("Members are signed out after this long without activity"),
    )
    # The language of members who have not chosen their own, and of patients who have not
    # said theirs (clinics.language); blank: each member's browser language.
    default_language = models.CharField(
        max_length=8,
        blank=True,
        default="",
        choices=CLINIC_LANGUAGE_CHOICES,
        help_text=_("For members who have not chosen a language, and for patients' messages"),
    )
    # Optimistic concurrency for the settings page (workspace.services.update_settings).
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    # Dates "on the session's day" and "today" are the clinic's, not the server's.
    @property
    def zone(self) -> zoneinfo.ZoneInfo:
        return zoneinfo.ZoneInfo(self.time_zone)

    def today(self) -> dt.date:
        return dt.datetime.now(self.zone).date()

    def day_of(self, moment: dt.datetime) -> dt.date:
        """The calendar date of ``moment`` (stored in UTC) in the clinic's zone: a session at
        23:30 in Los Angeles is on that day there, whatever the server's or the user's zone."""
        return timezone.localtime(moment, self.zone).date()

    def start_of_day(self, day: dt.date) -> dt.datetime:
        """Midnight opening ``day`` in the clinic's zone, as an aware datetime."""
        return dt.datetime.combine(day, dt.time(0), tzinfo=self.zone)


class Membership(models.Model):
    """A user's role in one clinic. A user may work in several clinics, one role in each."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    clinic = models.ForeignKey(Clinic, on_delete=models.PROTECT, related_name="memberships")
    role = models.CharField(max_length=20, choices=Role.choices)
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    # Optimistic concurrency, as for clinical records: a staff edit carries the version it was
    # read at, so one admin's change of role is never undone unseen by another's older form.
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["clinic__name", "user__last_name"]
        constraints = [
            models.UniqueConstraint(fields=["user", "clinic"], name="one_membership_per_clinic"),
        ]

    def __str__(self) -> str:
        return f"{self.user} — {self.get_role_display()} at {self.clinic}"

    def has(self, perm: Perm) -> bool:
        return self.is_active and role_has(self.role, perm)

    @property
    def display_name(self) -> str:
        full = self.user.get_full_name()
        return full or self.user.get_username()


class PractitionerProfile(models.Model):
    """Professional details of a practitioner or nurse: who may inject and sign, and on whose licence."""

    membership = models.OneToOneField(Membership, on_delete=models.CASCADE, related_name="profile")
    profession = models.CharField(max_length=30, choices=Profession.choices)
    registration_number = models.CharField(
        max_length=50,
        blank=True,
        help_text=_("Professional register number (e.g. GMC, NMC, state licence)"),
    )
    registration_body = models.CharField(max_length=100, blank=True)

    class Meta:
        ordering = ["membership__user__last_name"]

    def __str__(self) -> str:
        return f"{self.membership.display_name} ({self.get_profession_display()})"


class LanguagePreference(models.Model):
    """The language a staff member chose for their own screens, in every clinic they work in.
    Not clinical data; absent until they choose (their clinic's default applies until then)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="language_preference"
    )
    language = models.CharField(max_length=8, choices=settings.LANGUAGES)

    def __str__(self) -> str:
        return f"{self.user}: {self.language}"


class PasswordResetRequest(models.Model):
    """A request for a password-reset e-mail, kept only by the address it came from and when,
    so that requests can be limited per address (``clinics.services``). It records neither the
    e-mail address asked for nor whether an account has it: no clinical or personal data."""

    ip_address = models.GenericIPAddressField(null=True)
    requested_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        indexes = [models.Index(fields=["ip_address", "requested_at"], name="reset_address_at")]
