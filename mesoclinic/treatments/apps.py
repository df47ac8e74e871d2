"""Sessions and every injection line with its product and lot."""

from __future__ import annotations

from django.apps import AppConfig


class TreatmentsConfig(AppConfig):
    name = "mesoclinic.treatments"
    label = "treatments"
    verbose_name = "Treatment sessions"
