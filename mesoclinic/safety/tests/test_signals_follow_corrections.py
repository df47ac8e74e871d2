"""Safety signals count the lot a line was corrected to: the cluster and the patients found
exposed are those of the lot actually used."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from mesoclinic.clinics.models import Clinic
from mesoclinic.safety.signal_data import detect_for_clinic
from mesoclinic.safety.signals import Signal
from mesoclinic.treatments.corrections import correct_line
from mesoclinic.treatments.models import Injection
from mesoclinic.treatments.tests.correction_helpers import changed

from .test_signals_views import lesion, person

pytestmark = pytest.mark.django_db


@pytest.fixture
def recorded_wrong(riverside, make_lot, make_session):
    """Two late nodules after sessions whose line names lot OLD-1 (the events do not name a
    lot), and a third patient given OLD-1; all three vials were really lot NEW-1."""
    today = timezone.localdate()
    old, new = make_lot("OLD-1"), make_lot("NEW-1")
    sessions = []
    for mrn, name, days in (("RV000101", "Fiona", 40), ("RV000102", "Greta", 35)):
        patient = person(riverside, mrn, name)
        session = make_session(patient, today - dt.timedelta(days=days), old)
        lesion(patient, session, None, today - dt.timedelta(days=1))
        sessions.append(session)
    sessions.append(
        make_session(person(riverside, "RV000103", "Hana"), today - dt.timedelta(days=20), old)
    )
    for session in sessions:
        type(session).objects.filter(pk=session.pk).update(signed_at=timezone.now())
    return old, new, sessions


def _lot_signals(clinic: Clinic) -> dict[str, Signal]:
    return {s.key: s for s in detect_for_clinic(clinic) if s.kind == "lot"}


def test_it_moves_the_lot_signal_and_its_exposed_patients_to_the_corrected_lot(
    riverside, alice, recorded_wrong
):
    # given the cluster shows on the lot first recorded
    old, new, sessions = recorded_wrong
    assert set(_lot_signals(riverside)) == {str(old.pk)}
    # when every line is corrected to the lot really used
    for session in sessions:
        line = Injection.objects.get(session=session)
        correct_line(line, alice, "Vial labels checked", changed(line, lot=new))
    # then the signal is on NEW-1, with both cases and Hana found exposed, and none on OLD-1
    signals = _lot_signals(riverside)
    assert set(signals) == {str(new.pk)}
    signal = signals[str(new.pk)]
    assert sorted(c.patient_id for c in signal.cases) == ["RV000101", "RV000102"]
    assert sorted(signal.exposed) == ["RV000103"]


def test_it_shows_the_corrected_lot_on_the_dashboard(login, alice, riverside, recorded_wrong):
    # given every line corrected to NEW-1
    _, new, sessions = recorded_wrong
    for session in sessions:
        line = Injection.objects.get(session=session)
        correct_line(
            line, alice, "Vial labels checked", changed(line, lot=new, volume_ml=Decimal(2))
        )
    # when the dashboard is opened
    page = login(alice).get(reverse("safety:signals")).content.decode()
    # then the lot signal names NEW-1 and not OLD-1
    assert "lot NEW-1" in page
    assert "lot OLD-1" not in page
