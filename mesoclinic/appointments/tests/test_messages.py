"""Every message between the clinic and a patient is logged on the chart: reminders and
recalls sent or not delivered, and the patient's answers through the reply link."""

from __future__ import annotations

import datetime as dt
import re
import smtplib
from typing import Any

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from mesoclinic.appointments import reminders
from mesoclinic.appointments.choices import MessageKind, MessageOutcome, Reply
from mesoclinic.appointments.models import PatientMessage, Reminder
from mesoclinic.appointments.reminders import run_reminders
from mesoclinic.clinics.roles import Perm
from tests.second_step import sign_in

pytestmark = pytest.mark.django_db


def _chart(client: Client, patient: Any) -> str:
    response = client.get(reverse("patient_chart", args=[patient.public_id]))
    assert response.status_code == 200
    return response.content.decode()


def _refuse_mail(*args: Any, **kwargs: Any) -> None:
    raise smtplib.SMTPRecipientsRefused({})


def test_it_logs_a_sent_reminder_on_the_chart(booked, riverside, patient, alice, login):
    # given a booking in 30 hours
    appointment = booked(timezone.now() + dt.timedelta(hours=30))
    # when run-due sends its 48-hour reminder
    run_reminders(riverside, timezone.now())
    # then the chart lists the message: kind, channel, outcome and the appointment
    message = PatientMessage.objects.get()
    assert (message.kind, message.channel, message.outcome) == ("48h", "email", "sent")
    assert message.appointment == appointment
    page = _chart(login(alice), patient)
    assert "48 hours before" in page
    assert reverse("appointments:detail", args=[appointment.public_id]) in page


def test_it_logs_an_undelivered_reminder_once_and_goes_on_with_the_others(
    booked, riverside, patient, monkeypatch
):
    # given a booking in 30 hours and a mail server that refuses every message
    appointment = booked(timezone.now() + dt.timedelta(hours=30))
    monkeypatch.setattr(reminders, "send_mail", _refuse_mail)
    # when run-due runs twice
    first = run_reminders(riverside, timezone.now())
    second = run_reminders(riverside, timezone.now())
    # then nothing counts as sent, the claim is rolled back for the next run, and the chart has
    # one "not delivered" entry (not one per run)
    assert (first["reminders_sent"], second["reminders_sent"]) == (0, 0)
    assert not Reminder.objects.exists()
    failed = PatientMessage.objects.get()
    assert (failed.outcome, failed.appointment) == (MessageOutcome.FAILED, appointment)
    # when the mail server works again
    monkeypatch.undo()
    third = run_reminders(riverside, timezone.now())
    # then the reminder goes and both entries stay on the chart
    assert third["reminders_sent"] == 1
    assert sorted(PatientMessage.objects.values_list("outcome", flat=True)) == ["failed", "sent"]


def test_it_logs_each_answer_of_the_patient(booked, riverside, patient, alice, login):
    # given a reminder sent and its link opened by the patient
    appointment = booked(timezone.now() + dt.timedelta(hours=30))
    run_reminders(riverside, timezone.now())
    found = re.search(r"https://clinic\.example(/r/\S+)", str(mail.outbox[0].body))
    assert found is not None
    patient_client = Client()
    reply_page = patient_client.get(found.group(1))["Location"]
    # when the patient confirms, then asks for another time
    patient_client.post(reply_page, {"answer": Reply.CONFIRMED})
    patient_client.post(reply_page, {"answer": Reply.RESCHEDULE})
    # then both answers are logged against the appointment, the latest first
    answers = PatientMessage.objects.filter(kind=MessageKind.REPLY)
    assert [m.outcome for m in answers] == [Reply.RESCHEDULE, Reply.CONFIRMED]
    assert {m.appointment_id for m in answers} == {appointment.pk}
    page = _chart(login(alice), patient)
    assert "Patient asked to reschedule" in page
    assert "Confirmed by the patient" in page


def test_it_shows_reception_the_log_on_the_appointments_page_not_the_clinical_timeline(
    booked, riverside, patient, bob
):
    # given a reminder sent
    booked(timezone.now() + dt.timedelta(hours=30))
    run_reminders(riverside, timezone.now())
    reception = sign_in(Client(), bob.user)
    # when reception opens the chart and the patient's appointments page
    chart = _chart(reception, patient)
    listing = reception.get(reverse("appointments:patient", args=[patient.public_id]))
    # then the chart shows no timeline at all (so no clinical note), the appointments page
    # lists the message
    assert "48 hours before" not in chart
    assert "Clinical records are not shown for your role." in chart
    assert "48 hours before" in listing.content.decode()


def test_it_shows_no_message_of_another_clinic(booked, riverside, patient, charlie):
    # given a message to a Riverside patient
    booked(timezone.now() + dt.timedelta(hours=30))
    run_reminders(riverside, timezone.now())
    # when a Hilltop member reads messages through the restricted queryset
    seen = PatientMessage.objects.restrict(charlie, Perm.VIEW_DEMOGRAPHICS)
    # then none is theirs
    assert not seen.exists()


class Unreachable:
    """An SMS gateway that is down."""

    def send(self, to: str, body: str) -> None:
        raise ConnectionError("gateway down")


def test_it_logs_an_undelivered_recall_by_sms(plan, make_signed, riverside, patient, settings):
    # given a completed course due for its recall, a patient with only a phone, the gateway down
    settings.APPOINTMENTS_RECALL_MONTHS = {plan.protocol: 6}
    settings.AFTERCARE_SMS_SENDER = "mesoclinic.appointments.tests.test_messages.Unreachable"
    patient.email = ""
    patient.save()
    for days in (400, 350, 300, 250):
        make_signed(plan, days_ago=days)
    # when run-due runs
    sent = run_reminders(riverside, timezone.now())
    # then no recall counts as sent, and the chart's log says it was not delivered by SMS
    assert sent["recalls_sent"] == 0
    failed = PatientMessage.objects.get()
    assert (failed.kind, failed.channel, failed.outcome) == ("recall", "sms", "failed")
    assert failed.plan == plan
