"""A practitioner's appointments as an iCalendar (RFC 5545) feed, written by hand: a VCALENDAR
of VEVENTs in UTC, lines ended by CRLF and folded at 75 octets, text escaped (§3.1, §3.3.11).

No patient is named: each event says only "Booked" and the appointment type, and the room,
so a phone's calendar shows the day without holding patient data.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

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


def escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,").replace("\n", "\\n")


def fold(line: str) -> str:
    """Fold a content line into pieces of at most 75 octets (RFC 5545 §3.1)."""
    data = line.encode()
    pieces, start, limit = [], 0, 75
    while len(data) - start > limit:
        end = start + limit
        while end > start and (data[end] & 0xC0) == 0x80:  # never split a UTF-8 character
            end -= 1
        pieces.append(data[start:end].decode())
        start, limit = end, 74  # continuation lines start with a space
    pieces.append(data[start:].decode())
    return "\r\n ".join(pieces)


def _stamp(moment: dt.datetime) -> str:
    return moment.astimezone(dt.UTC).strftime("%Y%m%dT%H%M%SZ")


def calendar_text(appointments: Iterable[Appointment], now: dt.datetime, name: str) -> str:
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//mesoclinic//appointments//EN",
        "CALSCALE:GREGORIAN",
        f"X-WR-CALNAME:{escape(name)}",
    ]
    for appointment in appointments:
        summary = gettext("Booked: %(type)s") % {"type": appointment.appointment_type.name}
        lines += [
            "BEGIN:VEVENT",
            f"UID:{appointment.public_id}@mesoclinic",
            f"DTSTAMP:{_stamp(now)}",
            f"DTSTART:{_stamp(appointment.starts_at)}",
            f"DTEND:{_stamp(appointment.ends_at)}",
            f"SUMMARY:{escape(summary)}",
        ]
        if appointment.room is not None:
            lines.append(f"LOCATION:{escape(appointment.room.name)}")
        lines += ["END:VEVENT"]
    lines.append("END:VCALENDAR")
    return "".join(fold(line) + "\r\n" for line in lines)


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
    text = calendar_text(appointments, now, found.practitioner.clinic.name)
    response = HttpResponse(text, content_type="text/calendar; charset=utf-8")
    response["Cache-Control"] = "private, no-store"
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response
