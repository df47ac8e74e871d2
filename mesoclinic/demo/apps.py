"""The synthetic demo practice."""

from __future__ import annotations

from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "mesoclinic.demo"
    label = "demo"
    verbose_name = "Demo practice"
