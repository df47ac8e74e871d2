"""Checking a whole column of a bundle file at once (pure Python).

The reader checks a file a column at a time. A Python call per cell (``bundle_cells``)
was most of the reading's cost at 100,000 rows (issue 11), yet in a bundle worth importing
nearly every column is valid throughout. So each column is first tried on a fast path
that proves the whole column valid with a few calls into C: one regular expression over
the column's cells joined by line breaks, a set comparison for codes, ``map`` of the
type's own parser (``int``, ``Decimal``, ``date.fromisoformat``) and the column's range
checked on its smallest and largest value. A fast path only ever says "all valid"; when
it cannot, the column is checked cell by cell by ``bundle_cells``, which stays the one
definition of a valid cell and words every error, so a bad value is reported exactly as
before, with its line. ``check_column`` returns what checking each cell would
(a property test holds it to that).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Sequence
from decimal import Decimal
from typing import Any

from mesoclinic.registry.bundle_cells import cell_checks
from mesoclinic.registry.bundle_format import EARLIEST_DATE, ID_MAX_LENGTH, Column, Kind

# A column's error: the position of the cell in the column, and what was expected there.
CellError = tuple[int, str]
# The fast path of a kind: the typed values of non-empty ``cells``, or None when some cell
# may be invalid (the column is then checked cell by cell).
FastCheck = Callable[[Column, dt.date, list[str]], list[Any] | None]

# Joins a text column's cells for its fast check: any printable character will do (a cell
# holding it can only make the check fall back to the cells, never pass a bad one).
_TEXT_SEPARATOR = "|"


def _all_lines(cell: str) -> re.Pattern[str]:
    """Matches ``cell``'s pattern on every line of cells joined by line breaks."""
    return re.compile(rf"(?:{cell}\n)*{cell}")


_DATES = _all_lines(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_INTEGERS = _all_lines(r"-?[0-9]+")
_CURRENCIES = _all_lines(r"[A-Z]{3}")
_ZERO = Decimal(0)


def check_column(
    column: Column, today: dt.date, raws: Sequence[str]
) -> tuple[list[Any], list[CellError]]:
    """The typed value of every cell of ``column`` (None where empty or invalid) and the
    errors, in the order of the cells: the same as checking each cell on its own."""
    missing, check = cell_checks(column, today)
    fast = _FAST[column.kind]
    full = all(raws)
    cells = list(raws) if full else [raw for raw in raws if raw]
    values = fast(column, today, cells) if cells else []
    if values is not None:
        if full:
            return values, []
        next_value = iter(values).__next__
        spread = [next_value() if raw else None for raw in raws]
        expected = missing[1]
        if expected is None:
            return spread, []
        return spread, [(i, expected) for i, raw in enumerate(raws) if not raw]
    parsed = [check(raw) if raw else missing for raw in raws]
    return (
        [value for value, _ in parsed],
        [(i, expected) for i, (_, expected) in enumerate(parsed) if expected is not None],
    )


def _text(column: Column, today: dt.date, cells: list[str]) -> list[Any] | None:
    limit = ID_MAX_LENGTH if column.kind is Kind.ID else column.max_length
    joined = _TEXT_SEPARATOR.join(cells)
    # Printable text has no control character and no whitespace but the plain space
    # (``isspace`` characters other than " " are all unprintable), so a cell with
    # whitespace at either end has a space next to a separator or an end.
    if (
        not joined.isprintable()
        or joined.startswith(" ")
        or joined.endswith(" ")
        or " " + _TEXT_SEPARATOR in joined
        or _TEXT_SEPARATOR + " " in joined
        or max(map(len, cells)) > limit
    ):
        return None
    return cells


def _code(column: Column, today: dt.date, cells: list[str]) -> list[Any] | None:
    return cells if set(cells).issubset(column.codes) else None


_BOOLEANS = {"true": True, "false": False}


def _boolean(column: Column, today: dt.date, cells: list[str]) -> list[Any] | None:
    if not set(cells).issubset(_BOOLEANS):
        return None
    return list(map(_BOOLEANS.__getitem__, cells))


def _currency(column: Column, today: dt.date, cells: list[str]) -> list[Any] | None:
    return cells if _CURRENCIES.fullmatch("\n".join(cells)) else None


def _date(column: Column, today: dt.date, cells: list[str]) -> list[Any] | None:
    if not _DATES.fullmatch("\n".join(cells)):
        return None
    try:
        values = list(map(dt.date.fromisoformat, cells))
    except ValueError:  # a day that does not exist, such as 2023-02-30
        return None
    latest = today if column.not_in_future else dt.date.max
    if min(values) < EARLIEST_DATE or max(values) > latest:
        return None
    return values


def _in_range(column: Column, lowest: Decimal, highest: Decimal, maximum: Decimal | None) -> bool:
    """Whether every value from ``lowest`` to ``highest`` is in ``column``'s range."""
    minimum = column.minimum
    if minimum is not None and (
        lowest < minimum or (column.minimum_exclusive and lowest == minimum)
    ):
        return False
    return maximum is None or highest <= maximum


def _integer(column: Column, today: dt.date, cells: list[str]) -> list[Any] | None:
    if not _INTEGERS.fullmatch("\n".join(cells)):
        return None
    try:
        values = list(map(int, cells))
    except ValueError:  # more digits than int() converts
        return None
    # birth_year runs to the current year, which only ``today`` knows (as bundle_cells).
    maximum = Decimal(today.year) if column.name == "birth_year" else column.maximum
    if not _in_range(column, Decimal(min(values)), Decimal(max(values)), maximum):
        return None
    return values


# The decimal fast path's pattern, by (digits before the point, after it): a cell it
# matches has no more digits on either side than the column keeps.
_decimal_patterns: dict[tuple[int, int], re.Pattern[str]] = {}


def _decimal_pattern(column: Column) -> re.Pattern[str] | None:
    """The column's fast pattern; None when no cell can pass it (the cell check decides)."""
    places = column.max_places
    whole = column.max_digits - places if places and column.max_digits else 0
    if places and column.max_digits and whole < 1:
        return None
    key = (whole, places)
    if key not in _decimal_patterns:
        # At least one digit before the point, as bundle_cells requires.
        before = f"[0-9]{{1,{whole}}}" if whole else "[0-9]+"
        after = f"[0-9]{{1,{places}}}" if places else "[0-9]+"
        _decimal_patterns[key] = _all_lines(rf"-?{before}(?:\.{after})?")
    return _decimal_patterns[key]


def _decimal(column: Column, today: dt.date, cells: list[str]) -> list[Any] | None:
    pattern = _decimal_pattern(column)
    if pattern is None or not pattern.fullmatch("\n".join(cells)):
        return None
    values = list(map(Decimal, cells))
    if not _in_range(column, min(values), max(values), column.maximum):
        return None
    if not all(values):
        # "-0" and "0.00" are zero, as bundle_cells makes them.
        values = [value if value else _ZERO for value in values]
    return values


_FAST: dict[Kind, FastCheck] = {
    Kind.ID: _text,
    Kind.TEXT: _text,
    Kind.CODE: _code,
    Kind.BOOLEAN: _boolean,
    Kind.CURRENCY: _currency,
    Kind.DATE: _date,
    Kind.INTEGER: _integer,
    Kind.DECIMAL: _decimal,
}
