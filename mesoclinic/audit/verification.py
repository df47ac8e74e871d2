"""Walking an audit chain to find the first broken link (``mesoclinic verify-audit``).

The walk goes by position (``seq``) and checks, for each event: that no position is missing
(an event deleted) or held twice (an event inserted), that positions follow the order the
rows were written in (ids only grow along a chain: events reordered), that the event still
hashes to its stored hash (content changed; if swapping the time or position with a later
event makes both hash right, the events were reordered) and that it names the previous
event's hash. At the end the chain must match its head row, which catches events removed
from, or added past, its end. Reports carry ids, positions and hashes, never content.
"""

from __future__ import annotations

import copy
import enum
import itertools
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Protocol

from mesoclinic.audit.chain import GENESIS, Chained, event_hash, in_chain

# How far ahead of a changed event to look for the one it was swapped with.
SWAP_LOOKAHEAD = 50


class Tamper(enum.StrEnum):
    CHANGED = "content changed"
    DELETED = "event deleted"
    INSERTED = "event inserted"
    REORDERED = "events reordered"
    HEAD = "chain head does not match"


class Event(Chained, Protocol):
    id: int
    hash: str


@dataclass(frozen=True)
class Break:
    """The first broken link of a chain: where, which event, what differs."""

    kind: Tamper
    position: int
    event_id: int | None
    explanation: str

    def __str__(self) -> str:
        event = f" (event id {self.event_id})" if self.event_id is not None else ""
        return f"{self.kind} at position {self.position}{event}: {self.explanation}"


@dataclass(frozen=True)
class Result:
    events: int
    head_hash: str
    broken: Break | None

    @property
    def intact(self) -> bool:
        return self.broken is None


def _verifies(event: Event) -> bool:
    return event_hash(event) == event.hash


def _swapped(event: Event, later: Iterable[Event]) -> Event | None:
    """The later event whose time or position, swapped with ``event``'s, makes both hash right."""
    for other in itertools.islice(later, SWAP_LOOKAHEAD):
        for field in ("at", "seq"):
            mine, theirs = copy.copy(event), copy.copy(other)
            setattr(mine, field, getattr(other, field))
            setattr(theirs, field, getattr(event, field))
            if _verifies(mine) and _verifies(theirs):
                return other
    return None


def _check(
    event: Event,
    expected: int,
    prev_hash: str,
    prev_id: int,
    head_length: int,
    later: Iterator[Event],
) -> Break | None:
    """What is wrong with ``event``, expected at position ``expected`` after ``prev_hash``."""
    position, here = event.seq, event.id
    if position > head_length:
        return Break(
            Tamper.INSERTED, position, here, f"the chain head records {head_length} events"
        )
    if position > expected:
        missing = (
            f"position {expected} is missing before this event"
            if position - 1 == expected
            else f"positions {expected} to {position - 1} are missing before this event"
        )
        return Break(Tamper.DELETED, expected, here, missing)
    if position < expected:
        return Break(
            Tamper.INSERTED, position, here, f"position {position} is held by a second event"
        )
    if here < prev_id:
        why = f"this event was written before the one at position {position - 1}"
        return Break(Tamper.REORDERED, position, here, why)
    if event_hash(event) != event.hash:
        other = _swapped(event, later)
        if other is not None:
            why = f"its time or position was swapped with event id {other.id}"
            return Break(Tamper.REORDERED, position, here, why)
        return Break(Tamper.CHANGED, position, here, "the event no longer matches its hash")
    if event.prev_hash != prev_hash:
        why = "it does not link to the event before it (one of the two was rewritten and re-hashed)"
        return Break(Tamper.CHANGED, position, here, why)
    return None


def walk(events: Iterable[Event], head_length: int | None, head_hash: str | None) -> Result:
    """Verify one chain: ``events`` in (seq, id) order, and its head row's length and hash
    (None when the chain has no head row)."""
    stream: Iterator[Event] = iter(events)
    count, prev_hash, prev_id = 0, GENESIS, 0
    for event in stream:
        if head_length is None:
            why = "the chain has events but no head record"
            return Result(count, prev_hash, Break(Tamper.HEAD, event.seq, event.id, why))
        found = _check(event, count + 1, prev_hash, prev_id, head_length, stream)
        if found is not None:
            return Result(count, prev_hash, found)
        count, prev_hash, prev_id = count + 1, event.hash, event.id
    if head_length is None or (count == head_length and head_hash == prev_hash):
        return Result(count, prev_hash, None)
    if count < head_length:
        why = f"the chain head records {head_length} events; the last {head_length - count} are missing"
        return Result(count, prev_hash, Break(Tamper.DELETED, count + 1, None, why))
    why = "the last event's hash is not the one its head records"
    return Result(count, prev_hash, Break(Tamper.HEAD, count, prev_id or None, why))


def verify_chain(clinic_id: int | None) -> Result:
    """Verify the chain of one clinic (None: the events with no clinic) in the database."""
    from mesoclinic.audit.models import AuditChainHead, AuditEvent

    head = AuditChainHead.objects.filter(in_chain(clinic_id)).first()
    events = AuditEvent.objects.filter(in_chain(clinic_id)).order_by("seq", "id")
    return walk(
        events.iterator(chunk_size=2000),
        head.length if head is not None else None,
        head.head_hash if head is not None else None,
    )
