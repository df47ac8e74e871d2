"""Versioned consent templates and signed treatment-specific consents."""

from __future__ import annotations

from django.apps import AppConfig


class ConsentConfig(AppConfig):
    name = "mesoclinic.consent"
    label = "consent"
    verbose_name = "Consent"
