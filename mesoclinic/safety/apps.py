"""Adverse events with onset, course, severity and causality."""

from __future__ import annotations

from django.apps import AppConfig


class SafetyConfig(AppConfig):
    name = "mesoclinic.safety"
    label = "safety"
    verbose_name = "Safety"

    def ready(self) -> None:
        from mesoclinic.safety import signal_state

        # Adverse events, sessions and lines are written by this and lower apps; the stored
        # Today count of signals follows them (safety.signal_state).
        signal_state.connect()
