"""``mesoclinic run-due``: sends what is due once, never for imported history or past windows."""

from __future__ import annotations

import datetime as dt
import io
import json
import logging

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from mesoclinic.aftercare.models import CheckIn, CheckInLink, Escalation
from mesoclinic.aftercare.services import schedule_follow_up, send_check_in

from .test_patient_link import assert_nothing_leaks

pytestmark = pytest.mark.django_db


def run_json() -> dict[str, int]:
    out = io.StringIO()
    call_command("run_due", "--json", stdout=out)
    # json.loads is typed Any; run_due --json prints one object of counts. Aftercare's own
    # counts only: apps above it add theirs through the run_due hook (FHIR exports).
    counts: dict[str, int] = json.loads(out.getvalue())
    return {k: v for k, v in counts.items() if k in ("sent", "escalated", "skipped")}


def test_it_sends_a_due_check_in_once(due_check_in):
    # given a check-in whose window is open
    check_in = due_check_in("week4_6", days_ago=35)
    # when the runner runs twice
    first = run_json()
    second = run_json()
    # then one email went out, and the second run sent nothing new
    assert first == {"sent": 1, "escalated": 0, "skipped": 0}
    assert second == {"sent": 0, "escalated": 0, "skipped": 0}
    assert len(mail.outbox) == 1
    check_in.refresh_from_db()
    assert check_in.status == "sent"
    assert check_in.channel == "email"
    assert CheckInLink.objects.filter(check_in=check_in).count() == 1


def test_it_lets_only_one_of_two_concurrent_senders_send(due_check_in):
    # given two runners that both read the same due check-in
    check_in = due_check_in("week4_6", days_ago=35)
    copy_a = CheckIn.objects.get(pk=check_in.pk)
    copy_b = CheckIn.objects.get(pk=check_in.pk)
    now = timezone.now()
    # when both try to send it
    results = [send_check_in(copy_a, now), send_check_in(copy_b, now)]
    # then exactly one sends
    assert sorted(results) == [False, True]
    assert len(mail.outbox) == 1


def test_it_keeps_patient_data_out_of_the_email_subject_and_url(due_check_in):
    check_in = due_check_in("week4_6", days_ago=35)
    run_json()
    message = mail.outbox[0]
    assert_nothing_leaks(message.subject)
    url = next(line for line in message.body.splitlines() if line.startswith("https://"))
    assert url.startswith(f"https://clinic.example/c/{check_in.public_id}/")
    assert_nothing_leaks(url)
    assert message.to == ["maria@example.org"]


def test_it_sends_nothing_for_imported_history(patient, make_signed_session):
    # given an imported session that somehow has a check-in in its window
    session = make_signed_session(patient, timezone.now() - dt.timedelta(days=35), imported=True)
    CheckIn.objects.create(
        clinic=session.clinic,
        session=session,
        patient=patient,
        kind="week4_6",
        label="4–6 weeks",
        window_start=timezone.now() - dt.timedelta(days=7),
        window_end=timezone.now() + dt.timedelta(days=7),
    )
    # when the runner runs
    result = run_json()
    # then nothing is sent, it is counted as skipped and closed
    assert result == {"sent": 0, "escalated": 0, "skipped": 1}
    assert mail.outbox == []
    assert CheckIn.objects.get().status == "closed"


def test_it_sends_nothing_past_the_window_and_lists_it_to_phone(due_check_in):
    # given a check-in whose window closed unanswered before the runner got to it
    check_in = due_check_in("week4_6", days_ago=35)
    CheckIn.objects.filter(pk=check_in.pk).update(window_end=timezone.now())
    # when the runner runs
    result = run_json()
    # then nothing is sent and it becomes overdue (the phone list)
    assert result["sent"] == 0
    assert mail.outbox == []
    check_in.refresh_from_db()
    assert check_in.status == "overdue"


def test_it_sends_nothing_before_the_window(patient, make_signed_session):
    session = make_signed_session(patient)
    schedule_follow_up(session)
    assert run_json() == {"sent": 0, "escalated": 0, "skipped": 0}


def test_it_texts_when_there_is_no_email_and_logs_no_patient_data(due_check_in, patient, caplog):
    # given a patient with a phone but no email
    patient.email = ""
    patient.save()
    check_in = due_check_in("week4_6", days_ago=35)
    # when the runner runs with logging captured
    with caplog.at_level(logging.DEBUG):
        result = run_json()
    # then a text went through the pluggable sender, and no log line carries patient data
    assert result["sent"] == 1
    check_in.refresh_from_db()
    assert check_in.channel == "sms"
    assert "SMS of" in caplog.text
    assert_nothing_leaks(caplog.text)
    token_hashes = list(CheckInLink.objects.values_list("token_hash", flat=True))
    assert all(h not in caplog.text for h in token_hashes)


class FailingSms:
    def send(self, to: str, body: str) -> None:
        raise ConnectionError("gateway down")


def test_it_leaves_a_check_in_scheduled_when_sending_fails(settings, due_check_in, patient):
    # given an SMS gateway that is down
    settings.AFTERCARE_SMS_SENDER = "mesoclinic.aftercare.tests.test_runner.FailingSms"
    patient.email = ""
    patient.save()
    check_in = due_check_in("week4_6", days_ago=35)
    # when the runner tries to send
    with pytest.raises(ConnectionError):
        run_json()
    # then the check-in is still scheduled (the next run retries) and no link exists
    check_in.refresh_from_db()
    assert check_in.status == "scheduled"
    assert not CheckInLink.objects.exists()


def test_it_skips_a_patient_with_no_way_to_reach_them(due_check_in, patient):
    patient.email = ""
    patient.phone = ""
    patient.save()
    check_in = due_check_in("week4_6", days_ago=35)
    assert run_json() == {"sent": 0, "escalated": 0, "skipped": 1}
    check_in.refresh_from_db()
    assert check_in.status == "scheduled"


def test_it_retries_a_red_flag_email_that_did_not_go_out(due_check_in, patient):
    # given a red flag whose immediate email failed
    check_in = due_check_in("week4_6", days_ago=35)
    CheckIn.objects.filter(pk=check_in.pk).update(status="answered")
    Escalation.objects.create(
        clinic=check_in.clinic,
        session=check_in.session,
        patient=patient,
        check_in=check_in,
        level="red_flag",
        code="suspected_ntm",
        reason="New lump",
        recommended_steps="Biopsy",
    )
    # when the runner runs twice
    first = run_json()
    second = run_json()
    # then it is emailed once to the practitioner
    assert first["escalated"] == 1
    assert second["escalated"] == 0
    assert [m.to for m in mail.outbox] == [["alice@riverside.example"]]
    assert_nothing_leaks(mail.outbox[0].subject)


def test_it_prints_a_summary_without_json():
    out = io.StringIO()
    call_command("run_due", stdout=out)
    assert out.getvalue().strip() == "Sent 0 check-in links, emailed 0 escalations, skipped 0."


def test_it_names_an_unknown_clinic():
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="--clinic: no clinic has the slug 'nowhere'"):
        call_command("run_due", "--clinic", "nowhere")


def test_it_emails_the_clinics_practitioners_when_the_session_has_no_address(
    due_check_in, patient, alice
):
    # given a red flag on a session whose practitioner has no email, and a colleague who has
    from django.contrib.auth.models import User

    from mesoclinic.clinics.models import Membership

    check_in = due_check_in("week4_6", days_ago=35)
    alice.user.email = ""
    alice.user.save()
    colleague = User.objects.create_user("paula", email="paula@riverside.example")
    Membership.objects.create(user=colleague, clinic=check_in.clinic, role="practitioner")
    CheckIn.objects.filter(pk=check_in.pk).update(status="answered")
    Escalation.objects.create(
        clinic=check_in.clinic,
        session=check_in.session,
        patient=patient,
        check_in=check_in,
        level="red_flag",
        code="fever",
        reason="Fever",
        recommended_steps="Call today",
    )
    # when the runner runs
    run_json()
    # then the colleague is emailed
    assert [m.to for m in mail.outbox] == [["paula@riverside.example"]]
