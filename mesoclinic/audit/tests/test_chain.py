"""The audit trail's hash chain and request ids: how events are chained as they are written."""

from __future__ import annotations

import logging
import threading
from typing import Any

import pytest
from django.core.management import call_command
from django.db import IntegrityError, connection, connections, transaction
from django.http import HttpRequest, HttpResponse
from django.test import RequestFactory
from django.urls import reverse

from mesoclinic.audit import chain, request_ids
from mesoclinic.audit.choices import Action
from mesoclinic.audit.models import AuditChainHead, AuditEvent
from mesoclinic.audit.services import record
from mesoclinic.audit.verification import verify_chain
from mesoclinic.clinics.models import Clinic
from mesoclinic.records import immutability

pytestmark = pytest.mark.django_db


def _chain(clinic: Clinic | None) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(clinic=clinic).order_by("seq"))


def test_it_chains_each_clinics_events_to_the_one_before(riverside, hilltop, client):
    # given events at Riverside, at Hilltop and a failed sign-in (no clinic), interleaved
    for clinic in (riverside, hilltop, riverside, riverside, hilltop):
        record(None, Action.VIEW, clinic=clinic, detail="a read")
    client.post(reverse("login"), {"username": "nobody", "password": "wrong"})
    # then each chain numbers its own events from 1 and links each to the one before
    for clinic, length in ((riverside, 3), (hilltop, 2), (None, 1)):
        events = _chain(clinic)
        assert [e.seq for e in events] == list(range(1, length + 1))
        assert [e.prev_hash for e in events] == [chain.GENESIS] + [e.hash for e in events[:-1]]
        assert all(e.hash == chain.event_hash(e) for e in events)
        head = AuditChainHead.objects.get(clinic=clinic)
        assert (head.length, head.head_hash) == (length, events[-1].hash)
        assert verify_chain(clinic.pk if clinic else None).intact


def test_it_refuses_a_second_event_at_a_position(riverside):
    # given a chain of one event
    first = record(None, Action.VIEW, clinic=riverside)
    # when a writer that skipped the head's lock inserts another event at the same position
    forked = AuditEvent(clinic=riverside, action=Action.VIEW, seq=1, prev_hash=chain.GENESIS)
    forked.hash = chain.event_hash(forked)
    # then the database refuses the fork
    with pytest.raises(IntegrityError), transaction.atomic():
        AuditEvent.objects.bulk_create([forked])
    assert _chain(riverside) == [first]


def test_it_files_a_requests_events_under_its_id(login, alice, patient):
    # given alice opens the chart twice
    client = login(alice)
    first = client.get(reverse("patient_chart", args=[patient.public_id]))
    second = client.get(reverse("patient_chart", args=[patient.public_id]))
    # then each response names its own id, and the chart's audit event carries it
    ids = [first[request_ids.RESPONSE_HEADER], second[request_ids.RESPONSE_HEADER]]
    assert ids[0] != ids[1]
    for request_id in ids:
        assert AuditEvent.objects.filter(
            request_id=request_id, action=Action.VIEW, patient=patient
        ).exists()


@pytest.mark.parametrize(
    ("header_setting", "offered", "kept"),
    [
        ("", "proxy-0123456789", False),
        ("X-Request-ID", "proxy-0123456789", True),
        ("X-Request-ID", "forged\nline", False),
    ],
)
def test_it_takes_a_request_id_from_a_trusted_proxy_only(
    settings, client, header_setting, offered, kept
):
    # given the deployment does (or does not) trust a proxy's X-Request-ID
    settings.REQUEST_ID_HEADER = header_setting
    # when a request arrives with one
    response = client.get(reverse("login"), headers={"X-Request-ID": offered})
    # then the proxy's id is used only when trusted and well-formed
    assert (response[request_ids.RESPONSE_HEADER] == offered) is kept


def test_it_gives_a_command_run_one_request_id(riverside):
    # given a command (no request) that writes two events
    record(None, Action.EXPORT, clinic=riverside)
    record(None, Action.EXPORT, clinic=riverside)
    # then both carry the same, non-empty id
    ids = {e.request_id for e in AuditEvent.objects.filter(clinic=riverside)}
    assert len(ids) == 1
    assert "" not in ids


def test_it_puts_the_request_id_in_log_lines():
    # given a view that logs, behind the request-id middleware, with the log filter
    seen: list[logging.LogRecord] = []

    class Collect(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            seen.append(record)

    handler = Collect()
    handler.addFilter(request_ids.RequestIdLogFilter())
    logger = logging.getLogger("mesoclinic.test_request_ids")
    logger.addHandler(handler)

    def view(request: HttpRequest) -> HttpResponse:
        logger.warning("something happened")
        return HttpResponse()

    # when a request is served
    try:
        response = request_ids.RequestIdMiddleware(view)(RequestFactory().get("/"))
    finally:
        logger.removeHandler(handler)
    # then its log line carries the id the response names
    assert [r.request_id for r in seen] == [response[request_ids.RESPONSE_HEADER]]  # type: ignore[attr-defined]


def test_it_reseals_a_chain_after_a_removal_on_record(riverside):
    # given a chain of four events, one of which is removed on purpose (triggers suspended)
    events = [record(None, Action.VIEW, clinic=riverside) for _ in range(4)]
    with immutability.suspended(connection):
        AuditEvent.objects.filter(pk=events[1].pk).delete()
        assert not verify_chain(riverside.pk).intact
        # when the chain is re-sealed
        length = chain.reseal(AuditEvent, AuditChainHead, riverside.pk)
    # then it is intact again, three events long, and a new event follows on
    assert length == 3
    record(None, Action.VIEW, clinic=riverside)
    assert verify_chain(riverside.pk).intact
    assert [e.seq for e in _chain(riverside)] == [1, 2, 3, 4]


def test_it_refuses_to_reseal_over_a_changed_event(riverside):
    # given a chain whose second event was changed behind the application's back
    events = [record(None, Action.VIEW, clinic=riverside) for _ in range(3)]
    with immutability.suspended(connection):
        AuditEvent.objects.filter(pk=events[1].pk).update(detail="rewritten")
        # when re-sealing is asked for, then it refuses rather than hide the change
        with pytest.raises(ValueError, match="does not match its hash"):
            chain.reseal(AuditEvent, AuditChainHead, riverside.pk)


@pytest.mark.django_db(transaction=True)
def test_it_never_forks_a_chain_under_concurrent_writers(riverside):
    if connection.vendor != "postgresql":
        pytest.skip("SQLite has one writer at a time (BEGIN IMMEDIATE): no concurrent appends")
    # given four connections appending to Riverside's chain at once, each in transactions
    errors: list[BaseException] = []
    start = threading.Barrier(4)

    def writer() -> None:
        try:
            start.wait()
            for _ in range(25):
                with transaction.atomic():
                    record(None, Action.VIEW, clinic=riverside)
        except BaseException as error:  # reported by the main thread
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=writer) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    # then every append succeeded, in one unforked chain of 100 events
    assert errors == []
    assert [e.seq for e in _chain(riverside)] == list(range(1, 101))
    assert verify_chain(riverside.pk).intact


@pytest.fixture
def audit_migrated_back() -> Any:
    call_command("migrate", "audit", "0001", verbosity=0)
    try:
        yield
    finally:
        call_command("migrate", verbosity=0)


@pytest.mark.django_db(transaction=True)
def test_it_chains_existing_events_in_the_order_they_were_written(audit_migrated_back):
    # given events written before the chain existed, at a clinic and without one
    clinic = Clinic.objects.create(slug="older", name="Older Clinic", mrn_prefix="OC")
    with connection.cursor() as cursor:
        for clinic_id, detail in ((clinic.pk, "a"), (None, "b"), (clinic.pk, "c")):
            cursor.execute(
                "INSERT INTO audit_auditevent (at, username, clinic_id, action, object_type, "
                "object_id, detail) VALUES (CURRENT_TIMESTAMP, '', %s, 'view', '', '', %s)",
                [clinic_id, detail],
            )
    # when the chain's migration runs
    call_command("migrate", "audit", verbosity=0)
    # then each chain holds its events in the order of their ids, intact
    assert [(e.seq, e.detail) for e in _chain(clinic)] == [(1, "a"), (2, "c")]
    assert verify_chain(clinic.pk).intact
    assert verify_chain(None).intact
