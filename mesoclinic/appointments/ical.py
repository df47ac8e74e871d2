"""A practitioner's appointments as an iCalendar (RFC 5545) feed: a VCALENDAR of VEVENTs in
UTC, written by the ``icalendar`` library (line folding at 75 octets, CRLF, text escaping and
the required properties are its job, not ours).

No patient is named: each event says only "Booked" and the appointment type, and the room,
so a phone's calendar shows the day without holding patient data.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

import icalendar
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.translation import gettext

from mesoclinic.appointments.models import Appointment
from mesoclinic.appointments.tokens import resolve_feed
from mesoclinic.audit.choices import Action
from mesoclinic.audit.services import record

# How far the feed reaches: the recent past (yesterday's list) and the coming weeks.
PAST = dt.timedelta(days=7)
AHEAD = dt.timedelta(days=90)


def calendar_bytes(appointments: Iterable[Appointment], now: dt.datetime, name: str) -> bytes:
    calendar = icalendar.Calendar()
    calendar.add("prodid", "-//mesoclinic//appointments//EN")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", name)
    for appointment in appointments:
        event = icalendar.Event()
        event.add("uid", f"{appointment.public_id}@mesoclinic")
        event.add("dtstamp", now.astimezone(dt.UTC))
        event.add("dtstart", appointment.starts_at.astimezone(dt.UTC))
        event.add("dtend", appointment.ends_at.astimezone(dt.UTC))
        event.add("summary", gettext("Booked: %(type)s") % {"type": appointment.appointment_type.name})  # fmt: skip
        if appointment.room is not None:
            event.add("location", appointment.room.name)
        calendar.add_component(event)
    return bytes(calendar.to_ical())


def feed(request: HttpRequest, token: str) -> HttpResponse:
    found = resolve_feed(token)
    if found is None:
        return HttpResponse(status=404)
    now = timezone.now()
    appointments = (
        Appointment.objects.for_clinic(found.practitioner.clinic)
        .active()
        .filter(practitioner=found.practitioner)
        .overlapping(now - PAST, now + AHEAD)
        .select_related("appointment_type", "room")
    )
    record(None, Action.LIST, clinic=found.practitioner.clinic, detail="calendar feed read")
    body = calendar_bytes(appointments, now, found.practitioner.clinic.name)
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Cache-Control"] = "private, no-store"
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response
