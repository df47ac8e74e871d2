"""Aftercare: follow-up check-ins after a session, patient reports and red-flag escalation."""

from __future__ import annotations

from typing import Any

from django.apps import AppConfig


class AftercareConfig(AppConfig):
    name = "mesoclinic.aftercare"
    label = "aftercare"
    verbose_name = "Aftercare"

    def ready(self) -> None:
        # Registers the start-up checks of the aftercare settings.
        from mesoclinic.aftercare import checks  # noqa: F401
        from mesoclinic.treatments.signals import session_signed

        # Signing (treatments, a lower layer) announces the signature; aftercare schedules.
        session_signed.connect(schedule_on_signing, dispatch_uid="aftercare.schedule_follow_up")


def schedule_on_signing(sender: Any, **kwargs: Any) -> None:
    # aftercare.services loads with the first signature, not with every command's start-up
    # (issue 11: commands that start at once).
    from mesoclinic.aftercare.services import schedule_on_signing as receiver

    receiver(sender, **kwargs)
