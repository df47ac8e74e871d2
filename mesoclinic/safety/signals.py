"""Cluster detector for late-onset lesions: the outbreak pattern of non-tuberculous
mycobacterial (NTM) infection after mesotherapy. Pure Python, no Django import.

The rules, each from reference/mesotherapy-clinical.md:

- **Which events.** New nodules, abscesses, draining sinuses or ulcers appearing 1–12 weeks
  after injection make NTM suspected (§4.4, "Any procedure"; the Lima outbreak's lesions were
  "subcutaneous nodules, abscesses, ulcers", http://www.doi.org/10.1590/S0034-89102008000100020).
  In the adverse-event vocabulary these are ``nodule``, ``infection`` (an abscess or draining
  sinus is recorded as an infection) and ``ulceration``. Induration is left out: it is an
  expected injection-site reaction of deoxycholic acid (23 % vs 3 % on placebo,
  https://mdtodate.com/kybella-side-effects-2) and not among the NTM lesions. Bruising,
  swelling, pain and the other early reactions are never signals.
- **Onset 1–12 weeks after the attributed session**, i.e. 7 to 84 days inclusive (§4.3 Spain
  series, "1–12 weeks to lesions", https://proxy.weglot.com/wg_8714b7f1589aa0f6c92979708057c4a57/en/es/pubmed.ncbi.nlm.nih.gov/17550571;
  §4.4). An earlier lesion (day 0–6) is an ordinary reaction; a later one is outside the window.
- **Clusters.** Cases are grouped by lot and by practitioner (the outbreaks were traced to one
  product or vial, or to one therapist: §4.3 table). Within a group, cases whose onsets are at
  most 12 weeks (84 days) apart are chained into one cluster (§9, "flags ≥2 late nodules or
  abscesses at the same clinic or lot within 12 weeks"). A cluster with two or more patients
  is a signal; one patient with two lesions is one case, not a cluster.
- **Attribution.** An event linked to a session is attributed to that session; its lot is the
  event's lot when recorded, otherwise every lot injected in the session (the lot is not known,
  so each is suspect). An event with no session is attributed to each of the patient's sessions
  7–84 days before its onset.
- **Case finding.** Every other patient exposed to the signal's lot or practitioner in the
  exposure window: from 12 weeks before the first case's onset (the earliest exposure that
  could have produced it) to 12 weeks after the last case's onset, or the detection date if
  sooner (§4.3 "What the investigations needed", item 1: "list every patient treated at the
  clinic in the risk window, using the same product, therapist, site and session dates").
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

# §4.4: nodules, abscesses (recorded as infection), draining sinuses or ulcers.
LATE_LESION_TYPES: frozenset[str] = frozenset({"nodule", "infection", "ulceration"})
# §4.3 / §4.4: lesions appear 1–12 weeks after injection.
ONSET_MIN_DAYS = 7
ONSET_MAX_DAYS = 84
# §9: two or more late lesions at the same lot within 12 weeks.
CLUSTER_WINDOW_DAYS = 84
MIN_PATIENTS = 2

LOT = "lot"
PRACTITIONER = "practitioner"
# The attack-rate analysis (signal_analysis.py) also compares products and session days.
PRODUCT = "product"
DAY = "day"


# Slots: case finding keeps a row per exposed session, up to every session of a large clinic.
@dataclass(frozen=True, slots=True)
class SessionRow:
    """A treatment session as the detector sees it: who, when, by whom, with which lots."""

    session_id: int
    patient_id: str
    day: dt.date
    practitioner: str = ""
    lots: tuple[str, ...] = ()
    products: tuple[str, ...] = ()


@dataclass(frozen=True)
class EventRow:
    """An adverse event as the detector sees it."""

    event_id: str
    patient_id: str
    event_type: str
    onset: dt.date
    session_id: int | None = None
    lot: str | None = None


@dataclass(frozen=True)
class Case:
    """A late lesion attributed to a session."""

    event_id: str
    patient_id: str
    event_type: str
    onset: dt.date
    session_id: int
    session_day: dt.date

    @property
    def days_after_session(self) -> int:
        return (self.onset - self.session_day).days


@dataclass(slots=True)
class Exposure:
    """Another patient given the signal's lot, or treated by its practitioner, in the window."""

    patient_id: str
    sessions: list[SessionRow] = field(default_factory=list)


@dataclass
class Signal:
    """Two or more patients with late lesions in one group within 12 weeks."""

    kind: str
    key: str
    cases: list[Case]
    window_start: dt.date
    window_end: dt.date
    exposed: dict[str, Exposure] = field(default_factory=dict)
    # The attack-rate figures (``signal_analysis.RateRow``) when the analysis has run.
    rates: Any = None

    @property
    def first_onset(self) -> dt.date:
        return min(c.onset for c in self.cases)

    @property
    def last_onset(self) -> dt.date:
        return max(c.onset for c in self.cases)

    @property
    def case_patients(self) -> set[str]:
        return {c.patient_id for c in self.cases}

    @property
    def exposed_patients(self) -> int:
        return len(self.exposed)

    def is_active(self, as_of: dt.date) -> bool:
        """A case within the last 12 weeks: patients may still be incubating."""
        return (as_of - self.last_onset).days <= CLUSTER_WINDOW_DAYS


def is_late_lesion(event_type: str, days_after_session: int) -> bool:
    """Whether an event of this type, this many days after a session, counts as a case."""
    return event_type in LATE_LESION_TYPES and (
        ONSET_MIN_DAYS <= days_after_session <= ONSET_MAX_DAYS
    )


def attribute(
    events: Iterable[EventRow], sessions: Iterable[SessionRow]
) -> list[tuple[Case, tuple[str, ...], str]]:
    """Each case with the lots and the practitioner it is grouped under.

    ``sessions`` need only hold the sessions of the patients with events; any others are
    ignored.
    """
    candidates = [e for e in events if e.event_type in LATE_LESION_TYPES]
    wanted_ids = {e.session_id for e in candidates if e.session_id is not None}
    wanted_patients = {e.patient_id for e in candidates if e.session_id is None}
    by_id: dict[int, SessionRow] = {}
    by_patient: dict[str, list[SessionRow]] = defaultdict(list)
    for s in sessions:
        if s.session_id in wanted_ids:
            by_id[s.session_id] = s
        if s.patient_id in wanted_patients:
            by_patient[s.patient_id].append(s)
    attributed: list[tuple[Case, tuple[str, ...], str]] = []
    for event in candidates:
        if event.session_id is not None:
            linked = by_id.get(event.session_id)
            options = [linked] if linked is not None else []
        else:
            options = by_patient.get(event.patient_id, [])
        for s in options:
            if not is_late_lesion(event.event_type, (event.onset - s.day).days):
                continue
            case = Case(
                event.event_id, event.patient_id, event.event_type, event.onset, s.session_id, s.day
            )
            lots = (event.lot,) if event.lot and event.session_id is not None else s.lots
            attributed.append((case, tuple(dict.fromkeys(lots)), s.practitioner))
    return attributed


def _clusters(cases: list[Case]) -> list[list[Case]]:
    ordered = sorted(cases, key=lambda c: (c.onset, c.event_id))
    chains: list[list[Case]] = []
    for case in ordered:
        if chains and (case.onset - chains[-1][-1].onset).days <= CLUSTER_WINDOW_DAYS:
            chains[-1].append(case)
        else:
            chains.append([case])
    return [c for c in chains if len({x.patient_id for x in c}) >= MIN_PATIENTS]


def find_clusters(
    events: Iterable[EventRow], sessions: Iterable[SessionRow], as_of: dt.date
) -> list[Signal]:
    """The signals, without case finding (see ``find_exposed``), most recent first."""
    return clusters(attribute(events, sessions), as_of)


def clusters(attributed: list[tuple[Case, tuple[str, ...], str]], as_of: dt.date) -> list[Signal]:
    """The sentinel clusters of already attributed cases (``attribute``)."""
    groups: dict[tuple[str, str], dict[str, Case]] = defaultdict(dict)
    for case, lots, practitioner in attributed:
        for lot in lots:
            # One event counts once in a group, even when attributed to two of its sessions.
            groups[(LOT, lot)].setdefault(case.event_id, case)
        if practitioner:
            groups[(PRACTITIONER, practitioner)].setdefault(case.event_id, case)
    signals: list[Signal] = []
    for (kind, key), by_event in groups.items():
        for chain in _clusters(list(by_event.values())):
            first = min(c.onset for c in chain)
            last = max(c.onset for c in chain)
            end = min(last + dt.timedelta(days=CLUSTER_WINDOW_DAYS), as_of)
            start = first - dt.timedelta(days=ONSET_MAX_DAYS)
            signals.append(Signal(kind, key, chain, start, max(start, end)))
    signals.sort(key=lambda s: (-s.last_onset.toordinal(), s.kind, s.key))
    return signals


def find_exposed(signals: list[Signal], sessions: Iterable[SessionRow]) -> None:
    """Fill each signal's ``exposed``: one pass over ``sessions`` (any superset of the
    relevant ones), skipping the cases' own patients."""
    by_lot: dict[str, list[Signal]] = defaultdict(list)
    by_practitioner: dict[str, list[Signal]] = defaultdict(list)
    by_product: dict[str, list[Signal]] = defaultdict(list)
    by_day: dict[str, list[Signal]] = defaultdict(list)
    index = {LOT: by_lot, PRACTITIONER: by_practitioner, PRODUCT: by_product, DAY: by_day}
    for signal in signals:
        index[signal.kind][signal.key].append(signal)
    case_patients = {id(s): s.case_patients for s in signals}
    no_signals: list[Signal] = []
    for s in sessions:
        # Called once per session of the window (up to every session of a large clinic), so
        # nothing is built for a session that matches no signal.
        matched = by_practitioner.get(s.practitioner, no_signals) if s.practitioner else no_signals
        for lot in s.lots:
            on_lot = by_lot.get(lot)
            if on_lot:
                matched = matched + on_lot
        for product in s.products:
            on_product = by_product.get(product)
            if on_product:
                matched = matched + on_product
        if by_day:
            matched = matched + by_day.get(s.day.isoformat(), no_signals)
        for signal in matched:
            if not signal.window_start <= s.day <= signal.window_end:
                continue
            if s.patient_id in case_patients[id(signal)]:
                continue
            exposure = signal.exposed.get(s.patient_id)
            if exposure is None:
                exposure = signal.exposed[s.patient_id] = Exposure(s.patient_id)
            if s not in exposure.sessions:
                exposure.sessions.append(s)
    for signal in signals:
        for exposure in signal.exposed.values():
            exposure.sessions.sort(key=lambda row: (row.day, row.session_id))


def detect(events: Iterable[EventRow], sessions: list[SessionRow], as_of: dt.date) -> list[Signal]:
    """Signals with case finding over an in-memory list of every session."""
    signals = find_clusters(events, sessions, as_of)
    find_exposed(signals, sessions)
    return signals
