"""Aftercare: follow-up check-ins after a session, patient reports and red-flag escalation."""

from __future__ import annotations

from django.apps import AppConfig


class AftercareConfig(AppConfig):
    name = "mesoclinic.aftercare"
    label = "aftercare"
    verbose_name = "Aftercare"

    def ready(self) -> None:
        # Registers the start-up checks of the aftercare settings.
        from mesoclinic.aftercare import checks  # noqa: F401
