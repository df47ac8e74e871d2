"""The staff worklist and check-in pages, for each persona; charlie sees nothing."""

from __future__ import annotations

import logging

import pytest
from django.core import mail

from mesoclinic.aftercare.models import CallLog, CheckIn, Escalation
from mesoclinic.audit.models import AuditEvent

from .test_patient_link import QUIET, assert_nothing_leaks

pytestmark = pytest.mark.django_db


@pytest.fixture
def escalated(client, due_check_in, open_link):
    """A check-in five weeks after a session where the patient reported a lump."""
    check_in = due_check_in("week4_6", days_ago=35)
    client.post(open_link(client, check_in), {**QUIET, "lump": "yes"})
    client.cookies.clear()
    return check_in


def test_it_puts_a_red_flag_on_the_practitioners_worklist(login, alice, escalated):
    # given a patient who reported a lump five weeks after the session
    # when alice opens the worklist
    response = login(alice).get("/aftercare/")
    # then the escalation is there with its steps and the patient's name
    body = response.content.decode()
    assert response.status_code == 200
    assert "Maria Lopez" in body
    assert "suspect a non-tuberculous mycobacterial infection" in body
    assert "biopsy for mycobacterial culture" in body
    assert AuditEvent.objects.filter(action="list", username="alice").exists()


def test_it_lets_the_practitioner_acknowledge_an_escalation(login, alice, escalated):
    client = login(alice)
    escalation = Escalation.objects.get(code="suspected_ntm")
    client.post(
        f"/aftercare/escalations/{escalation.public_id}/acknowledge/",
        {"note": "Biopsy booked"},
    )
    escalation.refresh_from_db()
    assert escalation.acknowledged_by == alice.user
    assert escalation.acknowledgement_note == "Biopsy booked"
    assert "Biopsy booked" not in client.get("/aftercare/").content.decode()
    # a second acknowledgement is refused with a message
    again = client.post(
        f"/aftercare/escalations/{escalation.public_id}/acknowledge/",
        {"note": "Biopsy booked again"},
        follow=True,
    )
    assert "already acknowledged" in again.content.decode()


def test_it_shows_the_patients_answers_to_the_nurse(login, nina, escalated):
    response = login(nina).get(f"/aftercare/check-ins/{escalated.public_id}/")
    body = response.content.decode()
    assert response.status_code == 200
    assert "Patient&#x27;s answers" in body or "Patient's answers" in body
    assert "Lump" in body


def test_it_records_a_call_and_settles_the_check_in_when_reached(login, nina, due_check_in):
    # given an overdue check-in
    check_in = due_check_in("week4_6", days_ago=35)
    CheckIn.objects.filter(pk=check_in.pk).update(status="overdue")
    client = login(nina)
    assert "Maria Lopez" in client.get("/aftercare/").content.decode()
    # when nina phones and reaches the patient
    client.post(
        f"/aftercare/check-ins/{check_in.public_id}/call/",
        {"outcome": "reached", "note": "No problems"},
    )
    # then the call is recorded and the check-in is no longer on the phone list
    call = CallLog.objects.get()
    assert call.called_by == nina.user
    check_in.refresh_from_db()
    assert check_in.status == "called"


def test_it_names_the_field_of_a_bad_call(login, nina, due_check_in):
    check_in = due_check_in("week4_6", days_ago=35)
    response = login(nina).post(
        f"/aftercare/check-ins/{check_in.public_id}/call/", {"outcome": "maybe"}, follow=True
    )
    assert "Call outcome: Select a valid choice." in response.content.decode()
    assert not CallLog.objects.exists()


@pytest.mark.parametrize("persona", ["bob", "ada", "rita"])
def test_it_refuses_aftercare_to_roles_without_clinical_access(login, request, persona, escalated):
    # reception, the clinic admin and the researcher see no aftercare (see docs/aftercare.md)
    client = login(request.getfixturevalue(persona))
    assert client.get("/aftercare/").status_code == 403
    assert client.get(f"/aftercare/check-ins/{escalated.public_id}/").status_code == 403


def test_it_lets_the_nurse_acknowledge_an_escalation(login, nina, escalated):
    # the nurse may view and act on the worklist (acknowledging is not signing)
    escalation = Escalation.objects.get(code="suspected_ntm")
    response = login(nina).post(
        f"/aftercare/escalations/{escalation.public_id}/acknowledge/",
        {"note": "Phoned the patient; seen by Dr Archer today"},
    )
    assert response.status_code == 302
    escalation.refresh_from_db()
    assert escalation.acknowledged_at is not None


def test_it_shows_charlie_nothing_of_riverside(login, charlie, escalated, patient):
    # given charlie, a practitioner at Hilltop
    client = login(charlie)
    escalation = Escalation.objects.get(code="suspected_ntm")
    answer = escalated.response
    # when he tries every aftercare page of Riverside's patient
    pages = [
        f"/aftercare/check-ins/{escalated.public_id}/",
        f"/aftercare/patients/{patient.public_id}/",
        f"/aftercare/photos/{answer.public_id}/",
    ]
    posts = [
        f"/aftercare/check-ins/{escalated.public_id}/call/",
        f"/aftercare/check-ins/{escalated.public_id}/revoke/",
        f"/aftercare/check-ins/{escalated.public_id}/close/",
        f"/aftercare/escalations/{escalation.public_id}/acknowledge/",
    ]
    # then each is a 404 that shows nothing, and his worklist is empty
    for url in pages:
        response = client.get(url)
        assert response.status_code == 404, url
        assert_nothing_leaks(response.content.decode())
    for url in posts:
        assert client.post(url, {"outcome": "reached"}).status_code == 404, url
    worklist = client.get("/aftercare/").content.decode()
    assert_nothing_leaks(worklist)
    assert "No escalation is waiting." in worklist
    escalation.refresh_from_db()
    assert escalation.acknowledged_at is None
    assert not CallLog.objects.exists()


def test_it_shows_a_patients_check_ins_from_the_chart(login, alice, escalated, patient):
    response = login(alice).get(f"/aftercare/patients/{patient.public_id}/")
    assert response.status_code == 200
    assert "4–6 weeks" in response.content.decode()
    chart = login(alice).get(f"/patients/{patient.public_id}/").content.decode()
    assert f"/aftercare/patients/{patient.public_id}/" in chart


def test_it_keeps_patient_data_out_of_every_url_and_log_line(
    client, due_check_in, open_link, caplog, login, alice
):
    # given a full round: link sent, answered with a red flag, worklist opened
    from django.core.management import call_command

    due_check_in("week4_6", days_ago=35)
    with caplog.at_level(logging.DEBUG):
        call_command("run_due")
        url = next(line for line in mail.outbox[0].body.splitlines() if line.startswith("https://"))
        path = url.removeprefix("https://clinic.example")
        form_url = client.get(path)["Location"]
        client.post(form_url, {**QUIET, "lump": "yes"})
        client.cookies.clear()
        worklist = login(alice).get("/aftercare/").content.decode()
    # then no URL anywhere (emails, redirects, the worklist's links) and no log line
    # carries the patient's name, MRN, email or phone
    for link in [url, path, form_url]:
        assert_nothing_leaks(link)
    import re

    for href in re.findall(r'href="([^"]+)"', worklist):
        assert_nothing_leaks(href)
    assert_nothing_leaks(caplog.text)
    for message in mail.outbox:
        assert_nothing_leaks(message.subject)


def test_it_serves_the_photo_to_staff_only_through_the_app(
    client, login, alice, charlie, due_check_in, open_link
):
    # given a patient who sent a photo with their answers
    from django.core.files.uploadedfile import SimpleUploadedFile

    from .test_reporting import PNG

    check_in = due_check_in()
    photo = SimpleUploadedFile("me.png", PNG, content_type="image/png")
    client.post(open_link(client, check_in), {**QUIET, "photo": photo})
    client.cookies.clear()
    answer = check_in.response
    url = f"/aftercare/photos/{answer.public_id}/"
    # then the anonymous visitor is sent to sign in, charlie gets a 404, alice gets the picture
    assert client.get(url).status_code == 302
    assert login(charlie).get(url).status_code == 404
    response = login(alice).get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert response["Content-Disposition"].startswith("attachment")
    assert response.content.startswith(b"\x89PNG")
    assert "no-store" in response["Cache-Control"]


def test_it_counts_the_other_patients_exposed_to_the_lot(
    login, alice, riverside, client, due_check_in, open_link, make_signed_session
):
    # given another patient who received the same lot, and a suspected mycobacterial infection
    from mesoclinic.patients.models import Patient

    other = Patient.objects.create(clinic=riverside, mrn="RV000002", given_name="Olga")
    make_signed_session(other)
    check_in = due_check_in("week4_6", days_ago=35)
    client.post(open_link(client, check_in), {**QUIET, "lump": "yes"})
    client.cookies.clear()
    # when alice opens the worklist
    body = login(alice).get("/aftercare/").content.decode()
    # then the escalation says how many others received lot A100
    assert "1 other patient received lot" in body
    assert "A100" in body
