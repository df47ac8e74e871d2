"""Planned courses: indication, areas, protocol, sessions and interval."""

from __future__ import annotations

from django.apps import AppConfig


class PlansConfig(AppConfig):
    name = "mesoclinic.plans"
    label = "plans"
    verbose_name = "Treatment plans"
