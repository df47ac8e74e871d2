"""FHIR R4: the boundary adapter that maps the clinical record to FHIR resources."""

from __future__ import annotations

from django.apps import AppConfig


class FhirConfig(AppConfig):
    name = "mesoclinic.fhir"
    label = "fhir"
    verbose_name = "FHIR R4"
