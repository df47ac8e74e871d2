"""Closing a red flag needs what was done: the form, the service and the database each refuse
a blank or whitespace-only note, with a message that names the field, and save nothing."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.test import Client
from django.utils import timezone

from mesoclinic.aftercare import services
from mesoclinic.aftercare.choices import EscalationLevel
from mesoclinic.aftercare.forms import AcknowledgeForm
from mesoclinic.aftercare.models import Escalation
from mesoclinic.audit.models import AuditEvent

if TYPE_CHECKING:
    from django.test.client import _MonkeyPatchedWSGIResponse as Response

pytestmark = pytest.mark.django_db


@pytest.fixture
def red_flag(patient, make_signed_session):
    session = make_signed_session(patient, timezone.now() - dt.timedelta(days=3))
    return Escalation.objects.create(
        clinic=patient.clinic,
        session=session,
        patient=patient,
        level=EscalationLevel.RED_FLAG,
        code="fever",
        reason="Fever after the session: possible infection",
        recommended_steps="See the patient today.",
    )


def _post(client: Client, escalation: Escalation, note: str) -> Response:
    return client.post(
        f"/aftercare/escalations/{escalation.public_id}/acknowledge/", {"note": note}, follow=True
    )


@pytest.mark.parametrize("note", ["", "   ", "\n\t "])
def test_it_refuses_to_close_a_red_flag_without_what_was_done(login, alice, red_flag, note):
    # given an open red flag on alice's worklist
    client = login(alice)
    # when she closes it with nothing written in "What was done"
    response = _post(client, red_flag, note)
    # then it stays open, the message names the field, and nothing is audited as closed
    red_flag.refresh_from_db()
    assert red_flag.acknowledged_at is None
    assert red_flag.acknowledgement_note == ""
    body = response.content.decode()
    assert "Not closed. What was done: write what was done about it before closing it." in body
    assert not AuditEvent.objects.filter(detail="escalation acknowledged").exists()


def test_it_closes_a_red_flag_with_what_was_done_trimmed(login, nina, red_flag):
    # given an open red flag
    client = login(nina)
    # when the nurse writes what was done, with stray spaces
    response = _post(client, red_flag, "  Phoned: seen by Dr Archer today, no infection.  ")
    # then it is closed by her, with the note as written, and audited
    red_flag.refresh_from_db()
    assert red_flag.acknowledged_by == nina.user
    assert red_flag.acknowledgement_note == "Phoned: seen by Dr Archer today, no infection."
    assert "Escalation closed with what was done." in response.content.decode()
    assert AuditEvent.objects.filter(detail="escalation acknowledged").count() == 1


def test_it_refuses_a_blank_note_in_the_form():
    # when the form gets only spaces
    form = AcknowledgeForm({"note": "    "})
    # then it is invalid on the note, in words
    assert not form.is_valid()
    assert form.errors["note"] == ["write what was done about it before closing it."]


def test_it_refuses_a_blank_note_in_the_service(alice, red_flag):
    # when a caller other than the page (a command, a script) closes it without a note
    with pytest.raises(services.AftercareError, match="What was done"):
        services.acknowledge(None, red_flag, alice, "  ")
    # then nothing was saved
    red_flag.refresh_from_db()
    assert red_flag.acknowledged_at is None


def test_it_refuses_a_blank_note_in_the_model(alice, red_flag):
    # given a red flag marked closed with a blank note
    red_flag.acknowledged_at = timezone.now()
    red_flag.acknowledgement_note = "  "
    # when it is validated, then the note is named
    with pytest.raises(ValidationError) as caught:
        red_flag.full_clean()
    assert "acknowledgement_note" in caught.value.message_dict


def test_it_refuses_a_blank_note_in_the_database(red_flag):
    # when a raw update closes the red flag without a note
    with pytest.raises(IntegrityError), transaction.atomic():
        Escalation.objects.filter(pk=red_flag.pk).update(
            acknowledged_at=timezone.now(), acknowledgement_note="   "
        )
    # then the row is still open
    red_flag.refresh_from_db()
    assert red_flag.acknowledged_at is None
