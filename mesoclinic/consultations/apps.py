"""Consultation, medical-history questionnaire and contraindication screening."""

from __future__ import annotations

from django.apps import AppConfig


class ConsultationsConfig(AppConfig):
    name = "mesoclinic.consultations"
    label = "consultations"
    verbose_name = "Consultations"
