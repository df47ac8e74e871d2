"""Appointments: the clinic's calendar, bookings, reminders and the staff calendar feed."""

from __future__ import annotations

from typing import Any

from django.apps import AppConfig


class AppointmentsConfig(AppConfig):
    name = "mesoclinic.appointments"
    label = "appointments"
    verbose_name = "Appointments"

    def ready(self) -> None:
        from mesoclinic.aftercare.signals import run_due

        # The cron runner (aftercare, a lower layer) announces its run; reminders go out in it.
        run_due.connect(run_due_receiver, dispatch_uid="appointments-run-due")


def run_due_receiver(sender: Any, **kwargs: Any) -> dict[str, int]:
    # The reminders load when run-due runs, not with every command's start-up (issue 11).
    from mesoclinic.appointments.reminders import run_due_receiver as receiver

    return receiver(sender, **kwargs)
