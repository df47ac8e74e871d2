"""Clinics, staff memberships with a role per clinic, and practitioner profiles."""

from __future__ import annotations

from django.apps import AppConfig


class ClinicsConfig(AppConfig):
    name = "mesoclinic.clinics"
    label = "clinics"
    verbose_name = "Clinics"
