"""The practitioner's iCalendar feed: no patient named, and it stops when revoked."""

from __future__ import annotations

import pytest
from django.urls import reverse

from mesoclinic.appointments.ical import fold
from mesoclinic.appointments.tokens import issue_feed

pytestmark = pytest.mark.django_db


def test_it_serves_the_practitioners_appointments_without_patient_names(booked, alice, client):
    booked()
    token = issue_feed(alice)
    response = client.get(f"/ical/{token}.ics")
    body = response.content.decode()
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    assert body.startswith("BEGIN:VCALENDAR\r\nVERSION:2.0\r\n")
    assert "SUMMARY:Booked: Treatment session" in body
    assert "LOCATION:Room 1" in body
    assert "Maria" not in body
    assert "Lopez" not in body
    assert "RV000001" not in body


def test_it_stops_serving_a_revoked_or_changed_address(alice, client, login):
    token = issue_feed(alice)
    assert client.get(f"/ical/{token}x.ics").status_code == 404
    login(alice).post(reverse("appointments:feed"), {"action": "revoke"})
    assert client.get(f"/ical/{token}.ics").status_code == 404


def test_it_folds_long_lines_at_75_octets_without_splitting_a_character():
    line = "SUMMARY:" + "é" * 80
    folded = fold(line).split("\r\n ")
    assert all(len(part.encode()) <= 75 for part in folded)
    assert "".join(folded) == line
