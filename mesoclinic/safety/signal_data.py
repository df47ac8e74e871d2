"""The database side of the cluster detector: load one clinic's late lesions and the
sessions they are attributed to, run ``signals.find_clusters``, then load only the sessions
that share a signal's lot or practitioner in its window for case finding.

Everything is read through ``.for_clinic(clinic)``; views call it with the membership's
clinic after their permission check. Patients are identified by MRN (``patient_id``).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import gc
import itertools
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth import get_user_model
from django.db.models import CharField, Q
from django.db.models.functions import Cast
from django.db.models.sql.constants import MULTI
from django.utils.translation import gettext

from mesoclinic.clinics.models import Clinic
from mesoclinic.formulary.models import Lot, Product
from mesoclinic.safety.models import AdverseEvent
from mesoclinic.safety.signal_analysis import Investigation, Profiled, investigate
from mesoclinic.safety.signal_steps import Step, steps_for
from mesoclinic.safety.signals import (
    DAY,
    LATE_LESION_TYPES,
    LOT,
    ONSET_MAX_DAYS,
    PRACTITIONER,
    PRODUCT,
    EventRow,
    SessionRow,
    Signal,
    attribute,
    clusters,
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
    # The epidemic curve (SVG) of a signal, filled by the dashboard.
    curve: str = ""


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
    # chain's C loop, not a generator resumed per row (a tenth of case finding's Python time
    # at 1M sessions was spent resuming it; issue 11).
    return itertools.chain.from_iterable(chunks)


def _lot_products(clinic: Clinic) -> dict[str, str]:
    """Each lot's product (lot id -> product id, as strings): one query, a few thousand rows."""
    return {
        str(pk): str(product)
        for pk, product in Lot.objects.for_clinic(clinic).values_list("pk", "product_id")
    }


def _products_of(lots: tuple[str, ...], product_of: dict[str, str]) -> tuple[str, ...]:
    return tuple(sorted({product_of[x] for x in lots if x in product_of}))


def _session_profiles(clinic: Clinic, until: dt.date) -> Iterator[Profiled]:
    """Every session of the clinic up to ``until`` as the attack-rate counter reads it (id,
    lots and products, day, practitioner), streamed in id order: the table needs no
    patient (the cases' patients come from the attribution). Both cursors read in
    primary-key order, so neither sorts: the sessions' table, and the lines through their
    session index; a line of a session past ``until`` is skipped in the merge. The time is
    read as text and turned into the clinic's day once per hour, not once per session."""
    zone = clinic.zone
    product_of = _lot_products(clinic)
    end = clinic.start_of_day(until + dt.timedelta(days=1))
    rows = _raw_rows(
        TreatmentSession.objects.for_clinic(clinic)
        .filter(performed_at__lt=end)
        .order_by("id")
        .annotate(utc_text=Cast("performed_at", CharField()))
        .values_list("id", "utc_text", "practitioner_id", "practitioner_ref")
    )
    lines = _raw_rows(
        Injection.objects.filter(clinic=clinic, lot_id__isnull=False)
        .in_effect()
        .order_by("session_id")
        .values_list("session_id", "lot_id")
    )
    users = get_user_model().objects
    names: dict[Any, str] = dict(
        users.filter(memberships__clinic=clinic).values_list("pk", "username")
    )
    days: dict[str, dt.date | None] = {}
    who: dict[tuple[Any, str], str] = {}
    strata: dict[Any, tuple[tuple[str, ...], tuple[str, ...]]] = {}
    line = next(lines, None)
    for pk, utc_text, practitioner_id, ref in rows:
        while line is not None and line[0] < pk:
            line = next(lines, None)
        lot_key: Any = None
        while line is not None and line[0] == pk:
            # One lot (the usual case) is its own key; several make a sorted tuple.
            lot_key = line[1] if lot_key is None else (*_as_tuple(lot_key), line[1])
            line = next(lines, None)
        if isinstance(lot_key, tuple):
            lot_key = tuple(sorted(set(lot_key)))
        stratum = strata.get(lot_key)
        if stratum is None:
            lots = tuple(sorted({str(x) for x in _as_tuple(lot_key)}))
            stratum = strata[lot_key] = (lots, _products_of(lots, product_of))
        day = days.get(utc_text[:13])
        if day is None:
            day = _day(utc_text, zone, days)
        practitioner = who.get((practitioner_id, ref))
        if practitioner is None:
            username = names.get(practitioner_id) if practitioner_id else None
            if practitioner_id and username is None:  # a former member
                username = (
                    users.filter(pk=practitioner_id).values_list("username", flat=True).first()
                )
            practitioner = who[(practitioner_id, ref)] = _practitioner_key(username, ref)
        yield (pk, stratum, day, practitioner)


def _as_tuple(lot_key: Any) -> tuple[Any, ...]:
    if lot_key is None:
        return ()
    return lot_key if isinstance(lot_key, tuple) else (lot_key,)


def _day(utc_text: str, zone: Any, days: dict[str, dt.date | None]) -> dt.date:
    """The clinic's day of a UTC time given as text (SQLite's stored text, PostgreSQL's
    timestamptz cast in the UTC session); cached per hour when the zone's offset then is a
    whole number of hours (else per session). When the offset is the same whole number of
    hours at the first and the last hour of the UTC day (no change of offset that day), all
    24 hours of that day are cached at once: one miss per day instead of one per hour
    (83,000 conversions at 1M sessions over 4 years; issue 11)."""
    moment = dt.datetime.fromisoformat(utc_text.replace(" ", "T")[:19]).replace(tzinfo=dt.UTC)
    local = moment.astimezone(zone)
    offset = local.utcoffset() or dt.timedelta(0)
    if offset.total_seconds() % 3600 == 0:
        days[utc_text[:13]] = local.date()
        midnight = moment.replace(hour=0, minute=0, second=0, microsecond=0)
        first = midnight.astimezone(zone).utcoffset()
        last = (midnight + dt.timedelta(hours=23, minutes=59, seconds=59)).astimezone(zone)
        if first == offset and last.utcoffset() == offset:
            prefix = utc_text[:11]
            for hour in range(24):
                days[f"{prefix}{hour:02d}"] = (midnight + dt.timedelta(hours=hour) + offset).date()
    return local.date()


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
    product_of = _lot_products(clinic)
    products: dict[tuple[str, ...], tuple[str, ...]] = {}
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
        lot_key = shared.setdefault(lot_key, lot_key)
        made = products.get(lot_key)
        if made is None:
            made = products[lot_key] = _products_of(lot_key, product_of)
        practitioner = _practitioner_key(username, ref)
        yield SessionRow(
            session_id=pk,
            patient_id=shared.setdefault(mrn, mrn),
            day=shared.setdefault(day, day),
            practitioner=shared.setdefault(practitioner, practitioner),
            lots=lot_key,
            products=made,
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
    products = [int(s.key) for s in signals if s.kind == PRODUCT]
    practitioners = [s.key for s in signals if s.kind == PRACTITIONER]
    usernames = [k for k in practitioners if not k.startswith(REGISTRY_PREFIX)]
    refs = [k.removeprefix(REGISTRY_PREFIX) for k in practitioners if k.startswith(REGISTRY_PREFIX)]
    lot_sessions = (
        Injection.objects.filter(clinic=clinic)
        .filter(Q(lot_id__in=lots) | Q(lot__product_id__in=products))
        .in_effect()
        .values("session_id")
    )
    condition = (
        Q(id__in=lot_sessions)
        | Q(practitioner__username__in=usernames)
        | Q(practitioner__isnull=True, practitioner_ref__in=refs)
    )
    for s in signals:
        if s.kind == DAY:
            day = dt.date.fromisoformat(s.key)
            condition |= Q(
                performed_at__gte=clinic.start_of_day(day),
                performed_at__lt=clinic.start_of_day(day + dt.timedelta(days=1)),
            )
    sessions = (
        TreatmentSession.objects.for_clinic(clinic)
        .filter(
            performed_at__gte=clinic.start_of_day(start), performed_at__lt=clinic.start_of_day(end)
        )
        .filter(condition)
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


def investigate_clinic(clinic: Clinic, as_of: dt.date | None = None) -> Investigation:
    """The sentinel alerts, the attack-rate table over every session up to ``as_of`` (one
    streamed pass) and its signals with case finding (the alerts get none: they are to be
    reviewed, and case finding for every alert of a large clinic was most of the cost)."""
    as_of = as_of or clinic.today()
    events = _events(clinic)
    if not events:
        return Investigation(as_of, [], [], [])
    attributed = attribute(events, _attributed_sessions(clinic, events))
    with _without_cyclic_gc():
        found = investigate(
            attributed, clusters(attributed, as_of), _session_profiles(clinic, as_of), as_of
        )
    find_exposed(found.signals, _exposure_sessions(clinic, found.signals))
    return found


@contextlib.contextmanager
def _without_cyclic_gc() -> Iterator[None]:
    """The cyclic garbage collector paused while every session is streamed and counted:
    the pass allocates millions of short-lived tuples (rows, profiles) and no cycle, yet
    the collector ran every 700 allocations and walked the young objects each time, about a
    tenth of the pass at 1M sessions (issue 11). Reference counting still frees every row
    at once, so memory stays flat; the collector is re-enabled (if it was on) at the end."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def describe(clinic: Clinic, signals: list[Signal], as_of: dt.date) -> list[SignalView]:
    """Labels, lots and steps for display and JSON (two queries whatever the count)."""
    lot_ids = [int(s.key) for s in signals if s.kind == LOT]
    lots = {
        str(lot.pk): lot
        for lot in Lot.objects.for_clinic(clinic).filter(pk__in=lot_ids).select_related("product")
    }
    names = _staff_names(clinic, [s.key for s in signals if s.kind == PRACTITIONER])
    product_names = dict(
        Product.objects.for_clinic(clinic)
        .filter(pk__in=[int(s.key) for s in signals if s.kind == PRODUCT])
        .values_list("pk", "name")
    )
    views: list[SignalView] = []
    for signal in signals:
        lot = lots.get(signal.key) if signal.kind == LOT else None
        name = ""
        # In the active language: the command's text output and the page read it.
        if lot:
            label = gettext("%(product)s lot %(number)s") % {"product": lot.product.name, "number": lot.lot_number}  # fmt: skip
        elif signal.kind == PRODUCT:
            label = product_names.get(int(signal.key), signal.key)
        elif signal.kind == DAY:
            label = signal.key
        else:
            name = names.get(signal.key, signal.key.removeprefix(REGISTRY_PREFIX))
            label = gettext("Practitioner %(name)s") % {"name": name}
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


def key_labels(
    clinic: Clinic, keys: set[tuple[str, str]]
) -> dict[tuple[str, str], tuple[str, str]]:
    """For each (kind, internal key) of the attack-rate table: the key as the command prints
    it (lot number, product name, username, ISO day) and a label for people (three queries
    whatever the count)."""
    lot_ids = [int(k) for kind, k in keys if kind == LOT and k.isdigit()]
    lots = {
        str(lot.pk): lot
        for lot in Lot.objects.for_clinic(clinic).filter(pk__in=lot_ids).select_related("product")
    }
    products = {
        str(pk): name
        for pk, name in Product.objects.for_clinic(clinic)
        .filter(pk__in=[int(k) for kind, k in keys if kind == PRODUCT and k.isdigit()])
        .values_list("pk", "name")
    }
    names = _staff_names(clinic, [k for kind, k in keys if kind == PRACTITIONER])
    out: dict[tuple[str, str], tuple[str, str]] = {}
    for kind, k in keys:
        if kind == LOT and k in lots:
            lot = lots[k]
            out[(kind, k)] = (lot.lot_number, f"{lot.product.name} {lot.lot_number}")
        elif kind == PRODUCT:
            out[(kind, k)] = (products.get(k, k), products.get(k, k))
        elif kind == PRACTITIONER:
            out[(kind, k)] = (k, names.get(k, k.removeprefix(REGISTRY_PREFIX)))
        else:
            out[(kind, k)] = (k, k)
    return out
