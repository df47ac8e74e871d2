"""Adverse events with onset, course, severity and causality."""

from __future__ import annotations

from django.apps import AppConfig


class SafetyConfig(AppConfig):
    name = "mesoclinic.safety"
    label = "safety"
    verbose_name = "Safety"
