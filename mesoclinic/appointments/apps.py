"""Appointments: the clinic's calendar, bookings, reminders and the staff calendar feed."""

from __future__ import annotations

from django.apps import AppConfig


class AppointmentsConfig(AppConfig):
    name = "mesoclinic.appointments"
    label = "appointments"
    verbose_name = "Appointments"

    def ready(self) -> None:
        from mesoclinic.aftercare.signals import run_due
        from mesoclinic.appointments.reminders import run_due_receiver

        # The cron runner (aftercare, a lower layer) announces its run; reminders go out in it.
        run_due.connect(run_due_receiver, dispatch_uid="appointments-run-due")
