"""Several columns of a row fetched as one integer the database computes, for the evidence read.

The driver's cost is per cell (a Python object for each, whatever it holds), not per byte:
a million measurements read as eight columns cost about a third more than the same rows read
as three. A date and a few coded text columns (a measurement's kind, area, side, site role
and rater: each one of its field's few choices) fit in one 64-bit integer, computed in SQL:

    (((day × R₁ + code₁) × R₂ + code₂) …)

where ``day`` counts days since 1970-01-01 (SQLite ``julianday``, PostgreSQL ``date - date``)
and each ``code`` is 1 + the value's rank among its field's choices in code point order
(0: a value that is none of them), so ``R = choices + 1``. numpy takes it apart again;
the labels are joined to the codes once per distinct value, at the end.

Since the codes rank the labels in code point order, as SQLite compares text, integer order
of the packed value is the rows' order by (day, code₁, code₂, …): one stable integer sort
puts the rows in that order.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
import numpy.typing as npt
from django.db.models import BigIntegerField, Expression, F, Field, Func, Model, Value

if TYPE_CHECKING:
    from django.db.backends.base.base import BaseDatabaseWrapper
    from django.db.models.sql.compiler import SQLCompiler


class DayNumber(Func):
    """Whole days from 1970-01-01 to a date column's value (negative before), in SQL; NULL
    stays NULL. SQLite's julianday of a date is exact (n + 0.5), so the difference is. The
    project runs on SQLite and PostgreSQL only (settings.py); there is no generic SQL."""

    output_field = BigIntegerField()
    arity = 1

    def as_sqlite(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        template = "CAST(julianday(%(expressions)s) - 2440587.5 AS INTEGER)"
        return super().as_sql(compiler, connection, template=template, **extra)

    def as_postgresql(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        template = "CAST((%(expressions)s - DATE '1970-01-01') AS BIGINT)"
        return super().as_sql(compiler, connection, template=template, **extra)


class _Code(Func):
    """``CASE column WHEN label₁ THEN 1 … ELSE 0 END``: the simple CASE reads the column once
    a row, where ``Case(When(column=label) …)`` (a searched CASE) reads and compares it again
    for each label; on a million measurements SQLite spent about 0.1 s less CPU so. The
    labels are parameters, the codes integer literals. NULL matches no label: code 0."""

    output_field = BigIntegerField()
    arity = 1

    def __init__(self, column: F, *, labels: tuple[str, ...]) -> None:
        super().__init__(column)
        self.labels = labels

    def as_sql(
        self,
        compiler: SQLCompiler,
        connection: BaseDatabaseWrapper,
        function: str | None = None,
        template: str | None = None,
        arg_joiner: str | None = None,
        **extra_context: Any,
    ) -> tuple[str, tuple[str | int, ...]]:
        column, params = compiler.compile(self.source_expressions[0])
        whens = " ".join(f"WHEN %s THEN {i + 1}" for i in range(len(self.labels)))
        return f"CASE {column} {whens} ELSE 0 END", (*params, *self.labels)


@dataclass(frozen=True)
class Vocabulary:
    """A text column's possible values, in code point order; code i + 1 is ``labels[i]``."""

    field: str
    labels: tuple[str, ...]

    @classmethod
    def of(cls, model: type[Model], field: str) -> Vocabulary:
        """The field's choices, and the empty text where the field may be blank."""
        column = model._meta.get_field(field)
        assert isinstance(column, Field), f"{field} is not a column"
        values = {str(value) for value, _label in column.choices or ()}
        if getattr(column, "blank", False):
            values.add("")
        return cls(field, tuple(sorted(values)))

    @property
    def radix(self) -> int:
        return len(self.labels) + 1

    def code(self) -> Expression:
        """The column's code in SQL (0 for any other value, NULL included)."""
        return _Code(F(self.field), labels=self.labels)

    def names(self, codes: npt.NDArray[np.int64]) -> npt.NDArray[np.object_]:
        """The label of each code, one shared string object per label (None for code 0)."""
        table = np.array([None, *self.labels], dtype=object)
        named: npt.NDArray[np.object_] = table[codes]
        return named


def packed(day_field: str, vocabularies: tuple[Vocabulary, ...]) -> Expression:
    """The SQL of ``day × R₁ … + code`` (module docstring)."""
    expression: Expression = DayNumber(day_field)
    for vocabulary in vocabularies:
        expression = (
            expression * Value(vocabulary.radix, output_field=BigIntegerField()) + vocabulary.code()
        )
    return expression


def unpacked(
    values: npt.NDArray[np.int64], vocabularies: tuple[Vocabulary, ...]
) -> tuple[npt.NDArray[np.int64], list[npt.NDArray[np.int64]]]:
    """(days, the codes of each vocabulary) of packed values; floor division keeps days
    before 1970 (negative) right, the remainders being in [0, R)."""
    rest = values
    codes: list[npt.NDArray[np.int64]] = []
    for vocabulary in reversed(vocabularies):
        rest, code = np.divmod(rest, vocabulary.radix)
        codes.append(code)
    return rest, codes[::-1]
