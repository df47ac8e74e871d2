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
from collections.abc import Callable, Iterable, Iterator, Sequence
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
    text, and on SQLite a UUID as 32 hex digits and a moment as naive UTC text. Dates and
    decimals go as they are (Django registers their SQLite adapters; psycopg adapts them).
    """
    kind = field.get_internal_type()
    if kind == "JSONField":
        encoder = field.encoder  # type: ignore[attr-defined]
        return lambda value: json.dumps(value, cls=encoder)
    if connection.vendor == "postgresql":
        return None
    if kind == "UUIDField":
        return lambda value: value.hex
    if kind == "DateTimeField":
        return connection.ops.adapt_datetimefield_value
    return None


def _defaults(
    fields: Sequence[Field],
) -> tuple[list[Field], tuple[Any, ...], list[Field], list[Callable[[], Any]]]:
    """The columns a caller leaves out, as the constants most of them take and the values
    made per row (a new UUID); each as ``bulk_create`` would store it."""
    now = timezone.now()
    constant_fields: list[Field] = []
    constants: list[Any] = []
    per_row_fields: list[Field] = []
    makers: list[Callable[[], Any]] = []
    for field in fields:
        convert = _converter(field) or (lambda value: value)
        if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
            value = now
        elif field.has_default() and callable(field.default) and field.default not in (dict, list):
            per_row_fields.append(field)
            makers.append(_made_per_row(field.default, convert))
            continue
        else:
            value = field.get_default()
        constant_fields.append(field)
        constants.append(convert(value) if value is not None else None)
    return constant_fields, tuple(constants), per_row_fields, makers


def _made_per_row(make: Callable[[], Any], convert: Callable[[Any], Any]) -> Callable[[], Any]:
    return lambda: convert(make())


def _prepared(
    rows: Iterable[Sequence[Any]],
    converters: Sequence[Callable[[Any], Any] | None],
    constants: tuple[Any, ...],
    per_row: Sequence[Callable[[], Any]],
) -> Iterator[tuple[Any, ...]]:
    convert = [(i, c) for i, c in enumerate(converters) if c is not None]
    for row in rows:
        if convert:
            values = list(row)
            for i, c in convert:
                if values[i] is not None:
                    values[i] = c(values[i])
        else:
            values = list(row)
        values.extend(constants)
        values.extend(make() for make in per_row)
        yield tuple(values)


def insert_rows(
    model: type[models.Model],
    columns: Sequence[str],
    rows: Sequence[Sequence[Any]],
    *,
    label: str,
    progress: Progress,
) -> int:
    """Insert ``rows`` (values for ``columns``, by attribute name such as ``patient_id``,
    the primary key included) into ``model``'s table; the number inserted."""
    total = len(rows)
    if not total:
        return 0
    progress(f"writing {total:,} {label}")
    by_attname = {field.attname: field for field in model._meta.concrete_fields}
    given = [by_attname[name] for name in columns]
    rest = [field for field in model._meta.concrete_fields if field.attname not in columns]
    constant_fields, constants, per_row_fields, per_row = _defaults(rest)
    order = [*given, *constant_fields, *per_row_fields]
    prepared = _prepared(rows, [_converter(f) for f in given], constants, per_row)
    quote = connection.ops.quote_name
    table = quote(model._meta.db_table)
    names = ", ".join(quote(field.column) for field in order)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
                for done, row in enumerate(prepared, start=1):
                    copy.write_row(row)
                    if done % BATCH_ROWS == 0 and done < total:
                        progress(f"  {label}: {done:,} of {total:,}")
        else:
            sql = f"INSERT INTO {table} ({names}) VALUES ({', '.join(['%s'] * len(order))})"
            done = 0
            while done < total:
                batch = [next(prepared) for _ in range(min(BATCH_ROWS, total - done))]
                cursor.executemany(sql, batch)
                done += len(batch)
                if done < total:
                    progress(f"  {label}: {done:,} of {total:,}")
    return total
