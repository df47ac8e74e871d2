"""Outbreak analysis: is a late-lesion excess tied to one exposure, beyond the background?

The sentinel rule (``signals.find_clusters``: two patients with late lesions after one lot or
practitioner within 12 weeks, §9 of the reference) counts cases with no denominator; on a
busy clinic it flags every lot and practitioner. It stays as an *alert to review*. A
*signal* is raised only by the steps of an outbreak investigation (CDC, "Principles of
Epidemiology", Lesson 6: establish an excess over the expected, then test hypotheses with an
attack-rate table; https://archive.cdc.gov/www_cdc_gov/csels/dsepd/ss1978/lesson6/section2.html):

- **Unit.** A treatment session up to the detection date. A session is a *case* when a late
  lesion (nodule, abscess, ulcer 7–84 days later: ``signals.attribute``) is attributed to it.
- **Candidates.** Every lot, product, practitioner and session day (no treatment room is
  recorded). For each: exposed sessions, cases, attack rate; the same among the unexposed;
  the relative risk with its Miettinen–Nurminen score interval and the one-sided Fisher test.
- **Comparison.** A lot is compared with the other lots of the same products (Mantel–Haenszel
  by the session's products): products differ in their usual rate of late nodules (§4.2),
  which is not an outbreak. A practitioner or a day is compared within sessions of the same
  lots (stratified by the session's lots): "a practitioner is a signal only when the excess
  remains after stratifying by lot". A product is shown, never raised: its excess is its
  usual rate unless one of its lots carries it.
- **Multiple testing.** Holm's step-down adjustment over every lot, practitioner and day
  tested (family-wise error 5 %): those with at least two case patients (the sentinel
  rule's minimum; the others cannot be signals).
- **Co-exposure.** Lots given in the same sessions (cocktails) share the excess of a
  contaminated one. The lots that pass are taken strongest first; each next lot is tested
  again stratified by the lots already raised, and is shown "explained by lot X" when its
  excess does not remain (its stratified p-value, times the number of tests, is 5 % or more).
- A signal needs at least two case patients, as the sentinel rule does.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable, Hashable, Iterable, Iterator
from dataclasses import dataclass, field

from mesoclinic.safety.signal_rates import (
    Stratum,
    fisher_greater,
    holm,
    mantel_haenszel,
    relative_risk,
    score_ci,
    stratified_p,
)
from mesoclinic.safety.signals import (
    CLUSTER_WINDOW_DAYS,
    DAY,
    LOT,
    MIN_PATIENTS,
    ONSET_MAX_DAYS,
    PRACTITIONER,
    PRODUCT,
    Case,
    EventRow,
    SessionRow,
    Signal,
    attribute,
    clusters,
    find_exposed,
)

ALPHA = 0.05
METHOD = "holm"
# Raised kinds, in the order they are decided: lots first, so that a day's or a
# practitioner's excess is judged once the lots are known.
RAISED = (LOT, DAY, PRACTITIONER)
KIND_ORDER = {LOT: 0, PRODUCT: 1, DAY: 2, PRACTITIONER: 3}

SIGNAL = "signal"
EXPLAINED = "explained"
NO_EXCESS = "no_excess"
FEW_CASES = "few_cases"
SHOWN = "product"

Key = tuple[str, str]
# A session's stratum: (its lots, its products).
StratumKey = tuple[tuple[str, ...], tuple[str, ...]]


@dataclass(slots=True)
class RateRow:
    """One line of the attack-rate table: a candidate exposure and its figures."""

    kind: str
    key: str
    exposed_sessions: int
    exposed_cases: int
    unexposed_sessions: int
    unexposed_cases: int
    case_patients: int = 0
    p_value: float = 1.0
    stratified_rr: float = math.nan
    stratified_p: float = 1.0
    p_adjusted: float = 1.0
    verdict: str = NO_EXCESS
    explained_by: str = ""
    # The relative risk and p-value given the lots raised before it (co-exposure), if tested.
    given_rr: float = math.nan
    given_p: float = math.nan
    ci: tuple[float, float] | None = None

    @property
    def attack_rate(self) -> float:
        return self.exposed_cases / self.exposed_sessions if self.exposed_sessions else 0.0

    @property
    def unexposed_rate(self) -> float:
        return self.unexposed_cases / self.unexposed_sessions if self.unexposed_sessions else 0.0

    @property
    def rr(self) -> float:
        return relative_risk(
            self.exposed_cases, self.exposed_sessions, self.unexposed_cases, self.unexposed_sessions
        )

    def table(self) -> Stratum:
        return (
            self.exposed_cases,
            self.exposed_sessions,
            self.unexposed_cases,
            self.unexposed_sessions,
        )

    def fill_ci(self) -> None:
        if self.ci is None:
            self.ci = score_ci(*self.table())


# A session as the counter reads it: (id, (its lots, its products), day, practitioner), the
# tuples shared between sessions (the database stream builds each distinct one once).
Profiled = tuple[int, StratumKey, dt.date, str]


def profiles(sessions: Iterable[SessionRow], as_of: dt.date) -> Iterator[Profiled]:
    """In-memory sessions up to ``as_of`` as the counter reads them."""
    for s in sessions:
        if s.day <= as_of:
            yield (s.session_id, (s.lots, s.products), s.day, s.practitioner)


class ExposureCounter:
    """Counts sessions and case sessions per candidate exposure and stratum.

    One pass over a stream of sessions adds one to the count of the session's *profile*
    (its lots and products, day and practitioner): a single dictionary update per session,
    which is what keeps 1M sessions within seconds; the profiles (a few per lot and day)
    are then spread over the candidates. Nothing per session is kept but the cases'
    profiles."""

    def __init__(self, case_sessions: Iterable[int]) -> None:
        self.case_sessions = set(case_sessions)
        self.counts: dict[Key, dict[StratumKey, list[int]]] = {}
        self.totals: dict[StratumKey, list[int]] = {}
        self.case_keys: dict[int, list[Key]] = {}
        self._grouped: dict[Callable[[StratumKey], Hashable], dict[Hashable, list[int]]] = {}
        self._stratum_keys: dict[StratumKey, list[Key]] = {}
        self._day_keys: dict[dt.date, Key] = {}

    def count(self, sessions: Iterable[Profiled]) -> None:
        seen: dict[tuple[StratumKey, dt.date, str], list[int]] = {}
        cases = self.case_sessions
        case_profiles: dict[int, tuple[StratumKey, dt.date, str]] = {}
        for session_id, stratum, day, practitioner in sessions:
            profile = (stratum, day, practitioner)
            cell = seen.get(profile)
            if cell is None:
                cell = seen[profile] = [0, 0]
            cell[0] += 1
            if session_id in cases:
                cell[1] += 1
                case_profiles[session_id] = profile
        keys_of: dict[tuple[StratumKey, dt.date, str], list[Key]] = {}
        for profile, (n, c) in seen.items():
            keys = keys_of[profile] = self._keys(*profile)
            stratum = profile[0]
            total = self.totals.setdefault(stratum, [0, 0])
            total[0] += n
            total[1] += c
            for key in keys:
                cell = self.counts.setdefault(key, {}).setdefault(stratum, [0, 0])
                cell[0] += n
                cell[1] += c
        for session_id, profile in case_profiles.items():
            self.case_keys[session_id] = keys_of[profile]

    def _keys(self, stratum: StratumKey, day: dt.date, practitioner: str) -> list[Key]:
        # Cached per stratum and per day: a profile differs from many others only in one.
        keys = self._stratum_keys.get(stratum)
        if keys is None:
            lots, products = stratum
            keys = self._stratum_keys[stratum] = [(LOT, x) for x in lots] + [
                (PRODUCT, x) for x in products
            ]
        day_key = self._day_keys.get(day)
        if day_key is None:
            day_key = self._day_keys[day] = (DAY, day.isoformat())
        if practitioner:
            return [*keys, day_key, (PRACTITIONER, practitioner)]
        return [*keys, day_key]

    def grouped(self, by: Callable[[StratumKey], Hashable]) -> dict[Hashable, list[int]]:
        """Sessions and cases of every stratum grouped by ``by`` (computed once per ``by``)."""
        done = self._grouped.get(by)
        if done is None:
            done = self._grouped[by] = {}
            for stratum, (n, c) in self.totals.items():
                cell = done.setdefault(by(stratum), [0, 0])
                cell[0] += n
                cell[1] += c
        return done


def _strata(
    counter: ExposureCounter, key: Key, by: Callable[[StratumKey], Hashable]
) -> list[Stratum]:
    """The candidate's 2x2 table in each stratum ``by`` defines."""
    exposed: dict[Hashable, list[int]] = {}
    for stratum, (n, c) in counter.counts[key].items():
        cell = exposed.setdefault(by(stratum), [0, 0])
        cell[0] += n
        cell[1] += c
    totals = counter.grouped(by)
    return [(c1, n1, totals[g][1] - c1, totals[g][0] - n1) for g, (n1, c1) in exposed.items()]


def _by_products(stratum: StratumKey) -> Hashable:
    return stratum[1]


def _by_lots(stratum: StratumKey) -> Hashable:
    return stratum[0]


def analyse(counter: ExposureCounter, case_patient: dict[int, str]) -> list[RateRow]:
    """The attack-rate table, each row with its verdict, strongest first.

    ``case_patient`` maps each case session to its patient (for the two-patient minimum).
    """
    cases_total = sum(c for _, c in counter.totals.values())
    sessions_total = sum(n for n, _ in counter.totals.values())
    patients: dict[Key, set[str]] = {}
    for session_id, keys in counter.case_keys.items():
        for key in keys:
            patients.setdefault(key, set()).add(case_patient.get(session_id, str(session_id)))
    rows: dict[Key, RateRow] = {}
    for key, by_stratum in counter.counts.items():
        n1 = sum(n for n, _ in by_stratum.values())
        a = sum(c for _, c in by_stratum.values())
        row = RateRow(key[0], key[1], n1, a, sessions_total - n1, cases_total - a)
        row.case_patients = len(patients.get(key, ()))
        row.p_value = fisher_greater(*row.table()) if a else 1.0
        rows[key] = row
        if key[0] == PRODUCT:
            row.verdict, row.stratified_rr, row.stratified_p = SHOWN, row.rr, row.p_value
        elif a == 0:
            row.stratified_rr, row.stratified_p = 0.0, 1.0
        else:
            by = _by_products if key[0] == LOT else _by_lots
            strata = _strata(counter, key, by)
            row.stratified_rr = mantel_haenszel(strata)[0]
            row.stratified_p = stratified_p(strata)
    # The family: the candidates that could be raised (two case patients or more, the
    # sentinel rule's minimum, as surveillance screens on a minimum count before testing);
    # the others cannot be signals whatever their p-value, and would only dilute the
    # correction (a practice has hundreds of session days with one case or none).
    family = [k for k in rows if k[0] in RAISED and rows[k].case_patients >= MIN_PATIENTS]
    for k, row in rows.items():
        if k[0] in RAISED:
            # Not tested: fewer than two case patients (shown as such if it has one).
            row.p_adjusted = math.nan
            row.verdict = FEW_CASES if row.exposed_cases else NO_EXCESS
    for k, adjusted in zip(family, holm([rows[k].stratified_p for k in family]), strict=True):
        rows[k].p_adjusted = adjusted
        rows[k].verdict = NO_EXCESS
    tests = len(family)
    ordered = sorted(family, key=lambda k: (KIND_ORDER[k[0]], rows[k].stratified_p, k))
    raised_lots: list[str] = []
    for k in ordered:
        row = rows[k]
        if row.p_adjusted >= ALPHA or not row.stratified_rr > 1:
            continue
        if k[0] == LOT and raised_lots:
            chosen = frozenset(raised_lots)

            def by_products_and_raised(s: StratumKey, chosen: frozenset[str] = chosen) -> Hashable:
                return (s[1], tuple(x for x in s[0] if x in chosen))

            strata = _strata(counter, k, by_products_and_raised)
            rr, p = mantel_haenszel(strata)[0], stratified_p(strata)
            row.given_rr, row.given_p = rr, p
            if not (p * tests < ALPHA and rr > 1):
                row.verdict = EXPLAINED
                row.explained_by = _most_shared(counter, k, raised_lots)
                continue
        row.verdict = SIGNAL
        if k[0] == LOT:
            raised_lots.append(k[1])
    # A practitioner or day whose crude excess disappears within the lots: say which lot.
    for k in family:
        row = rows[k]
        if row.verdict == NO_EXCESS and k[0] != LOT and raised_lots:
            crude = row.p_value * tests < ALPHA and row.rr > 1
            if crude:
                row.verdict = EXPLAINED
                row.explained_by = _most_shared(counter, k, raised_lots)
    return sorted(
        rows.values(),
        key=lambda r: (r.verdict != SIGNAL, r.verdict != EXPLAINED, r.stratified_p, r.kind, r.key),
    )


def _most_shared(counter: ExposureCounter, key: Key, lots: list[str]) -> str:
    """The raised lot given in most of ``key``'s sessions."""
    shared = dict.fromkeys(lots, 0)
    for stratum, (n, _) in counter.counts[key].items():
        for lot in stratum[0]:
            if lot in shared:
                shared[lot] += n
    return max(lots, key=lambda lot: shared[lot])


@dataclass
class Investigation:
    """The sentinel alerts, the attack-rate table and the signals it raises."""

    as_of: dt.date
    alerts: list[Signal]
    rows: list[RateRow]
    signals: list[Signal]
    # Every case with the exposures of its session, for the epidemic curves.
    cases: list[tuple[Case, list[Key]]] = field(default_factory=list)
    sessions: int = 0
    case_sessions: int = 0

    @property
    def tested(self) -> int:
        """Candidates in the Holm family (lots, practitioners, days with two case patients)."""
        return sum(1 for r in self.rows if r.kind in RAISED and not math.isnan(r.p_adjusted))

    def row(self, kind: str, key: str) -> RateRow | None:
        for r in self.rows:
            if r.kind == kind and r.key == key:
                return r
        return None


def investigate(
    attributed: list[tuple[Case, tuple[str, ...], str]],
    alerts: list[Signal],
    sessions: Iterable[Profiled],
    as_of: dt.date,
) -> Investigation:
    """Count every session of ``sessions`` (the clinic's, up to ``as_of``), build the
    attack-rate table and turn its signals into ``Signal`` objects (without case finding)."""
    case_patient = {case.session_id: case.patient_id for case, _, _ in attributed}
    counter = ExposureCounter(case_patient)
    counter.count(sessions)
    rows = analyse(counter, case_patient)
    cases = [
        (case, counter.case_keys.get(case.session_id, []))
        for case in {c.event_id: c for c, _, _ in attributed}.values()
    ]
    signals: list[Signal] = []
    for row in rows:
        if row.verdict != SIGNAL:
            continue
        row.fill_ci()
        mine = [c for c, keys in cases if (row.kind, row.key) in keys]
        first, last = min(c.onset for c in mine), max(c.onset for c in mine)
        start = first - dt.timedelta(days=ONSET_MAX_DAYS)
        end = max(start, min(last + dt.timedelta(days=CLUSTER_WINDOW_DAYS), as_of))
        signal = Signal(
            row.kind, row.key, sorted(mine, key=lambda c: (c.onset, c.event_id)), start, end
        )
        signal.rates = row
        signals.append(signal)
    by_key = {(r.kind, r.key): r for r in rows}
    for alert in alerts:
        alert.rates = by_key.get((alert.kind, alert.key))
        if alert.rates is not None:
            alert.rates.fill_ci()
    for r in rows[:15]:
        r.fill_ci()
    total_cases = sum(c for _, c in counter.totals.values())
    total_sessions = sum(n for n, _ in counter.totals.values())
    signals.sort(key=lambda s: (-s.last_onset.toordinal(), KIND_ORDER[s.kind], s.key))
    return Investigation(as_of, alerts, rows, signals, cases, total_sessions, total_cases)


def detect_outbreaks(
    events: Iterable[EventRow], sessions: list[SessionRow], as_of: dt.date
) -> Investigation:
    """The whole investigation over in-memory sessions (the database path streams them:
    ``signal_data.investigate_clinic``), with case finding for the signals."""
    attributed = attribute(events, sessions)
    found = investigate(attributed, clusters(attributed, as_of), profiles(sessions, as_of), as_of)
    find_exposed(found.signals, sessions)
    return found
