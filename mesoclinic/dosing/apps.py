"""Dose safety: session totals checked against sourced dose limits."""

from __future__ import annotations

from django.apps import AppConfig


class DosingConfig(AppConfig):
    name = "mesoclinic.dosing"
    label = "dosing"
    verbose_name = "Dose safety"
