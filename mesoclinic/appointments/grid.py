"""The calendar grid: day and week views, per practitioner or per room.

A view is columns (the practitioners or rooms of a day, or the seven days of one practitioner
or room) by rows of ``SLOT_MINUTES`` slots from ``DAY_START`` to ``DAY_END`` in the clinic's
zone. Its appointments are read in one query (with patient and type joined) and placed in
Python, so the page costs the same queries for 5 appointments or 5,000.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.utils import timezone

from mesoclinic.appointments.choices import ResourceKind
from mesoclinic.appointments.forms import bookable_members
from mesoclinic.appointments.models import Appointment, Resource
from mesoclinic.clinics.models import Clinic, Membership

SLOT_MINUTES = 30
DAY_START = dt.time(8, 0)
DAY_END = dt.time(20, 0)


@dataclass
class Cell:
    """One slot of one column: the appointments starting in it, and whether an earlier one
    still runs through it (then it is not free)."""

    starts_at: dt.datetime
    column: int
    appointments: list[Appointment] = field(default_factory=list)
    busy: bool = False
    # The booking form's query for this slot's practitioner or room ("practitioner=<id>").
    owner: str = ""

    @property
    def free(self) -> bool:
        return not self.appointments and not self.busy


@dataclass
class Column:
    label: str
    day: dt.date
    practitioner: Membership | None = None
    room: Resource | None = None


@dataclass
class Grid:
    columns: list[Column]
    rows: list[tuple[dt.time, list[Cell]]]
    count: int


def parse_day(value: str | None, clinic: Clinic) -> dt.date:
    try:
        return dt.date.fromisoformat(value or "")
    except ValueError:
        return clinic.today()


def parse_uuid(value: str | None) -> uuid.UUID | None:
    try:
        return uuid.UUID(value or "")
    except ValueError:
        return None


def week_start(day: dt.date) -> dt.date:
    return day - dt.timedelta(days=day.weekday())


def slot_times() -> list[dt.time]:
    times, minutes = [], DAY_START.hour * 60 + DAY_START.minute
    end = DAY_END.hour * 60 + DAY_END.minute
    while minutes < end:
        times.append(dt.time(minutes // 60, minutes % 60))
        minutes += SLOT_MINUTES
    return times


def build_grid(
    clinic: Clinic,
    appointments: Any,
    columns: list[Column],
    by: str,
) -> Grid:
    """Place ``appointments`` (a queryset already limited to the columns' range) in a grid;
    ``by`` is "practitioner", "room" or "day" (a week of one practitioner or room)."""
    zone = clinic.zone
    times = slot_times()
    index: dict[Any, int] = {}
    for number, column in enumerate(columns):
        key = column.day if by == "day" else (column.practitioner or column.room)
        index[getattr(key, "pk", key)] = number
    owners = [
        f"practitioner={c.practitioner.public_id}"
        if c.practitioner is not None
        else f"room={c.room.public_id}"
        if c.room is not None
        else ""
        for c in columns
    ]
    cells: dict[tuple[int, int], Cell] = {}
    rows = []
    for row, time in enumerate(times):
        line = []
        for number, column in enumerate(columns):
            start = dt.datetime.combine(column.day, time, tzinfo=zone)
            cell = Cell(start, number, owner=owners[number])
            cells[(number, row)] = cell
            line.append(cell)
        rows.append((time, line))
    placed: dict[int, list[Appointment]] = defaultdict(list)
    count = 0
    first = DAY_START.hour * 60 + DAY_START.minute
    for appointment in appointments:
        local = timezone.localtime(appointment.starts_at, zone)
        end = timezone.localtime(appointment.ends_at, zone)
        column_key: Any
        if by == "day":
            column_key = local.date()
        elif by == "room":
            column_key = appointment.room_id
        else:
            column_key = appointment.practitioner_id
        found = index.get(column_key)
        if found is None:
            continue
        number = found
        count += 1
        start_minutes = local.hour * 60 + local.minute - first
        row = max(start_minutes // SLOT_MINUTES, 0)
        if row >= len(times):
            continue
        cells[(number, row)].appointments.append(appointment)
        placed[number].append(appointment)
        end_minutes = (end.hour * 60 + end.minute - first) if end.date() == local.date() else 10**6
        for later in range(row + 1, len(times)):
            if later * SLOT_MINUTES >= end_minutes:
                break
            cells[(number, later)].busy = True
    return Grid(columns, rows, count)


def day_columns(clinic: Clinic, day: dt.date, by: str) -> list[Column]:
    if by == "room":
        rooms = Resource.objects.for_clinic(clinic).filter(kind=ResourceKind.ROOM, is_active=True)
        return [Column(r.name, day, room=r) for r in rooms]
    return [Column(m.display_name, day, practitioner=m) for m in bookable_members(clinic)]


def week_columns(
    start: dt.date, practitioner: Membership | None, room: Resource | None
) -> list[Column]:
    return [
        Column("", start + dt.timedelta(days=n), practitioner=practitioner, room=room)
        for n in range(7)
    ]
