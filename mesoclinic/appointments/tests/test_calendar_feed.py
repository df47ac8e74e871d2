"""The practitioner's iCalendar feed: no patient named, and it stops when revoked."""

from __future__ import annotations

import icalendar
import pytest
from django.urls import reverse

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


def test_it_gives_a_calendar_a_calendar_reader_reads_back(booked, alice, client):
    # given a booking whose room name is long and accented (folded and escaped by the writer)
    appointment = booked()
    appointment.room.name = "Salle de soins n° 2, près de l'accueil; " * 2  # folded: over 75 octets
    appointment.room.save()
    token = issue_feed(alice)
    # when the feed is read by a calendar parser
    parsed = icalendar.Calendar.from_ical(client.get(f"/ical/{token}.ics").content)
    (event,) = parsed.walk("VEVENT")
    # then the event has the booking's times and room, exactly
    assert event.decoded("dtstart") == appointment.starts_at
    assert str(event["location"]) == appointment.room.name
    assert str(event["uid"]) == f"{appointment.public_id}@mesoclinic"
