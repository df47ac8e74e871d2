"""Codes for clinics and staff."""

from __future__ import annotations

from django.db import models


class Role(models.TextChoices):
    PRACTITIONER = "practitioner", "Practitioner"
    NURSE = "nurse", "Nurse"
    RECEPTION = "reception", "Reception"
    ADMIN = "admin", "Clinic admin"
    RESEARCHER = "researcher", "Researcher"


class Profession(models.TextChoices):
    PHYSICIAN = "physician", "Physician"
    DERMATOLOGIST = "dermatologist", "Dermatologist"
    PLASTIC_SURGEON = "plastic_surgeon", "Plastic / cosmetic surgeon"
    NURSE_PRACTITIONER = "nurse_practitioner", "Nurse practitioner"
    REGISTERED_NURSE = "registered_nurse", "Registered nurse"
    DENTIST = "dentist", "Dentist"
    OTHER = "other", "Other"
