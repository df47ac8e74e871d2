"""The hash chain that makes the audit trail tamper-evident (``docs/audit.md``).

Each clinic's events form one chain, and the events with no clinic (sign-ins, failed
sign-ins) form another. An event stores its position in the chain (``seq``, from 1), the
previous event's hash (``prev_hash``; ``GENESIS`` for the first) and its own ``hash``: the
SHA-256 of a canonical serialisation of its content and ``prev_hash``. Changing, removing,
adding or moving an event then breaks a hash or a link, which ``verification`` finds.

Appends to one chain are serialised: the writer locks the chain's head row
(``SELECT … FOR UPDATE`` on PostgreSQL; SQLite's writers already take the database's one
write lock at ``BEGIN IMMEDIATE``), reads the previous hash from it, inserts the event and
moves the head, all in the caller's transaction. A unique (chain, position) index refuses a
fork even if that lock were bypassed.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import ipaddress
import json
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol

from django.db import connection
from django.db.models import Q
from django.utils import timezone

from mesoclinic.audit import request_ids

if TYPE_CHECKING:
    from mesoclinic.audit.models import AuditChainHead, AuditEvent

GENESIS = "0" * 64
# The serialisation's version, hashed with the content: a future change of fields is a new
# version, and the events hashed under the old one still verify under it.
FORMAT = 1


class Chained(Protocol):
    """What the hash covers: the fields of an audit event (a model instance or a row)."""

    seq: int
    at: dt.datetime
    clinic_id: int | None
    user_id: int | None
    username: str
    patient_id: int | None
    action: str
    object_type: str
    object_id: str
    detail: str
    ip_address: str | None
    request_id: str
    prev_hash: str


def _address(value: Any) -> str | None:
    if not value:
        return None
    # PostgreSQL's inet and Django write IPv6 in different spellings; hash one of them.
    try:
        return ipaddress.ip_address(str(value)).compressed
    except ValueError:
        return str(value)


def canonical(event: Chained) -> bytes:
    """The event's content as hashed: a JSON array in a fixed order, times in UTC to the µs."""
    fields = [
        FORMAT,
        event.seq,
        event.at.astimezone(dt.UTC).isoformat(timespec="microseconds"),
        event.clinic_id,
        event.user_id,
        event.username,
        event.patient_id,
        event.action,
        event.object_type,
        event.object_id,
        event.detail,
        _address(event.ip_address),
        event.request_id,
        event.prev_hash,
    ]
    return json.dumps(fields, ensure_ascii=False, separators=(",", ":")).encode()


def event_hash(event: Chained) -> str:
    return hashlib.sha256(canonical(event)).hexdigest()


def in_chain(clinic_id: int | None) -> Q:
    """The rows (events or head) of one clinic's chain, or of the chain with no clinic."""
    return Q(clinic__isnull=True) if clinic_id is None else Q(clinic_id=clinic_id)


@dataclass
class Head:
    """A chain's head row as locked for one append."""

    pk: int
    length: int
    head_hash: str


def _head_row(head_model: type[AuditChainHead], clinic_id: int | None) -> Head | None:
    # Plain SQL: this runs on every audited read, and the ORM's query building cost as much
    # CPU as the rest of the append (bench/audit_chain_bench.py).
    table = connection.ops.quote_name(head_model._meta.db_table)
    where = "clinic_id IS NULL" if clinic_id is None else "clinic_id = %s"
    lock = " FOR UPDATE" if connection.features.has_select_for_update else ""
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT id, length, head_hash FROM {table} WHERE {where}{lock}",
            [] if clinic_id is None else [clinic_id],
        )
        row = cursor.fetchone()
    return Head(*row) if row is not None else None


def lock_head(head_model: type[AuditChainHead], clinic_id: int | None) -> Head:
    """The chain's head row, locked until the caller's transaction ends (made on first use)."""
    head = _head_row(head_model, clinic_id)
    if head is None:
        # Two first writers may race here: the unique index keeps one row, the other's
        # insert is ignored, and both then lock that one row.
        head_model.objects.bulk_create([head_model(clinic_id=clinic_id)], ignore_conflicts=True)
        head = _head_row(head_model, clinic_id)
        assert head is not None
    return head


def seal(event: AuditEvent, head: Head) -> None:
    """Give a new event its place after ``head``: time, request id, position and hashes."""
    event.at = timezone.now()
    event.request_id = event.request_id or request_ids.current()
    event.seq = head.length + 1
    event.prev_hash = head.head_hash
    event.hash = event_hash(event)


def advance(head_model: type[AuditChainHead], head: Head, event: AuditEvent) -> None:
    table = connection.ops.quote_name(head_model._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} SET length = %s, head_hash = %s WHERE id = %s",
            [event.seq, event.hash, head.pk],
        )
    head.length, head.head_hash = event.seq, event.hash


def reseal(
    event_model: type[AuditEvent], head_model: type[AuditChainHead], clinic_id: int | None
) -> int:
    """Re-number and re-hash one chain after rows were removed on purpose; returns its length.

    Only for a removal that is itself on record: the demo practices' removal, an erasure on
    a legal order (``docs/immutability.md``). It rewrites audit rows, so it runs where the
    immutability triggers are suspended, inside the caller's transaction.
    """
    head = lock_head(head_model, clinic_id)
    prev_hash, seq = GENESIS, 0
    # The order is fixed before any row is renumbered (SQLite does not isolate a running
    # read from the same connection's writes), then rows are read in batches.
    order = list(
        event_model.objects.filter(in_chain(clinic_id))
        .order_by("seq", "id")
        .values_list("pk", flat=True)
    )
    batches = (order[start : start + 2000] for start in range(0, len(order), 2000))
    for pks in batches:
        found = event_model.objects.in_bulk(pks)
        for event in (found[pk] for pk in pks):
            seq += 1
            if event_hash(event) != event.hash:
                # Re-hashing would hide a change made behind the application's back.
                raise ValueError(
                    f"Audit event {event.pk} does not match its hash; run verify-audit first."
                )
            if event.seq != seq or event.prev_hash != prev_hash:
                event.seq, event.prev_hash = seq, prev_hash
                event.hash = event_hash(event)
                event_model.objects.filter(pk=event.pk).update(
                    seq=event.seq, prev_hash=event.prev_hash, hash=event.hash
                )
            prev_hash = event.hash
    head_model.objects.filter(pk=head.pk).update(length=seq, head_hash=prev_hash)
    return seq
