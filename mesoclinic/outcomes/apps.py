"""Measurements: weight, circumference and the validated outcome scales."""

from __future__ import annotations

from django.apps import AppConfig


class OutcomesConfig(AppConfig):
    name = "mesoclinic.outcomes"
    label = "outcomes"
    verbose_name = "Outcomes"
