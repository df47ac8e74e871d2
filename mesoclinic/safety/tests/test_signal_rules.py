"""Table tests of the cluster detector's rules (reference §4.3, §4.4 and §9): the onset
window of 7-84 days, two patients within 12 weeks, the event types, grouping by lot and
practitioner, and case finding."""

from __future__ import annotations

import datetime as dt

import pytest

from mesoclinic.safety.signal_steps import steps_for
from mesoclinic.safety.signals import EventRow, SessionRow, Signal, detect

DAY0 = dt.date(2025, 1, 6)
AS_OF = dt.date(2025, 12, 31)


def day(n: int) -> dt.date:
    return DAY0 + dt.timedelta(days=n)


def session(
    sid: int, patient: str, at: int, lots: tuple[str, ...] = ("L1",), practitioner: str = "alice"
) -> SessionRow:
    return SessionRow(sid, patient, day(at), practitioner, tuple(lots))


def event(
    eid: str,
    patient: str,
    sid: int | None,
    onset: int,
    kind: str = "nodule",
    lot: str | None = None,
) -> EventRow:
    return EventRow(eid, patient, kind, day(onset), sid, lot)


def two_patients(
    onset_a: int, onset_b: int, kind: str = "nodule", session_b: int = 0
) -> list[Signal]:
    sessions = [session(1, "P1", 0), session(2, "P2", session_b)]
    events = [event("e1", "P1", 1, onset_a, kind), event("e2", "P2", 2, onset_b, kind)]
    return detect(events, sessions, AS_OF)


@pytest.mark.parametrize(
    ("onset_day", "is_case"),
    [(0, False), (1, False), (6, False), (7, True), (30, True), (84, True), (85, False)],
)
def test_it_counts_only_onsets_7_to_84_days_after_the_session(onset_day, is_case):
    # given two patients treated the same day with the same lot, both with a nodule
    # when the onsets are `onset_day` days after the session
    found = two_patients(onset_day, onset_day)
    # then there is a signal only inside 1-12 weeks
    assert bool(found) is is_case


@pytest.mark.parametrize(
    ("gap_days", "signal"), [(0, True), (83, True), (84, True), (85, False), (91, False)]
)
def test_it_groups_two_cases_at_most_12_weeks_apart(gap_days, signal):
    # given patient 2 treated `gap_days` after patient 1, each with a nodule 30 days later
    found = two_patients(30, 30 + gap_days, session_b=gap_days)
    # then the lot signals only when the onsets are at most 84 days apart
    assert any(s.kind == "lot" for s in found) is signal


@pytest.mark.parametrize(
    ("kind", "signal"),
    [
        ("nodule", True),
        ("infection", True),
        ("ulceration", True),
        ("bruising", False),
        ("swelling", False),
        ("pain", False),
        ("erythema", False),
        ("induration", False),
        ("nerve_injury", False),
    ],
)
def test_it_signals_only_late_lesion_types(kind, signal):
    # given two patients with the same event type 30 days after the same lot
    found = two_patients(30, 30, kind)
    # then only nodules, infections and ulcers make a signal
    assert bool(found) is signal


@pytest.mark.parametrize("onset_day", [0, 1])
def test_it_never_signals_early_bruising(onset_day):
    # given two patients bruised on the day of (or the day after) the same lot
    found = two_patients(onset_day, onset_day, "bruising")
    # then: no signal
    assert found == []


def test_it_does_not_group_cases_in_different_lots():
    # given two nodules after two different lots, by two different practitioners
    sessions = [session(1, "P1", 0, ("L1",), "alice"), session(2, "P2", 0, ("L2",), "bob")]
    events = [event("e1", "P1", 1, 30), event("e2", "P2", 2, 30)]
    # when
    found = detect(events, sessions, AS_OF)
    # then
    assert found == []


def test_it_groups_by_practitioner_across_lots():
    # given two nodules after two different lots injected by the same practitioner
    sessions = [session(1, "P1", 0, ("L1",)), session(2, "P2", 5, ("L2",))]
    events = [event("e1", "P1", 1, 30), event("e2", "P2", 2, 40)]
    # when
    found = detect(events, sessions, AS_OF)
    # then one practitioner signal, no lot signal
    assert [(s.kind, s.key) for s in found] == [("practitioner", "alice")]


def test_it_needs_two_patients_not_two_lesions():
    # given one patient with two nodules after the same session
    sessions = [session(1, "P1", 0)]
    events = [event("e1", "P1", 1, 30), event("e2", "P1", 1, 40)]
    # then: one case is not a cluster
    assert detect(events, sessions, AS_OF) == []


def test_it_uses_the_events_own_lot_when_recorded():
    # given sessions with two lots each, but the events name lot L2
    sessions = [session(1, "P1", 0, ("L1", "L2")), session(2, "P2", 0, ("L1", "L2"))]
    events = [
        event("e1", "P1", 1, 30, lot="L2"),
        event("e2", "P2", 2, 30, lot="L2"),
    ]
    # when
    found = detect(events, sessions, AS_OF)
    # then only L2 is suspected
    assert sorted(s.key for s in found if s.kind == "lot") == ["L2"]


def test_it_attributes_an_unlinked_event_to_sessions_7_to_84_days_before():
    # given a nodule with no session recorded, 40 days after a session with lot L1
    sessions = [session(1, "P1", 0), session(2, "P2", 0), session(3, "P2", 38, ("L9",))]
    events = [event("e1", "P1", 1, 40), event("e2", "P2", None, 40)]
    # when
    found = detect(events, sessions, AS_OF)
    # then it joins P1's case on L1 (session 3 was only 2 days before: not attributed)
    lot_signals = [s for s in found if s.kind == "lot"]
    assert [s.key for s in lot_signals] == ["L1"]
    assert {c.session_id for c in lot_signals[0].cases} == {1, 2}


def test_it_finds_every_other_patient_exposed_in_the_window():
    # given two cases on lot L1 and four other patients
    sessions = [
        session(1, "P1", 100),
        session(2, "P2", 110),
        session(3, "P3", 120),  # same lot, in the window
        session(4, "P4", 120, ("L2",), "zoe"),  # another lot and practitioner
        session(5, "P5", 5),  # same lot but long before the window
        session(6, "P1", 115),  # a case's own other session
        session(7, "P6", 125, ("L2",)),  # another lot, same practitioner
    ]
    events = [event("e1", "P1", 1, 130), event("e2", "P2", 2, 140)]
    # when
    found = {(s.kind, s.key): s for s in detect(events, sessions, AS_OF)}
    # then
    lot = found[("lot", "L1")]
    assert sorted(lot.exposed) == ["P3"]
    assert lot.exposed_patients == 1
    assert lot.window_start == day(130 - 84)
    assert lot.window_end == day(140 + 84)
    assert sorted(found[("practitioner", "alice")].exposed) == ["P3", "P6"]


def test_it_ends_the_exposure_window_at_the_detection_date():
    # given a cluster whose last onset was 10 days ago
    found = two_patients(30, 30)
    recent = detect(
        [event("e1", "P1", 1, 30), event("e2", "P2", 2, 30)],
        [session(1, "P1", 0), session(2, "P2", 0)],
        day(40),
    )
    # then the window ends today, and the signal is active
    assert recent[0].window_end == day(40)
    assert recent[0].is_active(day(40))
    assert not found[0].is_active(AS_OF)


def test_it_chains_an_ongoing_outbreak_into_one_signal():
    # given three patients whose onsets are 60 days apart in turn (0 to 120 days)
    sessions = [session(i, f"P{i}", 60 * i) for i in (1, 2, 3)]
    events = [event(f"e{i}", f"P{i}", i, 60 * i + 30) for i in (1, 2, 3)]
    # when
    lot_signals = [s for s in detect(events, sessions, AS_OF) if s.kind == "lot"]
    # then one signal with three cases
    assert len(lot_signals) == 1
    assert len(lot_signals[0].cases) == 3


def test_it_suggests_quarantine_and_biopsy_each_with_a_source():
    # given the steps of a lot signal and of a practitioner signal
    lot_steps, practitioner_steps = steps_for("lot"), steps_for("practitioner")
    # then the lot is quarantined first, a biopsy is suggested, and every step has a URL
    assert lot_steps[0].code == "quarantine_lot"
    assert "biopsy" in {s.code for s in practitioner_steps}
    assert all(s.source.startswith("http") for s in lot_steps + practitioner_steps)
