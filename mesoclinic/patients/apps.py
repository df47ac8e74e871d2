"""Patient register and search (the chart is a surface, in workspace)."""

from __future__ import annotations

from django.apps import AppConfig


class PatientsConfig(AppConfig):
    name = "mesoclinic.patients"
    label = "patients"
    verbose_name = "Patients"
