"""Reminders before an appointment, the patient's reply link, and the maintenance recall."""

from __future__ import annotations

import datetime as dt
import json
import re
from io import StringIO

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from mesoclinic.appointments.choices import ReminderKind, Reply
from mesoclinic.appointments.models import Reminder, ReminderOptOut
from mesoclinic.appointments.reminders import run_reminders

pytestmark = pytest.mark.django_db


def _run_due() -> dict[str, int]:
    out = StringIO()
    call_command("run_due", "--json", stdout=out)
    counts: dict[str, int] = json.loads(out.getvalue())
    return counts


def test_it_sends_the_48_hour_reminder_once_and_reports_it(booked, patient):
    # given a booking in 30 hours
    booked(timezone.now() + dt.timedelta(hours=30))
    # when run-due runs twice
    first, second = _run_due(), _run_due()
    # then one e-mail went, without the patient's name in the subject, and is logged
    assert first["reminders_sent"] == 1
    assert second["reminders_sent"] == 0
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == [patient.email]
    assert "Maria" not in mail.outbox[0].subject
    assert Reminder.objects.get().kind == ReminderKind.BEFORE_48H


def test_it_sends_the_2_hour_reminder_after_the_48_hour_one(booked, riverside):
    appointment = booked(timezone.now() + dt.timedelta(hours=30))
    run_reminders(riverside, timezone.now())
    # when the clock reaches 1 hour before
    run_reminders(riverside, appointment.starts_at - dt.timedelta(hours=1))
    kinds = sorted(Reminder.objects.values_list("kind", flat=True))
    assert kinds == sorted([ReminderKind.BEFORE_48H, ReminderKind.BEFORE_2H])


def test_it_sends_nothing_to_an_opted_out_patient_or_for_imported_history(
    booked, patient, riverside, slot
):
    booked(timezone.now() + dt.timedelta(hours=30))
    ReminderOptOut.objects.create(clinic=riverside, patient=patient)
    assert run_reminders(riverside, timezone.now())["reminders_sent"] == 0
    ReminderOptOut.objects.all().delete()
    patient.imported = True
    patient.save()
    assert run_reminders(riverside, timezone.now())["reminders_sent"] == 0
    assert mail.outbox == []


def test_it_sends_by_sms_when_there_is_no_email(booked, patient, riverside, settings):
    settings.AFTERCARE_SMS_SENDER = "mesoclinic.appointments.tests.test_reminders.Captured"
    Captured.sent.clear()
    patient.email = ""
    patient.save()
    booked(timezone.now() + dt.timedelta(hours=30))
    run_reminders(riverside, timezone.now())
    assert len(Captured.sent) == 1
    assert "https://clinic.example/r/" in Captured.sent[0][1]
    assert Reminder.objects.get().channel == "sms"


class Captured:
    sent: list[tuple[str, str]] = []

    def send(self, to: str, body: str) -> None:
        self.sent.append((to, body))


def test_it_lets_the_patient_confirm_through_the_link_with_nothing_personal_in_it(
    booked, riverside, client
):
    appointment = booked(timezone.now() + dt.timedelta(hours=30))
    run_reminders(riverside, timezone.now())
    found = re.search(r"https://clinic\.example(/r/\S+)", str(mail.outbox[0].body))
    assert found is not None
    url = found.group(1)
    # the URL holds the appointment's random id and a token, nothing about the person
    assert "Maria" not in url
    assert "RV000001" not in url
    opened = client.get(url)
    assert opened.status_code == 302
    assert "/r/" in opened["Location"]
    page = client.get(opened["Location"])
    assert page.status_code == 200
    client.post(opened["Location"], {"answer": Reply.CONFIRMED})
    appointment.refresh_from_db()
    assert appointment.reply == Reply.CONFIRMED


def test_it_refuses_a_changed_link(booked, riverside, client):
    appointment = booked(timezone.now() + dt.timedelta(hours=30))
    response = client.get(f"/r/{appointment.public_id}/not-a-token/")
    assert response.status_code == 410
    assert "Maria" not in response.content.decode()


def test_it_recalls_after_a_completed_course_per_protocol(plan, make_signed, riverside, settings):
    # given the protocol's recall after 6 months (configured) and a course of 4 signed sessions
    settings.APPOINTMENTS_RECALL_MONTHS = {plan.protocol: 6}
    for days in (400, 350, 300, 250):
        make_signed(plan, days_ago=days)
    # when run-due runs twice
    first = run_reminders(riverside, timezone.now())
    second = run_reminders(riverside, timezone.now())
    # then one recall went out
    assert (first["recalls_sent"], second["recalls_sent"]) == (1, 0)
    assert Reminder.objects.get().kind == ReminderKind.RECALL
