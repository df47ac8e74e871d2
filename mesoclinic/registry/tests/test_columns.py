"""Checking a column at once (``bundle_columns``) gives what checking each cell gives."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mesoclinic.registry.bundle_cells import parse_cell
from mesoclinic.registry.bundle_columns import check_column
from mesoclinic.registry.bundle_format import FILES, Column, Kind, format_value
from mesoclinic.registry.bundle_reader import read_sources
from mesoclinic.registry.tests.bundles import TODAY, VALID, sources

COLUMNS = [column for spec in FILES.values() for column in spec.columns]


def cell_by_cell(column: Column, raws: list[str]) -> tuple[list[Any], list[tuple[int, str]]]:
    parsed = [parse_cell(column, raw, TODAY) for raw in raws]
    return [value for value, _ in parsed], [
        (i, expected) for i, (_, expected) in enumerate(parsed) if expected is not None
    ]


def column_named(file: str, name: str) -> Column:
    return FILES[file].column(name)


# One valid cell of each column, to surround a bad one with.
GOOD = {
    Kind.ID: "P1",
    Kind.TEXT: "PC/DC 4x8w",
    Kind.DATE: "2024-03-01",
    Kind.BOOLEAN: "true",
    Kind.CURRENCY: "EUR",
}


def good_cell(column: Column) -> str:
    if column.kind is Kind.CODE:
        return column.codes[0]
    if column.kind in (Kind.INTEGER, Kind.DECIMAL):
        return {"birth_year": "1980", "points": "3", "height_cm": "170.5"}.get(column.name, "5")
    return GOOD[column.kind]


@pytest.mark.parametrize(
    ("file", "name", "bad"),
    [
        ("patients.csv", "patient_id", " P1"),  # leading space
        ("patients.csv", "patient_id", "P1 "),  # trailing space
        ("patients.csv", "patient_id", "P\x071"),  # control character
        ("patients.csv", "patient_id", "P\n1"),  # line break inside the cell
        ("patients.csv", "patient_id", "P" * 65),  # too long
        ("patients.csv", "sex", "F"),  # not a code
        ("patients.csv", "birth_year", "19.5"),  # not whole
        ("patients.csv", "birth_year", "1899"),  # below the minimum
        ("patients.csv", "birth_year", "2026"),  # after this year
        ("patients.csv", "birth_year", "1" * 5000),  # more digits than int() reads
        ("patients.csv", "height_cm", "170,5"),  # decimal comma
        ("patients.csv", "height_cm", "170.55"),  # too many places
        ("patients.csv", "height_cm", "0170.5"),  # leading zero (valid, slow path)
        ("patients.csv", "height_cm", "170.50"),  # trailing zero (valid, slow path)
        ("patients.csv", "height_cm", "1e2"),  # exponent
        ("patients.csv", "height_cm", "99.9"),  # below the minimum
        ("patients.csv", "height_cm", "250.1"),  # above the maximum
        ("sessions.csv", "date", "2024-02-30"),  # no such day
        ("sessions.csv", "date", "2024-3-01"),  # not YYYY-MM-DD
        ("sessions.csv", "date", "20240301"),  # ISO basic form, which fromisoformat takes
        ("sessions.csv", "date", "1899-12-31"),  # before 1900
        ("sessions.csv", "date", "2025-07-01"),  # after today
        ("sessions.csv", "currency", "eur"),  # not capitals
        ("sessions.csv", "price", "-1"),  # below zero
        ("sessions.csv", "price", "123456789.5"),  # too many digits before the point
        ("sessions.csv", "protocol", "x" * 101),  # text too long
        ("injections.csv", "volume_ml", "0"),  # zero where more than zero is required
        ("injections.csv", "volume_ml", "-0.000"),  # negative zero is zero
        ("adverse_events.csv", "serious", "yes"),  # not a boolean
        ("sessions.csv", "session_id", ""),  # a required cell left empty
    ],
)
def test_it_reports_each_bad_cell_where_it_is_as_a_cell_check_would(
    file: str, name: str, bad: str
) -> None:
    # given a column of valid cells with one bad (or unusual) cell in the middle
    column = column_named(file, name)
    raws = [good_cell(column)] * 50 + [bad] + [good_cell(column)] * 50
    # when the column is checked at once
    values, errors = check_column(column, TODAY, raws)
    # then the values and errors are those of checking each cell, the error at position 50
    assert (values, errors) == cell_by_cell(column, raws)
    assert [i for i, _ in errors] in ([50], [])
    assert errors or bad in ("0170.5", "170.50")


def test_it_names_the_line_of_a_bad_cell_among_many_good_ones() -> None:
    # given 300 more valid sessions after the 3 of the valid bundle, and on line 155 a day
    # that does not exist
    rows = [f"X{i},P1,2024-03-01,cellulite,thigh_outer,left,,,,\n" for i in range(300)]
    rows[150] = "X150,P1,2024-02-30,cellulite,thigh_outer,left,,,,\n"
    text = VALID["sessions.csv"] + "".join(rows)
    # when it is read
    errors = [str(e) for e in read_sources(sources(sessions__csv=text), today=TODAY).errors]
    # then the one error names the file, the line and the column
    assert errors == [
        "sessions.csv:155:date: value '2024-02-30': expected a real date YYYY-MM-DD "
        "from 1900-01-01 to today (2025-06-30)"
    ]


# Cells built from the characters that matter to some check, valid and not.
awkward_cells = st.text(
    st.sampled_from(list("0123456789-.,eE +TZ:ab_/|AZ\t\n\r\x00\x7f\x85\xa0\xad\u2028٣")),
    max_size=12,
)


def valid_cells(column: Column) -> st.SearchStrategy[str]:
    """Cells that are the formatted text of a value valid in ``column``."""
    kind = column.kind
    if kind is Kind.CODE:
        values: st.SearchStrategy[Any] = st.sampled_from(column.codes)
    elif kind is Kind.BOOLEAN:
        values = st.booleans()
    elif kind is Kind.CURRENCY:
        values = st.sampled_from(["EUR", "GBP", "USD"])
    elif kind is Kind.DATE:
        values = st.dates(dt.date(1900, 1, 1), TODAY)
    elif kind is Kind.INTEGER:
        values = st.integers(int(column.minimum or 0), TODAY.year)
    elif kind is Kind.DECIMAL:
        whole = column.max_digits - column.max_places
        low = column.minimum if column.minimum is not None else -(Decimal(10) ** whole - 1)
        if column.minimum_exclusive:
            low += Decimal(1).scaleb(-column.max_places)
        high = column.maximum if column.maximum is not None else Decimal(10) ** whole - 1
        values = st.decimals(low, high, places=column.max_places)
    else:
        limit = 64 if kind is Kind.ID else column.max_length
        values = st.text(st.characters(exclude_categories=["Cc", "Cs"]), min_size=1, max_size=limit)
        values = values.filter(lambda s: s == s.strip())
    return values.map(lambda value: format_value(column, value))


@st.composite
def columns_of_cells(draw: st.DrawFn) -> tuple[Column, list[str]]:
    column = draw(st.sampled_from(COLUMNS))
    cell = (
        st.one_of(valid_cells(column), st.just(""), awkward_cells)
        if draw(st.booleans())
        else st.one_of(valid_cells(column), st.just(""))
    )
    return column, draw(st.lists(cell, max_size=20))


@settings(max_examples=400, deadline=None)
@given(columns_of_cells())
def test_it_checks_a_column_as_each_cell_would_be_checked(
    case: tuple[Column, list[str]],
) -> None:
    # given any column and cells, valid, empty or awkward
    column, raws = case
    # when the column is checked at once / then: exactly what a check of each cell gives
    assert check_column(column, TODAY, raws) == cell_by_cell(column, raws)


@st.composite
def valid_columns(draw: st.DrawFn) -> tuple[Column, list[str]]:
    column = draw(st.sampled_from(COLUMNS))
    return column, draw(st.lists(valid_cells(column), min_size=1, max_size=20))


@settings(max_examples=300, deadline=None)
@given(valid_columns())
def test_it_reads_back_every_formatted_value_as_the_same_text(
    case: tuple[Column, list[str]],
) -> None:
    # given a column of the formatted texts of valid values
    column, raws = case
    # when it is checked
    values, errors = check_column(column, TODAY, raws)
    # then nothing is refused, and each value formats back to its cell
    assert errors == []
    assert [format_value(column, value) for value in values] == raws
