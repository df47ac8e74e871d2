"""The in-memory bundle that the reader produces and the writer consumes (pure Python)."""

from __future__ import annotations

from collections.abc import Set as AbstractSet
from dataclasses import dataclass, field
from typing import Any

from mesoclinic.registry.bundle_format import FILES


@dataclass(slots=True)
class BundleRow:
    """One CSV record: typed values of the spec's columns (None = empty) and its ``x_`` cells.

    ``line`` is the physical line the record starts on (header = line 1); 0 for rows that
    were built in memory (an export) rather than read from a file.
    """

    values: dict[str, Any]
    extra: dict[str, str] = field(default_factory=dict)
    line: int = 0
    # Columns whose cell failed validation: cross-file checks skip them to avoid cascades.
    invalid: AbstractSet[str] = field(default_factory=frozenset, compare=False, repr=False)


@dataclass
class Bundle:
    """All five files of a bundle; an absent optional file is an empty list."""

    rows: dict[str, list[BundleRow]] = field(default_factory=lambda: {name: [] for name in FILES})
    # x_ columns named in each file's header, kept even when every cell is empty.
    extra_columns: dict[str, tuple[str, ...]] = field(
        default_factory=lambda: dict.fromkeys(FILES, ())
    )

    def count(self) -> int:
        return sum(len(rows) for rows in self.rows.values())


@dataclass(frozen=True)
class BundleError:
    """One problem in one cell: where it is, what it holds, what was expected there."""

    file: str
    line: int
    column: str
    value: str
    expected: str

    def __str__(self) -> str:
        shown = self.value if len(self.value) <= 80 else self.value[:77] + "..."
        return f"{self.file}:{self.line}:{self.column}: value '{shown}': expected {self.expected}"


class BundleRejected(Exception):
    """A bundle with at least one error; nothing was written."""

    def __init__(self, errors: list[BundleError]) -> None:
        self.errors = errors
        super().__init__(f"{len(errors)} error(s) in the registry bundle")
