"""Today shows, for the user's clinic and role, the open red flags, the overdue check-ins and
the recalled lots with patients still to tell, each with its count, links and an empty state;
charlie at Hilltop sees nothing of Riverside; and the page's queries do not grow with them."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from mesoclinic.aftercare import services as aftercare
from mesoclinic.audit.models import AuditEvent
from mesoclinic.formulary.tests.test_recall import make_patient
from mesoclinic.treatments.tests.conftest import make_lot

from .follow_up import exposed_patients, overdue_check_in, recall, red_flag, session_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def riverside_follow_up(riverside, alice, patient, pcdc, pcdc_lot):
    """Maria has a red flag and an overdue check-in; she and Jon received recalled PC-001."""
    session = session_for(patient, pcdc_lot, alice)
    flag = red_flag(session)
    check_in = overdue_check_in(session)
    jon = make_patient(riverside, "RV000002", "Jon", "Smith")
    session_for(jon, pcdc_lot, alice)
    recall(pcdc_lot)
    return {"flag": flag, "check_in": check_in, "lot": pcdc_lot, "jon": jon}


def _today(client: Client) -> str:
    response = client.get(reverse("today"))
    assert response.status_code == 200
    return response.content.decode()


def _section(page: str) -> str:
    assert 'id="today-follow-up"' in page
    return page.split('id="today-follow-up"', 1)[1].split("</section>", 1)[0]


@pytest.mark.parametrize("persona", ["alice", "nina"])
def test_it_shows_the_three_lists_to_clinical_staff(login, request, persona, riverside_follow_up):
    # given Riverside's open red flag, overdue check-in and recalled lot
    follow_up = riverside_follow_up
    # when the practitioner or the nurse opens Today
    section = _section(_today(login(request.getfixturevalue(persona))))
    # then each list has its count, the patient, and a link to act on it
    assert "1</span> open red flag" in section
    assert "Fever and a hot, spreading swelling" in section
    assert f"/aftercare/#escalation-{follow_up['flag'].public_id}" in section
    assert "1</span> overdue check-in" in section
    assert f"/aftercare/check-ins/{follow_up['check_in'].public_id}/" in section
    assert "Maria Lopez" in section
    assert "1</span> active recall" in section
    assert "PC/DC lot PC-001</a>: 2 of 2 exposed patients not yet told" in section
    assert "/formulary/recall/?lot=PC-001" in section


def test_it_shows_the_admin_the_recalls_only_without_patients(login, ada, riverside_follow_up):
    # when the clinic admin opens Today
    section = _section(_today(login(ada)))
    # then she sees the recall she manages, with counts, and no clinical list or patient
    assert "PC/DC lot PC-001</a>: 2 of 2 exposed patients not yet told" in section
    assert "red flag" not in section
    assert "check-in" not in section
    assert "Maria Lopez" not in section
    assert "RV000001" not in section


def test_it_shows_reception_and_the_researcher_none_of_it(login, bob, rita, riverside_follow_up):
    # when reception and the researcher open Today, then there is no follow-up section
    for member in (bob, rita):
        page = _today(login(member))
        assert 'id="today-follow-up"' not in page
        assert "Fever and a hot" not in page


def test_it_shows_charlie_nothing_of_riverside(login, charlie, riverside_follow_up):
    # when charlie at Hilltop opens Today
    page = _today(login(charlie))
    section = _section(page)
    # then his own clinic's lists are empty, and nothing of Riverside appears
    assert "No open red flag." in section
    assert "No check-in is overdue." in section
    assert "No recalled lot has a patient left to tell." in section
    for secret in ("Maria Lopez", "Jon Smith", "RV000001", "PC-001", "Fever and a hot"):
        assert secret not in page


def test_it_shows_empty_states_when_nothing_needs_following_up(login, alice):
    # when alice opens Today in a quiet clinic
    section = _section(_today(login(alice)))
    # then each list says so, with a count of zero
    assert "0</span> open red flags" in section
    assert "No open red flag." in section
    assert "No check-in is overdue." in section
    assert "No recalled lot has a patient left to tell." in section


def test_it_takes_a_red_flag_off_today_once_closed_with_what_was_done(
    login, alice, riverside_follow_up
):
    # given the open red flag on Today
    client = login(alice)
    assert "1</span> open red flag" in _section(_today(client))
    # when it is closed with what was done
    aftercare.acknowledge(None, riverside_follow_up["flag"], alice, "Seen today, drained")
    # then Today no longer lists it
    section = _section(_today(client))
    assert "0</span> open red flags" in section
    assert "Fever and a hot" not in section


def test_it_audits_today_with_counts_and_never_names(login, alice, riverside_follow_up):
    # when alice opens Today with patients listed
    _today(login(alice))
    # then a list event records the counts, and no patient's name or MRN
    event = AuditEvent.objects.filter(action="list", detail__startswith="today's list").get()
    assert "1 red flags, 1 overdue check-ins" in event.detail
    assert "Maria" not in event.detail
    assert "RV0" not in event.detail


def _today_queries(client: Client) -> int:
    with CaptureQueriesContext(connection) as queries:
        client.get(reverse("today"))
    return len(queries)


@pytest.mark.parametrize("persona", ["alice", "ada"])
def test_it_builds_today_in_a_constant_number_of_queries(
    login, request, persona, riverside, alice, riverside_follow_up, pcdc
):
    # given one red flag, one overdue check-in and one recalled lot
    client = login(request.getfixturevalue(persona))
    _today_queries(client)  # warm Django's per-process caches
    small = _today_queries(client)
    # when the clinic has many more of each: 12 patients with a red flag and an overdue
    # check-in, and three more recalled lots with patients to tell
    for n, person in enumerate(exposed_patients(riverside, riverside_follow_up["lot"], alice, 12)):
        session = person.sessions.get()
        red_flag(session, reason=f"Red flag {n}")
        overdue_check_in(session)
    for n in range(3):
        lot = recall(make_lot(pcdc, f"PC-10{n}"))
        exposed_patients(riverside, lot, alice, 2, start=500 + 10 * n)
    large = _today_queries(client)
    # then Today needs no more queries (no query per row, lot or patient)
    assert large == small
    # and the lists are cut at ten rows, with the full counts given
    section = _section(_today(client))
    if persona == "alice":
        assert "13</span> open red flags" in section
        assert "And 3 more." in section
    assert "4</span> active recalls" in section
