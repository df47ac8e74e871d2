"""Patients of a clinic."""

from __future__ import annotations

import datetime as dt
import re
from typing import TYPE_CHECKING, ClassVar, Self

from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Lower

from mesoclinic.clinical_codes import SEXES, choices
from mesoclinic.clinics.access import ClinicScopedQuerySet
from mesoclinic.records.models import ClinicalRecord

if TYPE_CHECKING:
    from mesoclinic.clinics.models import Clinic

# A phone number compared by its digits: "+44 7700 900123", "+44-7700-900-123" and
# "(+44) 7700 900123" are the same number. The database folds the separators people type; the
# same expression backs an index, so the duplicate check finds a phone without a table scan.
PHONE_SEPARATORS = " -().+/"
# Fewer digits than this say too little to call two patients the same ("0", "112").
PHONE_MIN_DIGITS = 6


def phone_key(phone: str) -> str:
    return re.sub(r"\D", "", phone)


def email_key(email: str) -> str:
    return email.strip().lower()


class PhoneDigits(models.Func):
    """The phone with the separators people type removed, for comparing two phone numbers.

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
        if len(phone_key(phone)) >= PHONE_MIN_DIGITS:
            condition |= Q(clinic=clinic, _phone_key=phone_key(phone))
        return self.alias(_email_key=Lower("email"), _phone_key=PhoneDigits("phone")).filter(
            condition
        )


PatientManager = models.Manager.from_queryset(PatientQuerySet)


class Patient(ClinicalRecord):
    """A person treated (or to be treated) at the clinic, identified there by their MRN.

    Registry imports keep the bundle's ``patient_id`` as the MRN, so a bundle exported
    again names the same people with the same ids.
    """

    mrn = models.CharField(
        "MRN", max_length=64, help_text="Medical record number, unique in the clinic"
    )
    given_name = models.CharField(max_length=100, blank=True)
    family_name = models.CharField(max_length=100, blank=True)
    birth_date = models.DateField(null=True, blank=True)
    # A registry bundle carries only the birth year; an exact date wins when both are known.
    birth_year = models.PositiveSmallIntegerField(null=True, blank=True)
    sex = models.CharField(max_length=1, choices=choices(SEXES), default="u")
    height_cm = models.DecimalField(max_digits=5, decimal_places=1, null=True, blank=True)
    phone = models.CharField(max_length=40, blank=True)
    email = models.EmailField(blank=True)
    address = models.TextField(blank=True)
    allergies = models.TextField(
        blank=True, help_text="Drug and other allergies, with the reaction"
    )
    current_medications = models.TextField(blank=True)
    imported = models.BooleanField(default=False, help_text="Came from a registry bundle")
    # A registry bundle's x_ columns, kept verbatim so that an export gives them back.
    extra = models.JSONField(default=dict, blank=True, help_text="registry bundle x_ columns")

    objects: ClassVar[PatientManager] = PatientManager()

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
            models.Index(F("clinic"), PhoneDigits("phone"), name="patient_clinic_phone"),
        ]

    def __str__(self) -> str:
        return f"{self.display_name} ({self.mrn})"

    @property
    def display_name(self) -> str:
        name = f"{self.given_name} {self.family_name}".strip()
        return name or f"Patient {self.mrn}"

    def age_on(self, day: dt.date) -> int | None:
        if self.birth_date:
            born = self.birth_date
            return day.year - born.year - ((day.month, day.day) < (born.month, born.day))
        if self.birth_year:
            return day.year - self.birth_year
        return None
