"""The registry bundle's columns, file by file, as data (pure Python, no Django import).

Source of truth: ../shared/spec/registry-csv.md. The reader validates against these specs
and the writer emits exactly these columns in this order, followed by the ``x_`` extension
columns sorted by name. The code lists come from ``mesoclinic.clinical_codes`` so the
database, the forms and the bundle can never disagree.

Where the spec leaves a limit open, the database's column decides it, so that a value the
database would round or truncate is refused instead of silently changed:
``max_places``/``max_digits`` mirror the DecimalFields (e.g. ``Injection.volume_ml`` keeps
3 decimal places) and ``max_length`` mirrors the CharFields (``Lot.lot_number`` 100).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum
from typing import Any, cast

from mesoclinic.clinical_codes import (
    AE_TYPES,
    AREAS,
    INDICATIONS,
    MEASUREMENT_KINDS,
    RATERS,
    SEVERITIES,
    SEXES,
    SIDES,
    SITE_ROLES,
    TECHNIQUES,
)

ID_MAX_LENGTH = 64
EXTENSION_PREFIX = "x_"


class Kind(StrEnum):
    ID = "id"
    CODE = "code"
    INTEGER = "integer"
    DECIMAL = "decimal"
    DATE = "date"
    TEXT = "text"
    BOOLEAN = "boolean"
    CURRENCY = "currency"


@dataclass(frozen=True)
class Column:
    """One column of a bundle file: its type, whether a value is required, and its limits."""

    name: str
    kind: Kind
    required: bool = False
    codes: tuple[str, ...] = ()
    minimum: Decimal | None = None
    maximum: Decimal | None = None
    minimum_exclusive: bool = False  # volume_ml must be > 0, not >= 0
    max_places: int = 0  # decimals: digits after the point the database keeps
    max_digits: int = 0  # decimals: total digits the database keeps
    max_length: int = 0  # text
    not_in_future: bool = False  # dates of things that have happened


@dataclass(frozen=True)
class FileSpec:
    name: str
    required: bool
    columns: tuple[Column, ...]
    key: tuple[str, ...]  # unique within the file
    column_names: tuple[str, ...] = field(init=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "column_names", tuple(c.name for c in self.columns))

    def column(self, name: str) -> Column:
        for col in self.columns:
            if col.name == name:
                return col
        raise KeyError(name)


def _codes(codes: dict[str, str]) -> tuple[str, ...]:
    return tuple(codes)


def _d(value: str | int) -> Decimal:
    return Decimal(value)


PATIENTS = FileSpec(
    "patients.csv",
    required=True,
    columns=(
        Column("patient_id", Kind.ID, required=True),
        Column("sex", Kind.CODE, required=True, codes=_codes(SEXES)),
        # maximum is the current year, checked by the reader with its ``today``.
        Column("birth_year", Kind.INTEGER, minimum=_d(1900)),
        Column(
            "height_cm",
            Kind.DECIMAL,
            minimum=_d(100),
            maximum=_d(250),
            max_places=1,
            max_digits=5,
        ),
    ),
    key=("patient_id",),
)

SESSIONS = FileSpec(
    "sessions.csv",
    required=True,
    columns=(
        Column("session_id", Kind.ID, required=True),
        Column("patient_id", Kind.ID, required=True),
        Column("date", Kind.DATE, required=True, not_in_future=True),
        Column("indication", Kind.CODE, required=True, codes=_codes(INDICATIONS)),
        # The key is session_id + area + side, so both are required on every row.
        Column("area", Kind.CODE, required=True, codes=_codes(AREAS)),
        Column("side", Kind.CODE, required=True, codes=_codes(SIDES)),
        Column("protocol", Kind.TEXT, max_length=100),
        Column("practitioner_id", Kind.ID),
        Column("price", Kind.DECIMAL, minimum=_d(0), max_places=2, max_digits=10),
        Column("currency", Kind.CURRENCY),
    ),
    key=("session_id", "area", "side"),
)

# Session-level columns: every row of one session must agree on them.
SESSION_SHARED = ("patient_id", "date", "indication", "protocol", "practitioner_id")

INJECTIONS = FileSpec(
    "injections.csv",
    required=False,
    columns=(
        Column("session_id", Kind.ID, required=True),
        Column("area", Kind.CODE, required=True, codes=_codes(AREAS)),
        Column("product", Kind.TEXT, required=True, max_length=200),
        Column("lot", Kind.TEXT, max_length=100),
        Column("expiry", Kind.DATE),
        Column(
            "volume_ml",
            Kind.DECIMAL,
            required=True,
            minimum=_d(0),
            minimum_exclusive=True,
            max_places=3,
            max_digits=7,
        ),
        Column("points", Kind.INTEGER, minimum=_d(1)),
        Column("depth_mm", Kind.DECIMAL, minimum=_d(0), maximum=_d(20), max_places=1, max_digits=4),
        Column("technique", Kind.CODE, codes=_codes(TECHNIQUES)),
    ),
    # No id: an injection is identified by its whole content (see import_match).
    key=(),
)

MEASUREMENTS = FileSpec(
    "measurements.csv",
    required=False,
    columns=(
        Column("patient_id", Kind.ID, required=True),
        Column("date", Kind.DATE, required=True, not_in_future=True),
        Column("kind", Kind.CODE, required=True, codes=tuple(MEASUREMENT_KINDS)),
        # The kind's own range is checked by the reader (clinical_codes.check_measurement_value).
        Column("value", Kind.DECIMAL, required=True, max_places=2, max_digits=8),
        Column("area", Kind.CODE, codes=_codes(AREAS)),
        Column("side", Kind.CODE, codes=_codes(SIDES)),
        Column("site_role", Kind.CODE, codes=_codes(SITE_ROLES)),
        Column("rater", Kind.CODE, codes=_codes(RATERS)),
    ),
    key=(),
)

ADVERSE_EVENTS = FileSpec(
    "adverse_events.csv",
    required=False,
    columns=(
        Column("event_id", Kind.ID, required=True),
        Column("patient_id", Kind.ID, required=True),
        Column("session_id", Kind.ID),
        Column("type", Kind.CODE, required=True, codes=_codes(AE_TYPES)),
        Column("onset_date", Kind.DATE, required=True, not_in_future=True),
        Column("resolved_date", Kind.DATE, not_in_future=True),
        Column("last_seen_unresolved", Kind.DATE, not_in_future=True),
        Column("severity", Kind.CODE, required=True, codes=_codes(SEVERITIES)),
        Column("serious", Kind.BOOLEAN, required=True),
    ),
    key=("event_id",),
)

FILES: dict[str, FileSpec] = {
    spec.name: spec for spec in (PATIENTS, SESSIONS, INJECTIONS, MEASUREMENTS, ADVERSE_EVENTS)
}

# Dates before this are typing errors (a year 0201 for 2021), not history.
EARLIEST_DATE = dt.date(1900, 1, 1)


def format_value(column: Column, value: Any) -> str:
    """The canonical text of a typed value: what the writer emits and the reader accepts.

    Decimals lose trailing zeros and exponent form (``1.50`` → ``1.5``, ``2.0`` → ``2``,
    ``-0`` → ``0``), so two bundles that mean the same numbers are the same bytes.
    """
    if value is None:
        return ""
    if column.kind is Kind.DECIMAL:
        return format_decimal(value)
    if column.kind is Kind.DATE:
        # value is Any (a row holds any column's type); a DATE column holds a date.
        return cast("dt.date", value).isoformat()
    if column.kind is Kind.BOOLEAN:
        return "true" if value else "false"
    return str(value)


def format_decimal(value: Decimal) -> str:
    # Not Decimal.normalize(): it rounds to the context's 28 digits.
    text = format(value, "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def is_extension(name: str) -> bool:
    return name.startswith(EXTENSION_PREFIX) and len(name) > len(EXTENSION_PREFIX)
