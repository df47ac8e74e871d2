"""Patients of a clinic."""

from __future__ import annotations

import datetime as dt

from django.db import models

from mesoclinic.clinical_codes import SEXES, choices
from mesoclinic.records.models import ClinicalRecord


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
        ]

    def __str__(self) -> str:
        return f"{self.display_name} ({self.mrn})"

    @property
    def display_name(self) -> str:
        name = f"{self.given_name} {self.family_name}".strip()
        return name or f"Patient {self.mrn}"

    @property
    def effective_birth_year(self) -> int | None:
        return self.birth_date.year if self.birth_date else self.birth_year

    def age_on(self, day: dt.date) -> int | None:
        if self.birth_date:
            born = self.birth_date
            return day.year - born.year - ((day.month, day.day) < (born.month, born.day))
        if self.birth_year:
            return day.year - self.birth_year
        return None
