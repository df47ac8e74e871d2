"""The database side of the cluster detector: load one clinic's late lesions and the
sessions they are attributed to, run ``signals.find_clusters``, then load only the sessions
that share a signal's lot or practitioner in its window for case finding.

Everything is read through ``.for_clinic(clinic)``; views call it with the membership's
clinic after their permission check. Patients are identified by MRN (``patient_id``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth import get_user_model
from django.db.models import Q
from django.db.models.sql.constants import MULTI
from django.utils.translation import gettext

from mesoclinic.clinics.models import Clinic
from mesoclinic.formulary.models import Lot
from mesoclinic.safety.models import AdverseEvent
from mesoclinic.safety.signal_steps import Step, steps_for
from mesoclinic.safety.signals import (
    LATE_LESION_TYPES,
    LOT,
    ONSET_MAX_DAYS,
    EventRow,
    SessionRow,
    Signal,
    find_clusters,
    find_exposed,
)
from mesoclinic.treatments.models import Injection, TreatmentSession

REGISTRY_PREFIX = "registry:"


@dataclass
class SignalView:
    """A signal with what a person needs to act on it."""

    signal: Signal
    label: str
    lot: Lot | None
    practitioner_name: str
    steps: list[Step]
    active: bool
    # Filled by the dashboard: (case, Patient) and (Exposure, Patient) for display.
    case_rows: list[tuple[Any, Any]] = field(default_factory=list)
    exposed_rows: list[tuple[Any, Any]] = field(default_factory=list)


def _practitioner_key(username: str | None, ref: str) -> str:
    if username:
        return username
    return f"{REGISTRY_PREFIX}{ref}" if ref else ""


# Rows fetched per round trip while streaming sessions and lines (a server-side cursor on
# PostgreSQL, fetchmany on SQLite): case finding at 1M sessions never holds them all at once.
CHUNK_ROWS = 5_000


def _raw_rows(query: Any) -> Iterator[tuple[Any, ...]]:
    """The rows of a ``values_list`` query as the database driver gives them, fetched
    ``CHUNK_ROWS`` at a time (a server-side cursor on PostgreSQL): without the ORM's
    per-row work, which was most of case finding's time at 1M sessions. The SQL is the
    queryset's own, so its clinic scoping holds."""
    compiler = query.query.get_compiler(using=query.db)
    chunks = compiler.execute_sql(MULTI, chunked_fetch=True, chunk_size=CHUNK_ROWS)
    for chunk in chunks:
        yield from chunk


def _session_rows(clinic: Clinic, sessions: Any) -> Iterator[SessionRow]:
    """``sessions`` as the detector sees them, streamed latest first (the sessions' own
    order, ties by id: attribution keeps an event's first session of a group, and case
    finding lists the exposed patients in the order met).

    Two cursors read side by side in that same order: the sessions, and the distinct lots of
    their lines in effect; they are merged here, so neither the sessions nor their lines are
    ever all in memory (case finding used to load 1M sessions and a dict of every line:
    1.76 GB). Equal dates, MRNs, practitioners and lot tuples are shared between rows, since
    case finding keeps the exposed patients' rows.
    """
    zone = clinic.zone
    rows = _raw_rows(
        sessions.order_by("-performed_at", "id").values_list(
            "id", "patient__mrn", "performed_at", "practitioner__username", "practitioner_ref"
        )
    )
    # A subquery, not a list of ids: a large clinic's list would pass SQLite's variable limit.
    # Not DISTINCT, which would have to select the ordering's datetime: a lot named twice in
    # a session is counted once below.
    lines = _raw_rows(
        Injection.objects.filter(clinic=clinic, session_id__in=sessions.values("id"))
        .in_effect()
        .filter(lot_id__isnull=False)
        .order_by("-session__performed_at", "session_id")
        .values_list("session_id", "lot_id")
    )
    shared: dict[Any, Any] = {}
    line = next(lines, None)
    for pk, mrn, performed_at, username, ref in rows:
        lots: set[str] = set()
        # Every line's session is among the rows, in the same order: a line of another
        # session belongs to one still to come.
        while line is not None and line[0] == pk:
            lots.add(str(line[1]))
            line = next(lines, None)
        if performed_at.tzinfo is None:  # SQLite gives the stored UTC time, naive
            performed_at = performed_at.replace(tzinfo=dt.UTC)
        day = performed_at.astimezone(zone).date()  # Clinic.day_of, without a call per row
        lot_key = tuple(sorted(lots))
        practitioner = _practitioner_key(username, ref)
        yield SessionRow(
            session_id=pk,
            patient_id=shared.setdefault(mrn, mrn),
            day=shared.setdefault(day, day),
            practitioner=shared.setdefault(practitioner, practitioner),
            lots=shared.setdefault(lot_key, lot_key),
        )


def _events(clinic: Clinic) -> list[EventRow]:
    rows = (
        AdverseEvent.objects.for_clinic(clinic)
        .filter(event_type__in=sorted(LATE_LESION_TYPES))
        .values_list(
            "public_id", "patient__mrn", "event_type", "onset_date", "session_id", "lot_id"
        )
    )
    return [
        EventRow(str(pid), mrn, kind, onset, session_id, str(lot_id) if lot_id else None)
        for pid, mrn, kind, onset, session_id, lot_id in rows
    ]


def _attributed_sessions(clinic: Clinic, events: list[EventRow]) -> Iterator[SessionRow]:
    lesions = AdverseEvent.objects.for_clinic(clinic).filter(
        event_type__in=sorted(LATE_LESION_TYPES)
    )
    # Subqueries rather than id lists, which could pass SQLite's limit on SQL variables.
    condition = Q(id__in=lesions.filter(session__isnull=False).values("session_id"))
    unlinked = [e for e in events if e.session_id is None]
    if unlinked:
        # Only the sessions that could be 1-12 weeks before an unlinked event's onset.
        earliest = min(e.onset for e in unlinked) - dt.timedelta(days=ONSET_MAX_DAYS)
        condition |= Q(
            patient_id__in=lesions.filter(session__isnull=True).values("patient_id"),
            performed_at__gte=clinic.start_of_day(earliest),
        )
    return _session_rows(clinic, TreatmentSession.objects.for_clinic(clinic).filter(condition))


def _exposure_sessions(clinic: Clinic, signals: list[Signal]) -> Iterator[SessionRow]:
    if not signals:
        return iter(())
    start = min(s.window_start for s in signals)
    end = max(s.window_end for s in signals) + dt.timedelta(days=1)
    lots = [int(s.key) for s in signals if s.kind == LOT]
    usernames = [s.key for s in signals if s.kind != LOT and not s.key.startswith(REGISTRY_PREFIX)]
    refs = [
        s.key.removeprefix(REGISTRY_PREFIX) for s in signals if s.key.startswith(REGISTRY_PREFIX)
    ]
    lot_sessions = (
        Injection.objects.filter(clinic=clinic, lot_id__in=lots).in_effect().values("session_id")
    )
    sessions = (
        TreatmentSession.objects.for_clinic(clinic)
        .filter(
            performed_at__gte=clinic.start_of_day(start), performed_at__lt=clinic.start_of_day(end)
        )
        .filter(
            Q(id__in=lot_sessions)
            | Q(practitioner__username__in=usernames)
            | Q(practitioner__isnull=True, practitioner_ref__in=refs)
        )
    )
    return _session_rows(clinic, sessions)


def detect_for_clinic(
    clinic: Clinic, as_of: dt.date | None = None, *, case_finding: bool = True
) -> list[Signal]:
    """The clinic's signals, most recent first; with ``case_finding`` the exposed patients."""
    as_of = as_of or clinic.today()
    events = _events(clinic)
    if not events:
        return []
    signals = find_clusters(events, _attributed_sessions(clinic, events), as_of)
    if case_finding:
        find_exposed(signals, _exposure_sessions(clinic, signals))
    return signals


def describe(clinic: Clinic, signals: list[Signal], as_of: dt.date) -> list[SignalView]:
    """Labels, lots and steps for display and JSON (two queries whatever the count)."""
    lot_ids = [int(s.key) for s in signals if s.kind == LOT]
    lots = {
        str(lot.pk): lot
        for lot in Lot.objects.for_clinic(clinic).filter(pk__in=lot_ids).select_related("product")
    }
    names = _staff_names(clinic, [s.key for s in signals if s.kind != LOT])
    views: list[SignalView] = []
    for signal in signals:
        lot = lots.get(signal.key) if signal.kind == LOT else None
        name = "" if lot else names.get(signal.key, signal.key.removeprefix(REGISTRY_PREFIX))
        # In the active language: the command's text output and the page read it.
        label = (
            gettext("%(product)s lot %(number)s")
            % {"product": lot.product.name, "number": lot.lot_number}
            if lot
            else gettext("Practitioner %(name)s") % {"name": name}
        )
        views.append(
            SignalView(signal, label, lot, name, steps_for(signal.kind), signal.is_active(as_of))
        )
    return views


def _staff_names(clinic: Clinic, keys: list[str]) -> dict[str, str]:
    users = get_user_model().objects.filter(
        username__in=[k for k in keys if not k.startswith(REGISTRY_PREFIX)],
        memberships__clinic=clinic,
    )
    return {u.username: (u.get_full_name() or u.username) for u in users}
