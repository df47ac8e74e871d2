"""The chart's timeline shows the recent history and adds older years on demand."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from mesoclinic.clinics.models import Membership
from mesoclinic.patients.models import Patient
from mesoclinic.treatments.models import TreatmentSession
from mesoclinic.workspace.timeline import RECENT_ENTRIES

pytestmark = pytest.mark.django_db


def _sessions(patient: Patient, alice: Membership, count: int) -> list[TreatmentSession]:
    """One draft session every 30 days back from yesterday, newest first."""
    noon = patient.clinic.start_of_day(patient.clinic.today()) + dt.timedelta(hours=12)
    return [
        TreatmentSession.objects.create(
            clinic=patient.clinic,
            patient=patient,
            indication="localized_fat",
            protocol=f"course {n}",
            performed_at=noon - dt.timedelta(days=1 + 30 * n),
            practitioner=alice.user,
        )
        for n in range(count)
    ]


def _link(session: TreatmentSession) -> str:
    return reverse("treatments:detail", args=[session.public_id])


def test_it_shows_a_short_history_whole_however_old(login, alice, patient):
    # given a patient whose few sessions are all more than a year old
    sessions = _sessions(patient, alice, 16)[13:]
    # when the chart is shown
    body = login(alice).get(reverse("patient_chart", args=[patient.public_id])).content.decode()
    # then every session is on it, and there is no "older" link
    assert all(_link(s) in body for s in sessions)
    assert "Show the year before" not in body


def test_it_shows_the_recent_year_and_links_to_the_year_before(login, alice, patient):
    # given a patient with a session every 30 days for nearly two years
    sessions = _sessions(patient, alice, RECENT_ENTRIES + 4)
    url = reverse("patient_chart", args=[patient.public_id])
    client = login(alice)
    # when the chart is shown
    body = client.get(url).content.decode()
    # then the newest entries are on it, the oldest not, and a plain link asks for a year more
    assert _link(sessions[0]) in body
    assert _link(sessions[RECENT_ENTRIES - 1]) in body
    assert _link(sessions[-1]) not in body
    assert 'href="?years=2"' in body
    # and following it without JavaScript gives the whole page with one year more
    whole = client.get(url, {"years": "2"}).content.decode()
    assert _link(sessions[-1]) in whole
    assert "Show the year before" not in whole


def test_it_adds_only_the_year_before_with_htmx(login, alice, patient):
    # given a patient with a session every 30 days for more than three years
    sessions = _sessions(patient, alice, 40)
    url = reverse("patient_chart", args=[patient.public_id])
    client = login(alice)
    shown = client.get(url).content.decode()
    # when the "older" link is followed by htmx
    added = client.get(url, {"years": "2"}, headers={"HX-Request": "true"}).content.decode()
    # then the answer holds only entries not yet shown, and the next link
    newly = [s for s in sessions if _link(s) in added]
    assert newly
    assert not any(_link(s) in shown for s in newly)
    assert "<html" not in added
    assert 'hx-get="?years=3"' in added


def test_it_refuses_no_odd_years_value(login, alice, patient):
    # given a patient with a long history
    _sessions(patient, alice, RECENT_ENTRIES + 10)
    url = reverse("patient_chart", args=[patient.public_id])
    # when the page is asked for nonsense years, then it shows the default window
    for raw in ("x", "-5", "99999999999"):
        assert login(alice).get(url, {"years": raw}).status_code == 200
