"""The evidence report: effect estimates, responder and adverse-event rates from the records."""

from __future__ import annotations

from typing import Any

from django.apps import AppConfig


class EvidenceConfig(AppConfig):
    name = "mesoclinic.evidence"
    label = "evidence"
    verbose_name = "Evidence"

    def ready(self) -> None:
        # The consent page asks for the practice's own rates (consent sits below evidence).
        from mesoclinic.consent.practice_rates import practice_rates_wanted

        practice_rates_wanted.connect(practice_figures, dispatch_uid="evidence.practice_figures")


def practice_figures(sender: Any, **kwargs: Any) -> dict[str, Any]:
    # The consent page's question loads the evidence code, not every command's start-up
    # (issue 11: commands that start at once).
    from mesoclinic.evidence.decision_aid import practice_figures as receiver

    return receiver(sender, **kwargs)
