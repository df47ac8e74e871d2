"""FHIR R4: the boundary adapter that maps the clinical record to FHIR resources."""

from __future__ import annotations

from django.apps import AppConfig


class FhirConfig(AppConfig):
    name = "mesoclinic.fhir"
    label = "fhir"
    verbose_name = "FHIR R4"

    def ready(self) -> None:
        from mesoclinic.aftercare.signals import run_due
        from mesoclinic.fhir.periodic import run_due_receiver

        run_due.connect(run_due_receiver, dispatch_uid="fhir-run-due")
