"""Sessions and every injection line with its product and lot."""

from __future__ import annotations

from django.apps import AppConfig


class TreatmentsConfig(AppConfig):
    name = "mesoclinic.treatments"
    label = "treatments"
    verbose_name = "Treatment sessions"

    def ready(self) -> None:
        from django.utils.translation import gettext, ngettext

        from mesoclinic.treatments import gate_facts

        # The signing gates' sentences in the reader's language.
        gate_facts.translate_with(gettext, ngettext)
