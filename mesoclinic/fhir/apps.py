"""FHIR R4: the boundary adapter that maps the clinical record to FHIR resources."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.apps import AppConfig


class FhirConfig(AppConfig):
    name = "mesoclinic.fhir"
    label = "fhir"
    verbose_name = "FHIR R4"

    def ready(self) -> None:
        from mesoclinic.aftercare.signals import run_due

        run_due.connect(_run_due, dispatch_uid="fhir-run-due")


def _run_due(sender: Any, now: dt.datetime, **kwargs: Any) -> dict[str, int]:
    # The bulk runner and the token stores are imported when run-due runs, not by every
    # command's start-up (issue 11: recall and dose-check paid for them at each start).
    from mesoclinic.fhir.periodic import run_due_receiver

    return run_due_receiver(sender, now=now, **kwargs)
