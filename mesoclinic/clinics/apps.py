"""Clinics, staff memberships with a role per clinic, and practitioner profiles."""

from __future__ import annotations

from django.apps import AppConfig


class ClinicsConfig(AppConfig):
    name = "mesoclinic.clinics"
    label = "clinics"
    verbose_name = "Clinics"

    def ready(self) -> None:
        # The sign-in clock starts on every sign-in (a receiver of user_logged_in).
        from mesoclinic.clinics import session_timeout  # noqa: F401
