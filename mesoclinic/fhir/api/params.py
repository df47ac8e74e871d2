"""Parsing FHIR search values (R4 §3.1.1.5): dates with prefixes, tokens, references.

Each parser raises ``FhirError(400)`` for a value it cannot read, with a message that repeats
no more of the value than its shape (a search value may be a patient's name or birth date)."""

from __future__ import annotations

import datetime as dt
import re
import uuid
import zoneinfo
from dataclasses import dataclass

from django.db.models import Q

from mesoclinic.fhir.api.outcome import FhirError

PREFIXES = ("eq", "ne", "gt", "lt", "ge", "le")
_DATE = re.compile(
    r"^(?P<y>\d{4})(?:-(?P<m>\d{2})(?:-(?P<d>\d{2})"
    r"(?:T(?P<H>\d{2}):(?P<M>\d{2})(?::(?P<S>\d{2})(?:\.\d+)?)?"
    r"(?P<tz>Z|[+-]\d{2}:\d{2})?)?)?)?$"
)


@dataclass(frozen=True)
class DateValue:
    """A searched date: the prefix and the range the value stands for, [start, end)."""

    prefix: str
    start: dt.datetime
    end: dt.datetime


def _zone(text: str | None, default: dt.tzinfo) -> dt.tzinfo:
    if text is None:
        return default
    if text == "Z":
        return dt.UTC
    sign = 1 if text[0] == "+" else -1
    return dt.timezone(sign * dt.timedelta(hours=int(text[1:3]), minutes=int(text[4:6])))


def parse_date(name: str, text: str, zone: dt.tzinfo | str) -> DateValue:
    """``ge2026-11-01``, ``2026-11``, ``lt2026-11-01T10:00:00Z``: a date without a time is a
    whole day (month, year) in ``zone``, the clinic's."""
    tz = zoneinfo.ZoneInfo(zone) if isinstance(zone, str) else zone
    prefix = "eq"
    if text[:2] in PREFIXES:
        prefix, text = text[:2], text[2:]
    elif text[:2].isalpha():
        raise FhirError(400, f"{name}: unknown prefix; use one of {', '.join(PREFIXES)}.")
    match = _DATE.match(text)
    if not match:
        raise FhirError(400, f"{name}: not a FHIR date (YYYY, YYYY-MM, YYYY-MM-DD or a dateTime).")
    try:
        year = int(match["y"])
        if match["m"] is None:
            start = dt.datetime(year, 1, 1, tzinfo=tz)
            end = (
                dt.datetime(year + 1, 1, 1, tzinfo=tz)
                if year < 9999
                else dt.datetime.max.replace(tzinfo=tz)
            )
        elif match["d"] is None:
            start = dt.datetime(year, int(match["m"]), 1, tzinfo=tz)
            nxt = start + dt.timedelta(days=32)
            end = dt.datetime(nxt.year, nxt.month, 1, tzinfo=tz)
        elif match["H"] is None:
            start = dt.datetime(year, int(match["m"]), int(match["d"]), tzinfo=tz)
            end = start + dt.timedelta(days=1)
        else:
            seconds = match["S"]
            start = dt.datetime(
                year,
                int(match["m"]),
                int(match["d"]),
                int(match["H"]),
                int(match["M"]),
                int(seconds or 0),
                tzinfo=_zone(match["tz"], tz),
            )
            end = start + (dt.timedelta(seconds=1) if seconds else dt.timedelta(minutes=1))
    except (ValueError, OverflowError):
        raise FhirError(400, f"{name}: not a real date.") from None
    return DateValue(prefix, start, end)


def _day(moment: dt.datetime, tz: dt.tzinfo, *, end: bool) -> dt.date:
    local = moment.astimezone(tz)
    # An exclusive end at midnight ends the day before; any later time includes its day.
    if end and local.time() != dt.time(0):
        return local.date() + dt.timedelta(days=1)
    return local.date()


def date_q(lookup: str, value: DateValue, *, day: bool, zone: dt.tzinfo | str) -> Q:
    """The rows whose ``lookup`` (a datetime, or a date when ``day``) is in the searched range
    as the prefix says; the stored value is a point in time (or one whole day)."""
    tz = zoneinfo.ZoneInfo(zone) if isinstance(zone, str) else zone
    low: dt.date | dt.datetime = value.start
    high: dt.date | dt.datetime = value.end
    if day:
        low, high = _day(value.start, tz, end=False), _day(value.end, tz, end=True)
    within = Q(**{f"{lookup}__gte": low, f"{lookup}__lt": high})
    return {
        "eq": within,
        "ne": ~within,
        "gt": Q(**{f"{lookup}__gte": high}),
        "ge": Q(**{f"{lookup}__gte": low}),
        "lt": Q(**{f"{lookup}__lt": low}),
        "le": Q(**{f"{lookup}__lt": high}),
    }[value.prefix]


@dataclass(frozen=True)
class Token:
    """``system|code``: system None when not given (any system), "" for ``|code`` (none)."""

    system: str | None
    code: str | None


def parse_token(name: str, text: str) -> Token:
    if not text:
        raise FhirError(400, f"{name}: an empty value searches nothing.")
    if "|" not in text:
        return Token(None, text)
    system, _, code = text.partition("|")
    return Token(system, code or None)


def parse_reference(name: str, text: str, resource_type: str) -> uuid.UUID:
    """``Patient/<id>``, ``<id>`` or an absolute ``…/Patient/<id>`` as the id (a UUID)."""
    value = text
    if "/" in text:
        head, _, value = text.rstrip("/").rpartition("/")
        if head.rpartition("/")[2] != resource_type:
            raise FhirError(400, f"{name}: must reference a {resource_type}.")
    try:
        return uuid.UUID(value)
    except ValueError:
        raise FhirError(400, f"{name}: not a {resource_type} id.") from None


def split_or(text: str) -> list[str]:
    """A value's comma-separated alternatives (R4 §3.1.1.4.2), ``\\,`` kept as a comma."""
    parts = re.split(r"(?<!\\),", text)
    return [p.replace("\\,", ",") for p in parts]
