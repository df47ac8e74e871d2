"""Measurements: weight, circumference and the validated outcome scales."""

from __future__ import annotations

from django.apps import AppConfig


class OutcomesConfig(AppConfig):
    name = "mesoclinic.outcomes"
    label = "outcomes"
    verbose_name = "Outcomes"

    def ready(self) -> None:
        from django.utils.translation import gettext

        from mesoclinic.outcomes import rules
        from mesoclinic.outcomes.services import latest_weight
        from mesoclinic.treatments.dose_input import supply_measured_weight

        # The dose check (treatments, a lower layer) reads measured weights through this.
        supply_measured_weight(latest_weight)
        # The pure rules' messages in the reader's language.
        rules.translate_with(gettext)
