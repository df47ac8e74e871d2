"""Parsing and validating one cell of a bundle (pure Python).

Cells are not trimmed: a value with leading or trailing spaces is refused rather than
guessed at, because ``"Aqualyx "`` and ``"Aqualyx"`` would otherwise become two products
and ``" P1"`` a second patient.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
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
    return cell_parser(column, today)(raw)


def cell_parser(column: Column, today: dt.date) -> Callable[[str], Parsed]:
    """The check of ``column``'s cells, chosen once: a reader applies it to every row."""
    missing, check = cell_checks(column, today)

    def parse(raw: str) -> Parsed:
        return missing if raw == "" else check(raw)

    return parse


def cell_checks(column: Column, today: dt.date) -> tuple[Parsed, Callable[[str], Parsed]]:
    """What an empty cell of ``column`` reads as, and the check of a non-empty one.

    Chosen once per column: what is expected of a cell (the text of its error) depends
    only on the column and ``today``, so it is worded here once rather than for every
    cell read, and a reader can test for the empty cell inline.
    """
    missing: Parsed = (None, f"{describe(column, today)} (required)" if column.required else None)
    return missing, _checker(column, today)


class _Lookup(dict[str, Parsed]):
    """A table of the valid cells' results; any other cell gives the ``fallback``."""

    def __init__(self, valid: dict[str, Parsed], fallback: Parsed) -> None:
        super().__init__(valid)
        self.fallback = fallback

    def __missing__(self, key: str) -> Parsed:
        return self.fallback


def _checker(column: Column, today: dt.date) -> Callable[[str], Parsed]:
    """The check of a non-empty cell of ``column``."""
    kind = column.kind
    if kind is Kind.ID or kind is Kind.TEXT:
        limit = ID_MAX_LENGTH if kind is Kind.ID else column.max_length
        bad: Parsed = (
            None,
            f"an id of at most {ID_MAX_LENGTH} characters without leading or trailing spaces"
            if kind is Kind.ID
            else f"text of at most {column.max_length} characters on one line, "
            "without leading or trailing spaces",
        )
        control = _CONTROL.search

        def text(raw: str) -> Parsed:
            if len(raw) > limit or raw != raw.strip() or control(raw):
                return bad
            return raw, None

        return text
    if kind is Kind.CODE:
        # A lookup in a table is the cheapest check there is, and codes are most cells.
        codes = _Lookup(
            {code: (code, None) for code in column.codes}, (None, _codes_text(column.codes))
        )
        return codes.__getitem__
    if kind is Kind.BOOLEAN:
        booleans = _Lookup({"true": (True, None), "false": (False, None)}, (None, "true or false"))
        return booleans.__getitem__
    if kind is Kind.CURRENCY:
        not_a_currency: Parsed = (
            None,
            "a three-letter ISO 4217 currency code in capitals, such as EUR",
        )
        currency = _CURRENCY.fullmatch
        return lambda raw: (raw, None) if currency(raw) else not_a_currency
    if kind is Kind.DATE:
        return _date_checker(column, today)
    if kind is Kind.INTEGER:
        return _integer_checker(column, today)
    return _decimal_checker(column)


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


def _date_checker(column: Column, today: dt.date) -> Callable[[str], Parsed]:
    not_a_date: Parsed = (None, _date_text(column, today))
    latest = today if column.not_in_future else dt.date.max
    shape = _DATE.fullmatch

    def date(raw: str) -> Parsed:
        if not shape(raw):
            return not_a_date
        try:
            value = dt.date.fromisoformat(raw)
        except ValueError:
            return not_a_date
        if value < EARLIEST_DATE or value > latest:
            return not_a_date
        return value, None

    return date


def _integer_checker(column: Column, today: dt.date) -> Callable[[str], Parsed]:
    maximum = _maximum(column, today)
    bad: Parsed = (None, _number_text(column, maximum, whole=True))
    shape = _INTEGER.fullmatch

    def integer(raw: str) -> Parsed:
        if not shape(raw):
            return bad
        try:
            value = int(raw)
        except ValueError:  # more digits than int() converts (4,300): far out of range
            return bad
        if not _in_range(column, Decimal(value), maximum):
            return bad
        return value, None

    return integer


def _decimal_checker(column: Column) -> Callable[[str], Parsed]:
    expected = _number_text(column, column.maximum, whole=False)
    bad: Parsed = (None, expected)
    badly_written: Parsed = (None, f"{expected}, written with '.' and no thousands separators")
    too_long: Parsed = (
        None,
        f"{expected} and at most {column.max_digits - column.max_places} digits before the point",
    )
    shape = _DECIMAL.fullmatch

    def decimal(raw: str) -> Parsed:
        if not shape(raw):
            return badly_written
        try:
            value = Decimal(raw)
        except InvalidOperation:  # pragma: no cover - the pattern admits only valid numbers
            return bad
        if not _in_range(column, value, column.maximum):
            return bad
        if column.max_places:
            fraction = raw.partition(".")[2].rstrip("0")
            places = len(fraction)
            whole = abs(value).to_integral_value(rounding=ROUND_DOWN)
            whole_digits = len(str(int(whole))) if whole else 0
            if places > column.max_places:
                return bad
            if column.max_digits and whole_digits > column.max_digits - column.max_places:
                return too_long
        if value == 0:
            value = Decimal(0)  # "-0" and "0.00" are zero
        return value, None

    return decimal


def _in_range(column: Column, value: Decimal, maximum: Decimal | None) -> bool:
    if column.minimum is not None:
        if column.minimum_exclusive and value <= column.minimum:
            return False
        if value < column.minimum:
            return False
    return maximum is None or value <= maximum
