"""Patients of a clinic."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any, ClassVar, Self

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Lower
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from mesoclinic.clinical_codes import SEXES, choices
from mesoclinic.clinics.access import ClinicScopedQuerySet
from mesoclinic.clinics.choices import PATIENT_LANGUAGE_CHOICES
from mesoclinic.clinics.language import patient_language
from mesoclinic.patients.phone import comparable, normalise_phone
from mesoclinic.records.models import ClinicalRecord

if TYPE_CHECKING:
    from mesoclinic.clinics.models import Clinic

# Migration 0003 indexed phones by this expression; Patient.phone_normalised replaced it.
PHONE_SEPARATORS = " -().+/"


def phone_key(phone: str) -> str:
    """``phone`` as the duplicate check compares it: E.164 ("+447700900123"), a number typed
    without its country code read in the deployment's PHONE_REGION (patients.phone)."""
    return normalise_phone(phone, settings.PHONE_REGION)


def email_key(email: str) -> str:
    return email.strip().lower()


class PhoneDigits(models.Func):
    """The phone with the separators people type removed (kept for migration 0003).

    Written as literal SQL, not with bound parameters: SQLite uses an index on an expression
    only when the query spells the expression exactly as the index does.
    """

    template = "%(expressions)s"
    for _separator in PHONE_SEPARATORS:
        template = f"REPLACE({template}, '{_separator}', '')"
    del _separator
    output_field = models.CharField()


class PatientQuerySet(ClinicScopedQuerySet["Patient"]):
    def sharing_details(
        self, clinic: Clinic, *, birth_date: dt.date | None, email: str, phone: str
    ) -> Self:
        """The clinic's patients born on that day, or with that email or phone number.

        The clinic is repeated in each alternative so that each is one look-up in its own
        (clinic, ...) index: SQLite uses an index for an OR only when every branch can.
        The names are compared on the few rows this returns (``patients.duplicates``).
        """
        condition = Q(pk__in=[])
        if birth_date is not None:
            condition |= Q(clinic=clinic, birth_date=birth_date)
        if email_key(email):
            condition |= Q(clinic=clinic, _email_key=email_key(email))
        if comparable(phone_key(phone)):
            condition |= Q(clinic=clinic, phone_normalised=phone_key(phone))
        return self.alias(_email_key=Lower("email")).filter(condition)


PatientManager = models.Manager.from_queryset(PatientQuerySet)


class Patient(ClinicalRecord):
    """A person treated (or to be treated) at the clinic, identified there by their MRN.

    Registry imports keep the bundle's ``patient_id`` as the MRN, so a bundle exported
    again names the same people with the same ids.
    """

    mrn = models.CharField(
        _("MRN"), max_length=64, help_text=_("Medical record number, unique in the clinic")
    )
    given_name = models.CharField(max_length=100, blank=True)
    family_name = models.CharField(max_length=100, blank=True)
    birth_date = models.DateField(null=True, blank=True)
    # A registry bundle carries only the birth year; an exact date wins when both are known.
    birth_year = models.PositiveSmallIntegerField(null=True, blank=True)
    sex = models.CharField(max_length=1, choices=choices(SEXES), default="u")
    height_cm = models.DecimalField(max_digits=5, decimal_places=1, null=True, blank=True)
    phone = models.CharField(max_length=40, blank=True)
    # The phone as the duplicate check compares it (phone_key), kept by save() and indexed.
    phone_normalised = models.CharField(max_length=40, blank=True, default="", editable=False)
    email = models.EmailField(blank=True)
    address = models.TextField(blank=True)
    # The language of everything the patient reads: check-in pages and messages, reminders,
    # the consent to sign (clinics.language.patient_language); blank: the clinic's default.
    preferred_language = models.CharField(
        max_length=8,
        blank=True,
        default="",
        choices=PATIENT_LANGUAGE_CHOICES,
        help_text="For the patient's messages, check-in pages and consent; blank: the clinic's",
    )
    allergies = models.TextField(
        blank=True, help_text=_("Drug and other allergies, with the reaction")
    )
    current_medications = models.TextField(blank=True)
    imported = models.BooleanField(default=False, help_text=_("Came from a registry bundle"))
    # A registry bundle's x_ columns, kept verbatim so that an export gives them back.
    extra = models.JSONField(default=dict, blank=True, help_text="registry bundle x_ columns")

    objects: ClassVar[PatientManager[Patient]] = PatientManager()

    @property
    def language(self) -> str:
        """The language to address this patient in (clinics.language.patient_language)."""
        return patient_language(self.preferred_language, self.clinic)

    class Meta:
        ordering = ["family_name", "given_name", "mrn"]
        constraints = [
            models.UniqueConstraint(fields=["clinic", "mrn"], name="patient_mrn_unique_in_clinic")
        ]
        indexes = [
            models.Index(
                fields=["clinic", "family_name", "given_name"], name="patient_clinic_name"
            ),
            models.Index(fields=["clinic", "birth_date"], name="patient_clinic_birth"),
            # The duplicate check at registration looks patients up by email and by phone.
            models.Index(F("clinic"), Lower("email"), name="patient_clinic_email"),
            models.Index(fields=["clinic", "phone_normalised"], name="patient_clinic_phone"),
        ]

    def __str__(self) -> str:
        return f"{self.display_name} ({self.mrn})"

    def save(self, *args: Any, **kwargs: Any) -> None:
        # Rows written with bulk_create set it themselves (demo, benchmarks).
        self.phone_normalised = phone_key(self.phone)
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and "phone" in update_fields:
            kwargs["update_fields"] = {*update_fields, "phone_normalised"}
        super().save(*args, **kwargs)

    @property
    def display_name(self) -> str:
        name = f"{self.given_name} {self.family_name}".strip()
        return name or gettext("Patient %(mrn)s") % {"mrn": self.mrn}

    def age_on(self, day: dt.date) -> int | None:
        if self.birth_date:
            born = self.birth_date
            return day.year - born.year - ((day.month, day.day) < (born.month, born.day))
        if self.birth_year:
            return day.year - self.birth_year
        return None
