"""Codes for clinics and staff."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

# The site's languages, each named in itself (settings.LANGUAGES), after what a blank means.
CLINIC_LANGUAGE_CHOICES = [("", _("Each member's browser language")), *settings.LANGUAGES]
MEMBER_LANGUAGE_CHOICES = [("", _("The clinic's language")), *settings.LANGUAGES]
PATIENT_LANGUAGE_CHOICES = MEMBER_LANGUAGE_CHOICES


class Role(models.TextChoices):
    PRACTITIONER = "practitioner", _("Practitioner")
    NURSE = "nurse", _("Nurse")
    RECEPTION = "reception", _("Reception")
    ADMIN = "admin", _("Clinic admin")
    RESEARCHER = "researcher", _("Researcher")


class Profession(models.TextChoices):
    PHYSICIAN = "physician", _("Physician")
    DERMATOLOGIST = "dermatologist", _("Dermatologist")
    PLASTIC_SURGEON = "plastic_surgeon", _("Plastic / cosmetic surgeon")
    NURSE_PRACTITIONER = "nurse_practitioner", _("Nurse practitioner")
    REGISTERED_NURSE = "registered_nurse", _("Registered nurse")
    DENTIST = "dentist", _("Dentist")
    OTHER = "other", _("Other")
