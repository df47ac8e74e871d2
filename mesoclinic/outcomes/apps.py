"""Measurements: weight, circumference and the validated outcome scales."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from django.apps import AppConfig

if TYPE_CHECKING:
    from mesoclinic.dosing.services import RecordedWeight


class OutcomesConfig(AppConfig):
    name = "mesoclinic.outcomes"
    label = "outcomes"
    verbose_name = "Outcomes"

    def ready(self) -> None:
        from django.utils.translation import gettext

        from mesoclinic.outcomes import rules
        from mesoclinic.treatments.weight_source import supply_measured_weight

        # The dose check (treatments, a lower layer) reads measured weights through this.
        supply_measured_weight(_latest_weight)
        # The pure rules' messages in the reader's language.
        rules.translate_with(gettext)


def _latest_weight(patient: Any, clinic: Any, day: dt.date) -> RecordedWeight | None:
    # outcomes.services (and the dose engine it imports) is loaded by the first dose check,
    # not by every command's start-up (issue 11: commands that start at once).
    from mesoclinic.outcomes.services import latest_weight

    return latest_weight(patient, clinic, day)
