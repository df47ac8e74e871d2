"""Parsing and validating one cell of a bundle (pure Python).

Cells are not trimmed: a value with leading or trailing spaces is refused rather than
guessed at, because ``"Aqualyx "`` and ``"Aqualyx"`` would otherwise become two products
and ``" P1"`` a second patient.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import ROUND_DOWN, Decimal, InvalidOperation
from typing import Any

from mesoclinic.registry.bundle_format import EARLIEST_DATE, ID_MAX_LENGTH, Column, Kind

_INTEGER = re.compile(r"-?[0-9]+")
_DECIMAL = re.compile(r"-?[0-9]+(?:\.[0-9]+)?")
_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
# ISO 4217 alphabetic codes are three upper-case letters (EUR, GBP, USD). The format is
# checked; no list of currencies ships with the project to check membership against.
_CURRENCY = re.compile(r"[A-Z]{3}")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")

Parsed = tuple[Any, str | None]  # (typed value or None, what was expected when invalid)


def _codes_text(codes: tuple[str, ...]) -> str:
    return "one of " + ", ".join(codes)


def _number_text(column: Column, maximum: Decimal | None, whole: bool) -> str:
    noun = "a whole number" if whole else "a decimal number"
    parts = []
    if column.minimum is not None and maximum is not None:
        parts.append(f"from {column.minimum} to {maximum}")
    elif column.minimum is not None:
        parts.append(
            f"greater than {column.minimum}"
            if column.minimum_exclusive
            else f"of at least {column.minimum}"
        )
    if not whole and column.max_places:
        parts.append(f"with at most {column.max_places} decimal places")
    return " ".join([noun, *parts])


def parse_cell(column: Column, raw: str, today: dt.date) -> Parsed:
    """Validate ``raw`` for ``column``; return its typed value or what was expected."""
    if raw == "":
        if column.required:
            return None, f"{describe(column, today)} (required)"
        return None, None
    kind = column.kind
    if kind is Kind.ID:
        if len(raw) > ID_MAX_LENGTH or raw != raw.strip() or _CONTROL.search(raw):
            return None, (
                f"an id of at most {ID_MAX_LENGTH} characters without leading or trailing spaces"
            )
        return raw, None
    if kind is Kind.CODE:
        return (raw, None) if raw in column.codes else (None, _codes_text(column.codes))
    if kind is Kind.TEXT:
        if len(raw) > column.max_length or raw != raw.strip() or _CONTROL.search(raw):
            return None, (
                f"text of at most {column.max_length} characters on one line, "
                "without leading or trailing spaces"
            )
        return raw, None
    if kind is Kind.BOOLEAN:
        if raw in ("true", "false"):
            return raw == "true", None
        return None, "true or false"
    if kind is Kind.CURRENCY:
        if _CURRENCY.fullmatch(raw):
            return raw, None
        return None, "a three-letter ISO 4217 currency code in capitals, such as EUR"
    if kind is Kind.DATE:
        return _parse_date(column, raw, today)
    if kind is Kind.INTEGER:
        return _parse_integer(column, raw, today)
    return _parse_decimal(column, raw)


def describe(column: Column, today: dt.date) -> str:
    """What a valid value of ``column`` looks like, in words."""
    kind = column.kind
    if kind is Kind.ID:
        return f"an id of at most {ID_MAX_LENGTH} characters"
    if kind is Kind.CODE:
        return _codes_text(column.codes)
    if kind is Kind.TEXT:
        return f"text of at most {column.max_length} characters"
    if kind is Kind.BOOLEAN:
        return "true or false"
    if kind is Kind.CURRENCY:
        return "a three-letter ISO 4217 currency code such as EUR"
    if kind is Kind.DATE:
        return _date_text(column, today)
    if kind is Kind.INTEGER:
        return _number_text(column, _maximum(column, today), whole=True)
    return _number_text(column, column.maximum, whole=False)


def _maximum(column: Column, today: dt.date) -> Decimal | None:
    # birth_year runs to the current year, which only the caller's ``today`` knows.
    if column.name == "birth_year":
        return Decimal(today.year)
    return column.maximum


def _date_text(column: Column, today: dt.date) -> str:
    text = f"a real date YYYY-MM-DD from {EARLIEST_DATE.isoformat()}"
    if column.not_in_future:
        text += f" to today ({today.isoformat()})"
    return text


def _parse_date(column: Column, raw: str, today: dt.date) -> Parsed:
    if not _DATE.fullmatch(raw):
        return None, _date_text(column, today)
    try:
        value = dt.date.fromisoformat(raw)
    except ValueError:
        return None, _date_text(column, today)
    if value < EARLIEST_DATE or (column.not_in_future and value > today):
        return None, _date_text(column, today)
    return value, None


def _parse_integer(column: Column, raw: str, today: dt.date) -> Parsed:
    expected = _number_text(column, _maximum(column, today), whole=True)
    if not _INTEGER.fullmatch(raw):
        return None, expected
    value = int(raw)
    if not _in_range(column, Decimal(value), _maximum(column, today)):
        return None, expected
    return value, None


def _parse_decimal(column: Column, raw: str) -> Parsed:
    expected = _number_text(column, column.maximum, whole=False)
    if not _DECIMAL.fullmatch(raw):
        return None, f"{expected}, written with '.' and no thousands separators"
    try:
        value = Decimal(raw)
    except InvalidOperation:  # pragma: no cover - the pattern admits only valid numbers
        return None, expected
    if not _in_range(column, value, column.maximum):
        return None, expected
    if column.max_places:
        fraction = raw.partition(".")[2].rstrip("0")
        places = len(fraction)
        whole = abs(value).to_integral_value(rounding=ROUND_DOWN)
        whole_digits = len(str(int(whole))) if whole else 0
        if places > column.max_places:
            return None, expected
        if column.max_digits and whole_digits > column.max_digits - column.max_places:
            return None, (
                f"{expected} and at most {column.max_digits - column.max_places} "
                "digits before the point"
            )
    if value == 0:
        value = Decimal(0)  # "-0" and "0.00" are zero
    return value, None


def _in_range(column: Column, value: Decimal, maximum: Decimal | None) -> bool:
    if column.minimum is not None:
        if column.minimum_exclusive and value <= column.minimum:
            return False
        if value < column.minimum:
            return False
    return maximum is None or value <= maximum
