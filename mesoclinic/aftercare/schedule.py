"""When to ask a patient how they are after a session: pure date arithmetic.

Pure Python (no Django import). The default contacts are the suggested follow-up schedule of
../shared/reference/mesotherapy-clinical.md §4.4 (48–72 hours for acute reactions, 2 weeks,
4–6 weeks, and 12 weeks to cover the mycobacterial latency of 1–12 weeks), derived from the
incubation data there and tagged UNCERTAIN as a guideline, so a protocol may replace it. The
outcome visit is 12 weeks after the last session of a course, when the submental composite
responder endpoint was evaluated (https://insights.ovid.com/jaade/201610000/00004725-201610000-00023).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass


def gettext_noop(message: str) -> str:
    """Marks ``message`` for the catalogue (``makemessages`` knows the name); pages translate
    the stored label when they show it: a pure module imports no Django."""
    return message


SCHEDULE_SOURCE = "../shared/reference/mesotherapy-clinical.md §4.4 (suggested follow-up schedule)"
OUTCOME_SOURCE = "https://insights.ovid.com/jaade/201610000/00004725-201610000-00023"

# Not a clinical number: how long after a single-point contact (2 weeks, 12 weeks, the
# outcome visit) its link is still worth sending. 14 days makes the 2-week window end where
# the 4–6 week window opens, so consecutive contacts never overlap.
POINT_CONTACT_WINDOW = dt.timedelta(days=14)


@dataclass(frozen=True)
class Contact:
    """One planned contact: a code, a label, and when its window opens and closes after the session."""

    kind: str
    label: str
    opens_after: dt.timedelta
    closes_after: dt.timedelta

    def __post_init__(self) -> None:
        if self.opens_after < dt.timedelta(0):
            raise ValueError(f"{self.kind}: a contact cannot open before the session")
        if self.closes_after <= self.opens_after:
            raise ValueError(f"{self.kind}: the window must close after it opens")


@dataclass(frozen=True)
class FollowUpProtocol:
    """The contacts after every session, and the outcome visit after the last of a course."""

    contacts: tuple[Contact, ...]
    outcome_after_last: dt.timedelta | None = dt.timedelta(weeks=12)

    def __post_init__(self) -> None:
        kinds = [c.kind for c in self.contacts]
        if len(set(kinds)) != len(kinds):
            raise ValueError("each contact of a protocol needs its own kind")


DEFAULT_PROTOCOL = FollowUpProtocol(
    contacts=(
        Contact(
            "acute", gettext_noop("48–72 hours"), dt.timedelta(hours=48), dt.timedelta(hours=72)
        ),
        Contact(
            "week2",
            gettext_noop("2 weeks"),
            dt.timedelta(weeks=2),
            dt.timedelta(weeks=2) + POINT_CONTACT_WINDOW,
        ),
        Contact("week4_6", gettext_noop("4–6 weeks"), dt.timedelta(weeks=4), dt.timedelta(weeks=6)),
        Contact(
            "week12",
            gettext_noop("12 weeks"),
            dt.timedelta(weeks=12),
            dt.timedelta(weeks=12) + POINT_CONTACT_WINDOW,
        ),
    )
)

OUTCOME_KIND = "outcome"


@dataclass(frozen=True)
class PlannedCheckIn:
    """A check-in to create: its kind, label, window, and whether it asks the outcome scales."""

    kind: str
    label: str
    window_start: dt.datetime
    window_end: dt.datetime
    asks_outcomes: bool = False


def plan_check_ins(
    performed_at: dt.datetime,
    protocol: FollowUpProtocol = DEFAULT_PROTOCOL,
    *,
    last_of_course: bool = False,
) -> list[PlannedCheckIn]:
    """The check-ins for a session performed at ``performed_at``, in window order.

    After the last session of a course the outcome visit is added; when it falls at the same
    time as a contact, that contact asks the outcome scales instead of adding another.
    """
    planned = [
        PlannedCheckIn(c.kind, c.label, performed_at + c.opens_after, performed_at + c.closes_after)
        for c in protocol.contacts
    ]
    if last_of_course and protocol.outcome_after_last is not None:
        opens = performed_at + protocol.outcome_after_last
        same = [p for p in planned if p.window_start == opens]
        if same:
            planned = [
                PlannedCheckIn(p.kind, p.label, p.window_start, p.window_end, asks_outcomes=True)
                if p is same[0]
                else p
                for p in planned
            ]
        else:
            planned.append(
                PlannedCheckIn(
                    OUTCOME_KIND,
                    gettext_noop("Outcome visit"),
                    opens,
                    opens + POINT_CONTACT_WINDOW,
                    True,
                )
            )
    return sorted(planned, key=lambda p: (p.window_start, p.kind))


def protocol_from_config(config: dict[str, object]) -> FollowUpProtocol:
    """A protocol from settings: ``{"contacts": [[kind, label, opens_hours, closes_hours], …],
    "outcome_after_last_hours": hours or None}``. Raises ValueError naming what is wrong."""
    raw = config.get("contacts")
    if not isinstance(raw, list | tuple) or not raw:
        raise ValueError("contacts: give at least one [kind, label, opens_hours, closes_hours]")
    contacts = []
    for item in raw:
        if not isinstance(item, list | tuple) or len(item) != 4:
            raise ValueError(f"contacts: {item!r} is not [kind, label, opens_hours, closes_hours]")
        kind, label, opens, closes = item
        if not isinstance(opens, int | float) or not isinstance(closes, int | float):
            raise ValueError(f"contacts: the hours of {kind!r} must be numbers")
        contacts.append(
            Contact(str(kind), str(label), dt.timedelta(hours=opens), dt.timedelta(hours=closes))
        )
    outcome = config.get("outcome_after_last_hours", 12 * 7 * 24)
    if outcome is not None and not isinstance(outcome, int | float):
        raise ValueError("outcome_after_last_hours must be a number of hours or None")
    return FollowUpProtocol(
        contacts=tuple(contacts),
        outcome_after_last=dt.timedelta(hours=outcome) if outcome is not None else None,
    )
