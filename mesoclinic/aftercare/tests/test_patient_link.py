"""The patient's link: works for its own check-in only, and every refusal is a clear page."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from mesoclinic.aftercare.models import CheckIn, CheckInLink, CheckInResponse, Escalation
from mesoclinic.aftercare.tokens import token_hash
from mesoclinic.audit.models import AuditEvent
from mesoclinic.patients.models import Patient

pytestmark = pytest.mark.django_db

QUIET = {
    "bruising": "no",
    "swelling": "no",
    "redness_warmth": "no",
    "lump": "no",
    "drainage": "no",
    "fever": "no",
    "skin_breakdown": "no",
    "spreading_rash": "no",
    "anaesthetic_toxicity": "no",
    "pain_score": "0",
    "impact": "none",
}


def assert_nothing_leaks(body: object) -> None:
    body = str(body)
    for private in ("Maria", "Lopez", "RV000001", "maria@example.org", "7700"):
        assert private not in body


def test_it_shows_the_questions_for_a_live_link(client, due_check_in, check_in_link):
    # given a check-in with a live link
    check_in = due_check_in()
    # when the patient opens it, with no account
    opened = client.get(check_in_link(check_in))
    response = client.get(opened["Location"])
    # then the token leaves the address bar, and the questions are shown without their name
    assert opened["Location"] == f"/c/{check_in.public_id}/"
    body = response.content.decode()
    assert response.status_code == 200
    assert "Is there a lump or hard knot under the skin?" in body
    assert "Riverside Aesthetics" in body
    assert_nothing_leaks(body)
    assert "no-store" in response["Cache-Control"]


def test_it_stores_only_a_hash_of_the_token(due_check_in, check_in_link):
    check_in = due_check_in()
    path = check_in_link(check_in)
    token = path.rstrip("/").split("/")[-1]
    row = CheckInLink.objects.get(check_in=check_in)
    assert row.token_hash == token_hash(token)
    assert token not in row.token_hash


def test_it_refuses_an_expired_link_with_410(client, due_check_in, check_in_link):
    # given a link whose expiry has passed
    check_in = due_check_in()
    path = check_in_link(check_in)
    CheckInLink.objects.update(expires_at=timezone.now() - dt.timedelta(minutes=1))
    # when the patient opens it
    response = client.get(path)
    # then they get a clear page and nothing of the check-in
    body = response.content.decode()
    assert response.status_code == 410
    assert "This link has expired" in body
    assert "lump" not in body
    assert_nothing_leaks(body)


def test_it_refuses_a_link_older_than_the_signature_allows(
    settings, client, due_check_in, check_in_link
):
    # given the signature's own age limit set below the link's age
    check_in = due_check_in()
    path = check_in_link(check_in)
    settings.AFTERCARE_LINK_MAX_AGE_DAYS = -1
    before = CheckIn.objects.values().get(pk=check_in.pk)
    # when the patient opens it
    response = client.get(path)
    # then the link is refused as expired, shows nothing of the check-in, opens no form
    # session for it, and the refusal (not the patient) is in the audit trail
    body = response.content.decode()
    assert response.status_code == 410
    assert "This link has expired" in body
    assert "lump" not in body
    assert_nothing_leaks(body)
    assert f"aftercare-link-{check_in.public_id}" not in client.session
    assert AuditEvent.objects.filter(
        action="denied", detail="aftercare link refused: expired"
    ).exists()
    assert CheckIn.objects.values().get(pk=check_in.pk) == before


def test_it_refuses_a_revoked_link_with_410(login, client, alice, due_check_in, check_in_link):
    # given a link the practitioner withdrew
    check_in = due_check_in()
    path = check_in_link(check_in)
    staff = login(alice)
    staff.post(f"/aftercare/check-ins/{check_in.public_id}/revoke/")
    staff.logout()
    # when the patient opens it
    response = client.get(path)
    # then it is refused, saying the clinic withdrew it
    assert response.status_code == 410
    assert "withdrawn this link" in response.content.decode()


@pytest.mark.parametrize(
    "tamper",
    [
        lambda token: token[:-1] + ("A" if token[-1] != "A" else "B"),
        # A different first character (a token that already starts with "x" stays valid if
        # its first character is replaced by "x": 1 run in 64 did so).
        lambda token: ("x" if token[0] != "x" else "y") + token[1:],
        lambda token: token.split(":")[0],
        lambda token: "not-a-token",
    ],
)
def test_it_refuses_a_tampered_token_with_403(client, due_check_in, check_in_link, tamper):
    # given a link whose token was changed
    check_in = due_check_in()
    path = check_in_link(check_in)
    token = path.rstrip("/").split("/")[-1]
    # when it is opened
    response = client.get(f"/c/{check_in.public_id}/{tamper(token)}/")
    # then it is refused with a clear page
    body = response.content.decode()
    assert response.status_code == 403
    assert "This link is not valid" in body
    assert_nothing_leaks(body)
    assert AuditEvent.objects.filter(action="denied", detail__contains="tampered").exists()


def test_it_refuses_a_token_used_for_another_patients_check_in(
    client, riverside, alice, due_check_in, check_in_link, make_signed_session
):
    # given Maria's link, and another patient's check-in
    mine = due_check_in()
    other_patient = Patient.objects.create(
        clinic=riverside, mrn="RV000002", given_name="Olga", family_name="Other"
    )
    from mesoclinic.aftercare.services import schedule_follow_up

    theirs_session = make_signed_session(other_patient, timezone.now() - dt.timedelta(days=35))
    schedule_follow_up(theirs_session)
    theirs = CheckIn.objects.get(session=theirs_session, kind="week4_6")
    token = check_in_link(mine).rstrip("/").split("/")[-1]
    # when Maria's token is used on the other patient's check-in
    response = client.get(f"/c/{theirs.public_id}/{token}/")
    # then it is refused, and neither patient is shown
    body = response.content.decode()
    assert response.status_code == 403
    assert "belongs to a different check-in" in body
    assert "Olga" not in body
    assert_nothing_leaks(body)


def test_it_refuses_a_second_answer_with_410(client, due_check_in, check_in_link):
    # given a check-in the patient has answered
    check_in = due_check_in()
    path = check_in_link(check_in)
    form_url = client.get(path)["Location"]
    assert client.post(form_url, QUIET).status_code == 200
    # when the link is used again
    response = client.get(path)
    client.session.save()
    again = client.post(path, {**QUIET, "lump": "yes"})
    # then it is refused as already answered, and the first answer is the only one kept
    assert response.status_code == 410
    assert "already been answered" in response.content.decode()
    assert again.status_code == 410
    assert CheckInResponse.objects.filter(check_in=check_in).count() == 1
    assert not Escalation.objects.exists()


def test_it_refuses_the_form_without_the_link(client, due_check_in):
    # given someone who guesses the form's address without the link
    check_in = due_check_in()
    response = client.get(f"/c/{check_in.public_id}/")
    # then they are told to open the link from the message, and see nothing
    assert response.status_code == 403
    assert "open the link" in response.content.decode()
    assert_nothing_leaks(response.content.decode())


def test_it_names_the_unanswered_question(client, due_check_in, open_link):
    # given a patient who skipped the fever question
    check_in = due_check_in()
    answers = {k: v for k, v in QUIET.items() if k != "fever"}
    # when they send the form
    response = client.post(open_link(client, check_in), answers)
    # then the page names the question and nothing was stored
    body = response.content.decode()
    assert response.status_code == 200
    assert "Have you had a fever, or felt generally unwell?: This field is required." in body
    check_in.refresh_from_db()
    assert check_in.status == "scheduled"
