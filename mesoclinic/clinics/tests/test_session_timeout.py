"""Automatic logoff: a sign-in ends after the clinic's idle period without a request and after
the absolute lifetime, whatever the activity; every request but the page's own "how long have
I left?" counts as activity (recorded at most every ACTIVITY_STEP_SECONDS, so that a run of
requests saves the session once).

Time passes here by moving the session's recorded times into the past, as the server would
find them after a real wait.
"""

from __future__ import annotations

import time

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from mesoclinic.audit.models import AuditEvent
from mesoclinic.clinics.models import Clinic, Membership
from mesoclinic.clinics.session_timeout import LAST_ACTIVITY_AT, SIGNED_IN_AT
from tests.second_step import sign_in

pytestmark = pytest.mark.django_db

TODAY = reverse("today")
PATIENTS = reverse("patients:list")
LOGIN = reverse("login")


def _signed_in(membership: Membership) -> Client:
    client = Client()
    sign_in(client, membership.user)
    return client


def _rewind(
    client: Client, *, idle_minutes: float = 0, signed_in_minutes: float | None = None
) -> None:
    """As if the last request was ``idle_minutes`` ago (and the sign-in that long, or
    ``signed_in_minutes``, ago)."""
    session = client.session
    now = time.time()
    session[LAST_ACTIVITY_AT] = now - idle_minutes * 60
    signed_in = idle_minutes if signed_in_minutes is None else signed_in_minutes
    session[SIGNED_IN_AT] = now - signed_in * 60
    session.save()


def _is_signed_in(client: Client) -> bool:
    return client.get(TODAY).status_code == 200


def test_it_signs_out_a_member_idle_longer_than_the_default_fifteen_minutes(alice):
    # given alice signed in and made her last request 16 minutes ago
    client = _signed_in(alice)
    _rewind(client, idle_minutes=16)
    # when she opens the patient list
    response = client.get(PATIENTS)
    # then she is sent to sign in again, back to that page afterwards, and told why
    assert response.status_code == 302
    assert response["Location"] == f"{LOGIN}?next=%2Fpatients%2F"
    page = client.get(response["Location"]).content.decode()
    assert "You were signed out after 15 minutes without activity." in page
    # and she is signed out for good
    assert not _is_signed_in(client)


def test_it_lets_activity_extend_the_sign_in(alice):
    # given alice's last request was 10 minutes ago, 10 minutes after she signed in
    client = _signed_in(alice)
    _rewind(client, idle_minutes=10, signed_in_minutes=20)
    # when she opens a page, and 10 more minutes pass before the next one
    assert client.get(PATIENTS).status_code == 200
    _rewind(client, idle_minutes=10, signed_in_minutes=30)
    # then she is still signed in: 20 minutes since the first rewind, 10 since her activity
    assert _is_signed_in(client)


def test_it_uses_the_clinics_own_idle_period(alice, charlie, riverside):
    # given Riverside signs out after 5 minutes; Hilltop keeps the default 15
    Clinic.objects.filter(pk=riverside.pk).update(idle_timeout_seconds=5 * 60)
    at_riverside, at_hilltop = _signed_in(alice), _signed_in(charlie)
    # when both were idle for 6 minutes
    _rewind(at_riverside, idle_minutes=6)
    _rewind(at_hilltop, idle_minutes=6)
    # then alice is signed out, with the clinic's period in the message, and charlie is not
    response = at_riverside.get(TODAY, follow=True)
    assert response.redirect_chain[-1][0].startswith(LOGIN)
    assert "after 5 minutes without activity" in response.content.decode()
    assert _is_signed_in(at_hilltop)


def test_it_ends_a_sign_in_at_the_absolute_lifetime_however_active(alice, settings):
    # given sign-ins last 8 hours at most, and alice signed in 8 hours and a minute ago but
    # made a request a moment ago
    settings.SESSION_COOKIE_AGE = 8 * 3600
    client = _signed_in(alice)
    _rewind(client, idle_minutes=0, signed_in_minutes=8 * 60 + 1)
    # when she opens a page
    response = client.get(TODAY, follow=True)
    # then she signs in again, and is told it was the longest a sign-in may last
    assert response.redirect_chain[-1][0].startswith(LOGIN)
    assert "at the end of the longest time a sign-in may last" in response.content.decode()


def test_it_does_not_save_a_form_posted_after_the_sign_out(ada, riverside):
    # given ada left the settings page open for 20 minutes
    client = _signed_in(ada)
    _rewind(client, idle_minutes=20)
    # when she posts a change
    response = client.post(
        reverse("clinic_settings"),
        {
            "name": "Renamed",
            "time_zone": riverside.time_zone,
            "currency": riverside.currency,
            "screening_valid_months": 12,
            "idle_timeout_minutes": 15,
            "version": riverside.version,
        },
    )
    # then nothing is saved and she is asked to sign in, to come back to the page
    assert response.status_code == 302
    assert response["Location"] == f"{LOGIN}?next=%2Fclinic%2Fsettings%2F"
    riverside.refresh_from_db()
    assert riverside.name == "Riverside Aesthetics"
    assert not AuditEvent.objects.filter(object_type="clinic").exists()


def test_it_tells_htmx_to_go_to_the_sign_in_page(alice):
    # given alice was idle too long on the patient list
    client = _signed_in(alice)
    _rewind(client, idle_minutes=16)
    # when its live search asks for results
    response = client.post(PATIENTS, {"q": "Lopez"}, HTTP_HX_REQUEST="true")
    # then htmx is told to load the sign-in page instead of swapping a fragment in
    assert response.status_code == 200
    assert response["HX-Redirect"] == f"{LOGIN}?next=%2Fpatients%2F"
    assert response.content == b""


def test_it_answers_how_long_is_left_without_counting_the_question_as_activity(alice):
    # given alice's last request was 10 minutes ago
    client = _signed_in(alice)
    _rewind(client, idle_minutes=10)
    before = client.session[LAST_ACTIVITY_AT]
    # when her page asks how long is left
    answer = client.get(reverse("session_time_left")).json()
    # then it is about 5 of the 15 minutes, the warning comes 2 minutes before the end, and
    # asking did not restart the clock
    assert 290 <= answer["remaining_seconds"] <= 300
    assert answer["warning_seconds"] == 120
    assert answer["signed_in"] is True
    assert answer["extendable"] is True
    assert client.session[LAST_ACTIVITY_AT] == before


def test_it_restarts_the_clock_when_the_member_chooses_to_stay_signed_in(alice):
    # given alice's page warns her: 14 minutes idle
    client = _signed_in(alice)
    _rewind(client, idle_minutes=14)
    # when she presses "Stay signed in"
    answer = client.post(reverse("session_keep_alive")).json()
    # then she has the full 15 minutes again
    assert 890 <= answer["remaining_seconds"] <= 900
    assert client.get(reverse("session_time_left")).json()["remaining_seconds"] >= 890


def test_it_answers_signed_out_to_a_page_whose_sign_in_has_ended(alice):
    # given alice was idle for 16 minutes
    client = _signed_in(alice)
    _rewind(client, idle_minutes=16)
    # when her page asks, or tries to keep the sign-in alive
    asked = client.get(reverse("session_time_left"))
    kept = client.post(reverse("session_keep_alive"))
    # then both are told she is signed out, and nothing revives the sign-in
    assert asked.status_code == kept.status_code == 401
    assert asked.json()["signed_in"] is False
    assert not _is_signed_in(client)


def test_it_starts_the_clock_at_a_real_sign_in(alice):
    # given alice signs in with the form
    client = Client()
    before = time.time()
    client.post(LOGIN, {"username": "alice", "password": "correct horse battery staple"})
    # then the session knows when, and the page carries the clinic's idle period for its banner
    assert client.session[SIGNED_IN_AT] >= before
    # (the page the sign-in leads to: alice is sent on to set up her second step)
    page = client.get(TODAY, follow=True).content.decode()
    assert 'data-idle-seconds="900"' in page
    assert 'data-warning-seconds="120"' in page


def test_it_saves_the_session_once_for_a_run_of_requests(alice):
    # given alice signed in, her last request 10 minutes ago
    client = _signed_in(alice)
    _rewind(client, idle_minutes=10)
    # when she opens the patient list twice in a row
    client.get(PATIENTS)
    restarted = client.session[LAST_ACTIVITY_AT]
    with CaptureQueriesContext(connection) as queries:
        client.get(PATIENTS)
    # then the first request restarted the clock; the second neither moved it nor wrote
    # the session row
    assert restarted > time.time() - 60
    assert client.session[LAST_ACTIVITY_AT] == restarted
    writes = [q["sql"] for q in queries.captured_queries if q["sql"].startswith("UPDATE")]
    assert not [sql for sql in writes if "django_session" in sql]
