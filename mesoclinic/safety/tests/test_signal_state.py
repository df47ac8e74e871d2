"""The Today count of safety signals comes from stored state, kept up to date by the writes
the detector reads, and equal to what a fresh detector run finds."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from mesoclinic.clinics.models import Clinic
from mesoclinic.safety import signal_data, signal_state
from mesoclinic.safety.models import SignalState
from mesoclinic.treatments.corrections import correct_line
from mesoclinic.treatments.models import Injection
from mesoclinic.treatments.tests.correction_helpers import changed

from .test_signals_views import lesion, person

pytestmark = pytest.mark.django_db


def _no_detector(*args: object, **kwargs: object) -> None:
    raise AssertionError("the detector ran in the request")


@pytest.fixture
def forbid_detector(monkeypatch):
    def forbid() -> None:
        monkeypatch.setattr(signal_data, "detect_for_clinic", _no_detector)
        monkeypatch.setattr(signal_data, "find_clusters", _no_detector)
        # signal_state imports detect_for_clinic from signal_data when it runs: patched above.

    return forbid


def _stored(clinic: Clinic) -> list[str]:
    onsets: list[str] = SignalState.objects.get(clinic=clinic).last_onsets
    return onsets


def _fresh(clinic: Clinic) -> list[str]:
    return [s.last_onset.isoformat() for s in signal_data.detect_for_clinic(clinic)]


def test_it_counts_a_new_cluster_on_today_without_running_the_detector(
    login, alice, riverside, make_lot, make_session, forbid_detector
):
    # given one late nodule after lot CL-1: no cluster yet
    today = timezone.localdate()
    lot = make_lot("CL-1")
    first, second = person(riverside, "RV000101", "Fiona"), person(riverside, "RV000102", "Greta")
    lesion(first, make_session(first, today - dt.timedelta(days=40), lot), lot, today)
    session = make_session(second, today - dt.timedelta(days=35), lot)
    client = login(alice)
    assert "safety alert to review" not in client.get(reverse("today")).content.decode()
    # when a second patient's late nodule after the same lot is recorded
    lesion(second, session, lot, today - dt.timedelta(days=1))
    # then Today counts the lot and the practitioner clusters, the detector never running in it
    forbid_detector()
    page = client.get(reverse("today")).content.decode()
    assert "2</span> safety alerts to review" in page


def test_it_follows_a_line_corrected_to_another_lot(alice, riverside, make_lot, make_session):
    # given a cluster of two late nodules on lot OLD-1 (and on practitioner alice)
    today = timezone.localdate()
    old, other = make_lot("OLD-1"), make_lot("OTHER-1")
    sessions = []
    for mrn, name, days in (("RV000101", "Fiona", 40), ("RV000102", "Greta", 35)):
        patient = person(riverside, mrn, name)
        sessions.append(make_session(patient, today - dt.timedelta(days=days), old))
        lesion(patient, sessions[-1], None, today - dt.timedelta(days=1))
    for session in sessions:
        type(session).objects.filter(pk=session.pk).update(signed_at=timezone.now())
    assert signal_state.active_count(riverside, today) == 2
    # when one of the two lines is corrected to another lot
    line = Injection.objects.get(session=sessions[0])
    correct_line(line, alice, "Vial label checked", changed(line, lot=other))
    # then only the practitioner cluster is left, as the detector finds
    assert signal_state.active_count(riverside, today) == 1
    assert _stored(riverside) == _fresh(riverside)


def test_it_drops_a_cluster_when_an_event_is_corrected_or_withdrawn(
    riverside, make_lot, make_session
):
    # given a cluster of two late nodules on a lot and its practitioner
    today = timezone.localdate()
    lot = make_lot("CL-1")
    events = []
    for mrn, name, days in (("RV000101", "Fiona", 40), ("RV000102", "Greta", 35)):
        patient = person(riverside, mrn, name)
        events.append(
            lesion(patient, make_session(patient, today - dt.timedelta(days=days), lot), lot, today)
        )
    assert signal_state.active_count(riverside, today) == 2
    # when one event is corrected to bruising, an early reaction that is never a case
    events[0].event_type = "bruising"
    events[0].save()
    # then no cluster is left
    assert signal_state.active_count(riverside, today) == 0
    assert _stored(riverside) == _fresh(riverside) == []
    # and when it is corrected back, then withdrawn (deleted as entered in error)
    events[0].event_type = "nodule"
    events[0].save()
    assert signal_state.active_count(riverside, today) == 2
    events[1].delete()
    assert signal_state.active_count(riverside, today) == 0


def test_it_stores_what_a_fresh_detector_run_finds(riverside, make_lot, make_session):
    # given lesions linked to sessions, one unlinked to any session, and one too early
    today = timezone.localdate()
    lot, second_lot = make_lot("CL-1"), make_lot("CL-2")
    patients = [person(riverside, f"RV00010{n}", f"P{n}") for n in range(1, 6)]
    lesion(
        patients[0],
        make_session(patients[0], today - dt.timedelta(days=200), lot),
        None,
        today - dt.timedelta(days=150),
    )
    lesion(
        patients[1],
        make_session(patients[1], today - dt.timedelta(days=190), lot),
        lot,
        today - dt.timedelta(days=140),
        "ulceration",
    )
    make_session(patients[2], today - dt.timedelta(days=30), second_lot)
    lesion(patients[2], None, None, today - dt.timedelta(days=3), "infection")
    lesion(
        patients[3],
        make_session(patients[3], today - dt.timedelta(days=25), second_lot),
        second_lot,
        today,
    )
    lesion(patients[4], make_session(patients[4], today - dt.timedelta(days=2), lot), lot, today)
    # when the stored state is compared with a fresh run of the detector
    stored, fresh = _stored(riverside), _fresh(riverside)
    # then they agree, the past cluster included but not counted as active
    assert stored == fresh
    assert len(fresh) == 4  # lot and practitioner clusters, two past and two recent
    active = [s for s in signal_data.detect_for_clinic(riverside) if s.is_active(today)]
    assert signal_state.active_count(riverside, today) == len(active) == 2


def test_it_counts_a_cluster_as_past_once_12_weeks_have_gone(riverside, make_lot, make_session):
    # given a cluster whose last case began today
    today = timezone.localdate()
    lot = make_lot("CL-1")
    for mrn, days in (("RV000101", 40), ("RV000102", 35)):
        patient = person(riverside, mrn, mrn)
        lesion(patient, make_session(patient, today - dt.timedelta(days=days), lot), lot, today)
    # when Today is read 84 days later, then 85 days later, with nothing written meanwhile
    # then it is active on the 84th day and past on the 85th, as Signal.is_active says
    assert signal_state.active_count(riverside, today + dt.timedelta(days=84)) == 2
    assert signal_state.active_count(riverside, today + dt.timedelta(days=85)) == 0


def test_it_is_rebuilt_by_run_due(riverside, make_lot, make_session):
    # given a cluster, and a stored state lost (or written by a load that sent no signal)
    today = timezone.localdate()
    lot = make_lot("CL-1")
    for mrn, days in (("RV000101", 40), ("RV000102", 35)):
        patient = person(riverside, mrn, mrn)
        lesion(patient, make_session(patient, today - dt.timedelta(days=days), lot), lot, today)
    SignalState.objects.filter(clinic=riverside).delete()
    # when the cron runner runs
    call_command("run_due", stdout=open("/dev/null", "w"))  # noqa: SIM115
    # then the state is back
    assert _stored(riverside) == _fresh(riverside) != []


def test_it_takes_the_count_once_when_no_state_was_ever_stored(riverside, make_lot, make_session):
    # given a cluster in a database upgraded from a version without the stored state
    today = timezone.localdate()
    lot = make_lot("CL-1")
    for mrn, days in (("RV000101", 40), ("RV000102", 35)):
        patient = person(riverside, mrn, mrn)
        lesion(patient, make_session(patient, today - dt.timedelta(days=days), lot), lot, today)
    SignalState.objects.filter(clinic=riverside).delete()
    # when Today asks for the count before run-due has run, then the signals are counted
    # (never "no signal" for want of a state) and the state is stored for the next request
    assert signal_state.active_count(riverside, today) == 2
    assert _stored(riverside) == _fresh(riverside)
