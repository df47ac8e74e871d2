"""Writing many new rows of one model with the database's own bulk path: ``executemany`` on
SQLite, ``COPY`` on PostgreSQL.

``bulk_create`` builds a model instance per row, prepares every field of every row through
the field's methods and compiles SQL per batch (on SQLite, batches of ~60 rows under its
limit on parameters): profiled at 100,000 rows it was 10.9 of the import's 16.3 s
(issue 11). Here rows come as tuples of the values ``bulk_create`` would have stored, each
column's conversion is chosen once per table, the keys are allocated before the rows are
written (so a child row names its parent's key without reading it back), and every column
the caller does not give takes the model field's default, as ``bulk_create`` would.

Both paths are plain INSERTs inside the caller's transaction: constraints, foreign keys
and row triggers (the immutability triggers, ``docs/immutability.md``) apply to every row,
and a failure rolls the whole transaction back. No model ``save()`` runs and no signal is
sent, exactly as with ``bulk_create``.
"""

from __future__ import annotations

import json
import os
import uuid
from collections.abc import Callable, Iterable, Sequence
from contextlib import nullcontext
from itertools import repeat
from typing import TYPE_CHECKING, Any

from django.db import connection, models
from django.utils import timezone

Progress = Callable[[str], None]
# Rows per executemany call on SQLite, and between progress lines on both databases.
BATCH_ROWS = 10_000

if TYPE_CHECKING:
    Field = models.Field[Any, Any]
else:
    Field = models.Field


def allocate_keys(model: type[models.Model], count: int) -> list[int]:
    """``count`` new primary keys for ``model``'s table, in the order the rows will take them.

    Runs inside the import's transaction. On PostgreSQL the keys come from the table's own
    sequence (safe beside other writers). On SQLite the transaction holds the write lock
    from its start (``transaction_mode`` IMMEDIATE in settings), so no other writer can take
    these keys before the rows are in; AUTOINCREMENT never reuses a key, so they start above
    both the largest key in the table and the largest it ever handed out.
    """
    if count <= 0:
        return []
    if not connection.in_atomic_block:
        raise RuntimeError("keys are allocated only inside the transaction that uses them")
    table = model._meta.db_table
    column = model._meta.pk.column
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
                [table, column, count],
            )
            return [key for (key,) in cursor.fetchall()]
        quoted = connection.ops.quote_name
        cursor.execute(f"SELECT max({quoted(column)}) FROM {quoted(table)}")
        largest = cursor.fetchone()[0] or 0
        cursor.execute("SELECT seq FROM sqlite_sequence WHERE name = %s", [table])
        handed_out = cursor.fetchone()
        start = max(largest, handed_out[0] if handed_out else 0) + 1
    return list(range(start, start + count))


def _converter(field: Field) -> Callable[[Any], Any] | None:
    """How a Python value of ``field`` becomes what the driver is given; None: as it is.

    The same conversions ``field.get_db_prep_save`` makes, chosen once per column: JSON as
    text, and on SQLite a UUID as 32 hex digits, a moment as naive UTC text and a day as
    ISO text. Decimals go as they are (Django registers their SQLite adapter; psycopg
    adapts every type).
    """
    kind = field.get_internal_type()
    if kind == "JSONField":
        encoder = field.encoder  # type: ignore[attr-defined]

        def to_json(value: Any) -> str:
            # Most rows have no x_ cells: their "{}" needs no encoder.
            if type(value) is dict and not value:
                return "{}"
            return json.dumps(value, cls=encoder)

        return to_json
    if connection.vendor == "postgresql":
        return None
    if kind == "UUIDField":
        return lambda value: value.hex
    if kind in ("DateTimeField", "DateField"):
        # Imported moments and days repeat (a session is at noon on its day): each is
        # converted once, to the text Django stores (naive UTC for a moment).
        adapt = (
            connection.ops.adapt_datetimefield_value
            if kind == "DateTimeField"
            else connection.ops.adapt_datefield_value
        )
        converted: dict[Any, Any] = {}

        def to_text(value: Any) -> Any:
            text = converted.get(value)
            if text is None:
                text = converted[value] = adapt(value)
            return text

        return to_text
    return None


# A random (version 4) UUID is 122 random bits with the version and variant bits set.
_UUID_KEEP = ~((0xF000 << 64) | (0xC000 << 48)) & ((1 << 128) - 1)
_UUID_SET = (0x4000 << 64) | (0x8000 << 48)


def new_uuid_hexes(count: int) -> list[str]:
    """``count`` random UUIDs, as ``uuid.uuid4().hex`` gives them, from one read of the
    system's random source (a UUID object per row cost more than the row's insert).
    Both databases take the 32 hex digits: SQLite stores them as they are, PostgreSQL
    reads them into its uuid type."""
    data = os.urandom(16 * count)
    from_bytes = int.from_bytes
    return [
        f"{from_bytes(data[i : i + 16], 'big') & _UUID_KEEP | _UUID_SET:032x}"
        for i in range(0, 16 * count, 16)
    ]


def _defaults(
    fields: Sequence[Field], count: int
) -> tuple[list[Field], tuple[Any, ...], list[Field], list[list[Any]]]:
    """The columns a caller leaves out: the constants most of them take, and the values of
    those made per row (a new UUID), ``count`` of each; each as ``bulk_create`` would
    store it."""
    now = timezone.now()
    constant_fields: list[Field] = []
    constants: list[Any] = []
    per_row_fields: list[Field] = []
    per_row: list[list[Any]] = []
    for field in fields:
        convert = _converter(field) or (lambda value: value)
        if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
            value = now
        elif field.has_default() and callable(field.default) and field.default not in (dict, list):
            per_row_fields.append(field)
            if field.default is uuid.uuid4:
                per_row.append(new_uuid_hexes(count))
            else:
                make = field.default
                per_row.append([convert(make()) for _ in range(count)])
            continue
        else:
            value = field.get_default()
        constant_fields.append(field)
        constants.append(convert(value) if value is not None else None)
    return constant_fields, tuple(constants), per_row_fields, per_row


def _prepared(
    rows: Sequence[Sequence[Any]],
    converters: Sequence[Callable[[Any], Any] | None],
    constants: tuple[Any, ...],
    per_row: Sequence[Sequence[Any]],
) -> list[tuple[Any, ...]]:
    """The rows as the driver takes them: converted, then the defaults appended.

    A column at a time: the rows are taken apart and put together again by ``zip`` (in C),
    and only the columns that need a conversion are walked in Python."""
    count = len(rows)
    columns: list[Iterable[Any]] = list(zip(*rows, strict=True))
    for i, convert in enumerate(converters):
        if convert is not None:
            columns[i] = [None if value is None else convert(value) for value in columns[i]]
    return list(
        zip(
            *columns,
            *(repeat(constant, count) for constant in constants),
            *per_row,
            strict=True,
        )
    )


_AUTO_KEYS = ("AutoField", "BigAutoField", "SmallAutoField")


def insert_rows(
    model: type[models.Model],
    columns: Sequence[str],
    rows: Sequence[Sequence[Any]],
    *,
    label: str,
    progress: Progress,
) -> int:
    """Insert ``rows`` (values for ``columns``, by attribute name such as ``patient_id``)
    into ``model``'s table; the number inserted. The primary key is one of the columns
    when other rows will refer to these (``allocate_keys``); left out, the database
    numbers the rows."""
    total = len(rows)
    if not total:
        return 0
    progress(f"writing {total:,} {label}")
    by_attname = {field.attname: field for field in model._meta.concrete_fields}
    given = [by_attname[name] for name in columns]
    # A row no other row refers to needs no key chosen in advance: left out, the
    # database's own default (the sequence, SQLite's AUTOINCREMENT) gives it one.
    pk = model._meta.pk
    generated = pk if pk is not None and pk.get_internal_type() in _AUTO_KEYS else None
    rest = [
        field
        for field in model._meta.concrete_fields
        if field.attname not in columns and field is not generated
    ]
    constant_fields, constants, per_row_fields, per_row = _defaults(rest, total)
    order = [*given, *constant_fields, *per_row_fields]
    converters = [_converter(f) for f in given]
    quote = connection.ops.quote_name
    table = quote(model._meta.db_table)
    names = ", ".join(quote(field.column) for field in order)
    sql = f"INSERT INTO {table} ({names}) VALUES ({', '.join(['%s'] * len(order))})"
    with connection.cursor() as cursor:
        copy = (
            cursor.cursor.copy(f"COPY {table} ({names}) FROM STDIN")
            if connection.vendor == "postgresql"
            else nullcontext(None)
        )
        # COPY runs on the driver's own cursor: its errors are made Django's, as any query's.
        with connection.wrap_database_errors, copy as copying:
            for start in range(0, total, BATCH_ROWS):
                end = min(start + BATCH_ROWS, total)
                batch = _prepared(
                    rows[start:end], converters, constants, [made[start:end] for made in per_row]
                )
                if copying is None:
                    cursor.executemany(sql, batch)
                else:
                    write = copying.write_row
                    for row in batch:
                        write(row)
                if end < total:
                    progress(f"  {label}: {end:,} of {total:,}")
    return total
