"""``mesoclinic verify-audit``: intact chains pass, and each kind of tampering is found.

The immutability triggers already refuse UPDATE and DELETE of audit rows, so each tampering
here first suspends them (as a database superuser could), then changes the rows with raw
SQL, past every guard of the application.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from mesoclinic.audit import chain
from mesoclinic.audit.choices import Action
from mesoclinic.audit.models import AuditChainHead, AuditEvent
from mesoclinic.audit.services import record
from mesoclinic.clinics.models import Clinic
from mesoclinic.patients.models import Patient
from mesoclinic.records import immutability

pytestmark = pytest.mark.django_db

TABLE = "audit_auditevent"


@pytest.fixture
def trail(riverside: Clinic, hilltop: Clinic, patient: Patient, alice: Any) -> list[AuditEvent]:
    """Six reads of the patient at Riverside, and one event at Hilltop."""
    events = [
        record(None, Action.VIEW, obj=patient, user=alice.user, detail=f"read {n}")
        for n in range(6)
    ]
    record(None, Action.LIST, clinic=hilltop, detail="a list")
    return events


def verify(*args: str) -> tuple[int, str]:
    out = io.StringIO()
    try:
        call_command("verify_audit", *args, stdout=out)
    except CommandError as error:
        return error.returncode, out.getvalue() + str(error)
    return 0, out.getvalue()


@contextmanager
def tampering() -> Iterator[Any]:
    """A raw cursor with the triggers out of the way, as a database superuser has."""
    with immutability.suspended(connection), connection.cursor() as cursor:
        yield cursor


def _line(output: str, label: str) -> str:
    return next(line for line in output.splitlines() if line.startswith(f"{label}:"))


def test_it_reports_intact_chains_with_their_head(trail, patient):
    # given an untouched trail
    # when it is verified
    code, output = verify()
    # then every chain is intact, and Riverside's line gives its count and head hash
    assert code == 0
    head = AuditChainHead.objects.get(clinic=patient.clinic)
    assert _line(output, "riverside") == f"riverside: intact, 6 events, head 6:{head.head_hash}"
    assert _line(output, "hilltop").startswith("hilltop: intact, 1 event")
    assert "All 3 audit chains intact." in output
    # and nothing of the patient is printed
    for text in (patient.mrn, patient.given_name, patient.family_name, str(patient.public_id)):
        assert text not in output


def test_it_checks_one_clinic_when_asked(trail, hilltop):
    # given a trail with a change at Riverside
    with tampering() as cursor:
        cursor.execute(f"UPDATE {TABLE} SET detail = 'x' WHERE id = %s", [trail[0].pk])
    # when only Hilltop is verified, then it is intact
    code, output = verify("--clinic", "hilltop")
    assert (code, output.splitlines()[0]) == (
        0,
        "hilltop: intact, 1 event, head 1:" + _head(hilltop),
    )
    # and an unknown clinic is an input error
    assert verify("--clinic", "nowhere")[0] == 2


def _head(clinic: Clinic) -> str:
    return AuditChainHead.objects.get(clinic=clinic).head_hash


def test_it_finds_a_changed_event(trail):
    # given the detail of the third event rewritten
    with tampering() as cursor:
        cursor.execute(f"UPDATE {TABLE} SET detail = 'nothing to see' WHERE id = %s", [trail[2].pk])
    # when the trail is verified
    code, output = verify("--clinic", "riverside")
    # then the first broken link is that event, at position 3, and the command fails
    assert code == 1
    assert _line(output, "riverside") == (
        f"riverside: BROKEN, content changed at position 3 (event id {trail[2].pk}): "
        "the event no longer matches its hash"
    )


def test_it_finds_a_deleted_event(trail):
    # given the third event deleted
    with tampering() as cursor:
        cursor.execute(f"DELETE FROM {TABLE} WHERE id = %s", [trail[2].pk])
    # when the trail is verified, then the gap is reported before the fourth event
    code, output = verify("--clinic", "riverside")
    assert code == 1
    assert _line(output, "riverside") == (
        f"riverside: BROKEN, event deleted at position 3 (event id {trail[3].pk}): "
        "position 3 is missing before this event"
    )


def test_it_finds_events_deleted_from_the_end(trail):
    # given the last two events deleted
    with tampering() as cursor:
        cursor.execute(f"DELETE FROM {TABLE} WHERE id IN (%s, %s)", [trail[4].pk, trail[5].pk])
    # when the trail is verified, then the chain head shows two events missing
    code, output = verify("--clinic", "riverside")
    assert code == 1
    assert _line(output, "riverside") == (
        "riverside: BROKEN, event deleted at position 5: "
        "the chain head records 6 events; the last 2 are missing"
    )


def _forge(clinic: Clinic, *, seq: int, prev_hash: str, real_hash: bool) -> int:
    """INSERT a made-up event with raw SQL; returns its id."""
    forged = AuditEvent(clinic=clinic, action=Action.VIEW, seq=seq, prev_hash=prev_hash)
    forged.hash = chain.event_hash(forged) if real_hash else "f" * 64
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {TABLE} (at, username, clinic_id, action, object_type, object_id, "
            "detail, request_id, seq, prev_hash, hash) "
            "VALUES (%s, '', %s, 'view', '', '', '', '', %s, %s, %s)",
            [forged.at, clinic.pk, seq, prev_hash, forged.hash],
        )
    # The newest row at that position: a forged row takes the next id.
    return AuditEvent.objects.filter(clinic=clinic, seq=seq).order_by("-pk")[0].pk


@pytest.mark.parametrize("real_hash", [False, True], ids=["fabricated hash", "computed hash"])
def test_it_finds_a_forged_event(trail, riverside, real_hash):
    # given an event INSERTed after the last one, with a made-up or a correctly computed hash
    # (inserting needs no trigger out of the way)
    forged = _forge(riverside, seq=7, prev_hash=_head(riverside), real_hash=real_hash)
    # when the trail is verified, then the event past the chain head is reported
    code, output = verify("--clinic", "riverside")
    assert code == 1
    assert _line(output, "riverside") == (
        f"riverside: BROKEN, event inserted at position 7 (event id {forged}): "
        "the chain head records 6 events"
    )


def test_it_finds_an_event_forged_into_the_middle(trail, riverside):
    # given an event forged at position 3, where the unique position index was dropped
    with tampering() as cursor:
        cursor.execute("DROP INDEX audit_one_event_per_clinic_position")
        forged = _forge(riverside, seq=3, prev_hash=trail[1].hash, real_hash=True)
    # when the trail is verified, then the second event at position 3 is reported
    code, output = verify("--clinic", "riverside")
    assert code == 1
    assert "event inserted at position 3" in _line(output, "riverside")
    assert f"event id {forged})" in _line(output, "riverside")


def test_it_finds_events_whose_times_were_swapped(trail):
    # given the times of the second and third events swapped
    first, second = trail[1], trail[2]
    with tampering() as cursor:
        for event, other in ((first, second), (second, first)):
            cursor.execute(f"UPDATE {TABLE} SET at = %s WHERE id = %s", [other.at, event.pk])
    # when the trail is verified, then the events are reported as reordered
    code, output = verify("--clinic", "riverside")
    assert code == 1
    assert _line(output, "riverside") == (
        f"riverside: BROKEN, events reordered at position 2 (event id {first.pk}): "
        f"its time or position was swapped with event id {second.pk}"
    )


def test_it_finds_events_whose_rows_were_swapped(trail):
    # given the ids of the second and third events swapped (each row moved to the other's id)
    first, second = trail[1], trail[2]
    with tampering() as cursor:
        spare = AuditEvent.objects.order_by("-pk").values_list("pk", flat=True)[0] + 100
        for old, new in ((first.pk, spare), (second.pk, first.pk), (spare, second.pk)):
            cursor.execute(f"UPDATE {TABLE} SET id = %s WHERE id = %s", [new, old])
    # when the trail is verified, then the events are reported as reordered
    code, output = verify("--clinic", "riverside")
    assert code == 1
    assert _line(output, "riverside") == (
        f"riverside: BROKEN, events reordered at position 3 (event id {first.pk}): "
        "this event was written before the one at position 2"
    )


def test_it_finds_a_chain_rewritten_without_its_head(trail, riverside):
    # given the last event rewritten and re-hashed, its head left as it was
    last = trail[-1]
    last.detail = "rewritten"
    last.hash = chain.event_hash(last)
    with tampering() as cursor:
        cursor.execute(
            f"UPDATE {TABLE} SET detail = %s, hash = %s WHERE id = %s",
            [last.detail, last.hash, last.pk],
        )
    # when the trail is verified, then the head does not match
    code, output = verify("--clinic", "riverside")
    assert code == 1
    assert "chain head does not match at position 6" in _line(output, "riverside")


def test_it_finds_a_whole_chain_rewritten_against_a_recorded_head(trail, riverside):
    # given the head printed yesterday, recorded outside the database
    anchor = f"6:{_head(riverside)}"
    # when a superuser rewrites the second event and re-hashes it, every later one and the head
    prev_hash = trail[0].hash
    with tampering() as cursor:
        for event in trail[1:]:
            if event is trail[1]:
                event.detail = "rewritten"
            event.prev_hash = prev_hash
            event.hash = chain.event_hash(event)
            cursor.execute(
                f"UPDATE {TABLE} SET detail = %s, prev_hash = %s, hash = %s WHERE id = %s",
                [event.detail, event.prev_hash, event.hash, event.pk],
            )
            prev_hash = event.hash
    AuditChainHead.objects.filter(clinic=riverside).update(head_hash=prev_hash)
    # then the chain alone looks intact, but not against the recorded head
    assert verify("--clinic", "riverside")[0] == 0
    code, output = verify("--clinic", "riverside", "--expect", anchor)
    assert code == 1
    assert "riverside: BROKEN, chain rewritten: the event at position 6" in output
    # and a head that is still in the chain passes
    assert verify("--clinic", "riverside", "--expect", f"1:{trail[0].hash}")[0] == 0
