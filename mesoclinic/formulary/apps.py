"""Products, their ingredients and concentrations, and lots."""

from __future__ import annotations

from django.apps import AppConfig


class FormularyConfig(AppConfig):
    name = "mesoclinic.formulary"
    label = "formulary"
    verbose_name = "Formulary"
