"""Reading and validating a registry bundle: a folder or a ``.zip`` of one (pure Python).

Every error is collected (not just the first) as ``file:line:column: value 'X': expected …``
where ``line`` is the physical line the CSV record starts on (the header is line 1) and
``column`` the column's name (``-`` when the problem is the whole line or file).

Decisions the spec leaves open, documented here so an importer knows what to expect:
- Text is UTF-8; a byte-order mark (as Excel writes) is accepted and dropped.
- A missing optional column reads as empty in every row (older bundles predate newer
  columns); a missing column whose value is required is an error on line 1.
- A row whose cells are all empty is skipped (spreadsheets leave such rows behind).
- A ``.csv`` file whose name is not one of the five is an error: it is usually a misspelt
  file name (``injection.csv``) whose rows would otherwise be lost without a word.
- Dates of things that have happened (sessions, measurements, adverse events) may not be
  after ``today``; a lot's expiry may. No date may be before 1900-01-01.
- Cross-file rules live in ``bundle_checks``.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import zipfile
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any

from mesoclinic.registry.bundle_checks import cross_check
from mesoclinic.registry.bundle_columns import check_column
from mesoclinic.registry.bundle_format import FILES, FileSpec, is_extension
from mesoclinic.registry.bundle_model import Bundle, BundleError, BundleRow

# A zip entry larger than this is refused before it is inflated (a zip bomb guard).
MAX_FILE_BYTES = 1 << 30
# The invalid columns of a row without any (shared: a row's set is never changed).
_NONE_INVALID: frozenset[str] = frozenset()


@dataclass
class ReadResult:
    bundle: Bundle
    errors: list[BundleError]

    @property
    def ok(self) -> bool:
        return not self.errors


def read_bundle(path: str | Path, *, today: dt.date) -> ReadResult:
    """Read the bundle at ``path`` (a folder or a .zip), validating every cell and reference.

    ``today`` is the importing clinic's date: no visit, measurement or event may be later.
    """
    errors: list[BundleError] = []
    sources = _load_sources(Path(path), errors)
    if errors:
        return ReadResult(Bundle(), errors)
    return read_sources(sources, today=today)


def read_sources(sources: Mapping[str, bytes], *, today: dt.date) -> ReadResult:
    """Validate a bundle given as ``{file name: bytes}`` (what a folder or zip holds)."""
    errors: list[BundleError] = []
    bundle = Bundle()
    for name in sorted(sources):
        if name not in FILES:
            errors.append(
                BundleError(name, 0, "-", name, f"a bundle file named one of {', '.join(FILES)}")
            )
    for name, spec in FILES.items():
        if name not in sources:
            if spec.required:
                errors.append(BundleError(name, 0, "-", "", f"the required file {name}"))
            continue
        _read_file(spec, sources[name], today, bundle, errors)
    cross_check(bundle, today, errors)
    return ReadResult(bundle, errors)


def _load_sources(path: Path, errors: list[BundleError]) -> dict[str, bytes]:
    if path.is_dir():
        return {
            child.name: child.read_bytes()
            for child in sorted(path.iterdir())
            if child.is_file() and child.suffix.lower() == ".csv"
        }
    if path.is_file() and zipfile.is_zipfile(path):
        return _load_zip(path, errors)
    errors.append(
        BundleError(path.name, 0, "-", str(path), "a folder or a .zip of registry CSV files")
    )
    return {}


def bundle_entries(archive: zipfile.ZipFile) -> list[tuple[str, zipfile.ZipInfo]]:
    """The bundle's CSV files in a .zip, by file name: at the root or inside one folder (a
    zipped folder), without hidden files or macOS's resource forks."""
    entries = [
        info
        for info in archive.infolist()
        if not info.is_dir()
        and info.filename.lower().endswith(".csv")
        and not PurePosixPath(info.filename).name.startswith(".")
        and "__MACOSX" not in info.filename
    ]
    parents = {PurePosixPath(info.filename).parent for info in entries}
    root = PurePosixPath(".")
    if root not in parents and len(parents) == 1:
        root = next(iter(parents))
    return [
        (PurePosixPath(info.filename).name, info)
        for info in entries
        if PurePosixPath(info.filename).parent == root
    ]


def _load_zip(path: Path, errors: list[BundleError]) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as archive:
        sources: dict[str, bytes] = {}
        for name, info in bundle_entries(archive):
            if info.file_size > MAX_FILE_BYTES:
                errors.append(
                    BundleError(
                        name,
                        0,
                        "-",
                        f"{info.file_size} bytes",
                        f"a file of at most {MAX_FILE_BYTES} bytes",
                    )
                )
                continue
            sources[name] = archive.read(info)
        return sources


def _decode(name: str, data: bytes, errors: list[BundleError]) -> str | None:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        bad = data[exc.start : exc.end].hex(" ")
        errors.append(BundleError(name, line, "-", f"bytes {bad}", "UTF-8 text"))
        return None


def _read_file(
    spec: FileSpec, data: bytes, today: dt.date, bundle: Bundle, errors: list[BundleError]
) -> None:
    text = _decode(spec.name, data, errors)
    if text is None:
        return
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    try:
        header = next(reader, None)
    except csv.Error as exc:
        errors.append(BundleError(spec.name, 1, "-", "", f"a valid CSV header ({exc})"))
        return
    if not header:
        errors.append(BundleError(spec.name, 1, "-", "", "a header row naming the columns"))
        return
    positions = _check_header(spec, header, today, errors)
    if positions is None:
        return
    extras = tuple(sorted(name for name in header if is_extension(name)))
    bundle.extra_columns[spec.name] = extras
    extra_positions = [(name, header.index(name)) for name in extras]
    width = len(header)
    # Errors of this file as (line, column's position, error), put in reading order at the end.
    found: list[tuple[int, int, BundleError]] = []
    start = reader.line_num + 1
    # Most files are one record a line, none blank or short: read in one call, and each
    # record's line follows from its place. Anything else is read again record by record.
    try:
        rest: list[list[str]] | None = list(reader)
    except csv.Error:
        rest = None
    broken: BundleError | None = None
    if (
        rest is not None
        and reader.line_num == start - 1 + len(rest)
        and all(map(any, rest))
        and set(map(len, rest)) <= {width}
    ):
        records, lines = rest, list(range(start, start + len(rest)))
    else:
        reader = csv.reader(io.StringIO(text, newline=""), strict=True)
        next(reader)  # the header, read above
        records, lines, broken = _one_by_one(spec, reader, width, start, found)
    bundle.rows[spec.name].extend(
        _parse_rows(spec, records, lines, positions, extra_positions, today, found)
    )
    found.sort(key=lambda item: (item[0], item[1]))
    errors.extend(error for _, _, error in found)
    if broken is not None:
        # Nothing after a quoting error can be read reliably: the file's reading stops there.
        errors.append(broken)


def _one_by_one(
    spec: FileSpec,
    reader: Any,
    width: int,
    start: int,
    found: list[tuple[int, int, BundleError]],
) -> tuple[list[list[str]], list[int], BundleError | None]:
    """The records after the header with the line each starts on, read one at a time:
    blank records skipped, a record of the wrong width reported to ``found``, and the
    quoting error that stops the reading, if any."""
    records: list[list[str]] = []
    lines: list[int] = []
    broken: BundleError | None = None
    while True:
        try:
            record = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            broken = BundleError(spec.name, start, "-", "", f"valid CSV quoting ({exc})")
            break
        line, start = start, reader.line_num + 1
        if not any(record):
            continue
        if len(record) != width:
            found.append(
                (
                    line,
                    -1,
                    BundleError(
                        spec.name,
                        line,
                        "-",
                        f"{len(record)} cells",
                        f"{width} cells as in the header",
                    ),
                )
            )
            continue
        records.append(record)
        lines.append(line)
    return records, lines, broken


def _parse_rows(
    spec: FileSpec,
    records: list[list[str]],
    lines: list[int],
    positions: dict[str, int],
    extras: list[tuple[str, int]],
    today: dt.date,
    found: list[tuple[int, int, BundleError]],
) -> list[BundleRow]:
    """The rows of ``records``, checked a column at a time (``bundle_columns``: most
    columns are proved valid with a few calls into C, the rest checked cell by cell).
    A cell's error goes to ``found``."""
    if not records:
        return []
    invalid: dict[int, set[str]] = {}
    value_columns: list[list[object]] = []
    # The file's columns at once (every record has the header's width).
    cells = list(zip(*records, strict=True))
    for position, column in enumerate(spec.columns):
        index = positions.get(column.name)
        raws = cells[index] if index is not None else ("",) * len(records)
        values, bad = check_column(column, today, raws)
        value_columns.append(values)
        for i, expected in bad:
            found.append(
                (
                    lines[i],
                    position,
                    BundleError(spec.name, lines[i], column.name, raws[i], expected),
                )
            )
            invalid.setdefault(i, set()).add(column.name)
    names = spec.column_names
    valid = _NONE_INVALID
    if not extras:
        return [
            BundleRow(dict(zip(names, values, strict=True)), {}, line, invalid.get(i, valid))
            for i, (values, line) in enumerate(
                zip(zip(*value_columns, strict=True), lines, strict=True)
            )
        ]
    return [
        BundleRow(
            dict(zip(names, values, strict=True)),
            {name: record[index] for name, index in extras},
            line,
            invalid.get(i, valid),
        )
        for i, (values, record, line) in enumerate(
            zip(zip(*value_columns, strict=True), records, lines, strict=True)
        )
    ]


def _check_header(
    spec: FileSpec, header: list[str], today: dt.date, errors: list[BundleError]
) -> dict[str, int] | None:
    """Map each spec column to its position in the header; None when the header is unusable."""
    positions: dict[str, int] = {}
    ok = True
    seen: set[str] = set()
    for index, name in enumerate(header):
        if name in seen:
            errors.append(
                BundleError(spec.name, 1, name, name, "each column named once in the header")
            )
            ok = False
        seen.add(name)
        if name in spec.column_names:
            positions[name] = index
        elif not is_extension(name):
            errors.append(
                BundleError(
                    spec.name,
                    1,
                    name,
                    name,
                    f"a column of {spec.name} ({', '.join(spec.column_names)}) "
                    "or an extension column starting with x_",
                )
            )
            ok = False
    for column in spec.columns:
        if column.required and column.name not in positions:
            errors.append(
                BundleError(spec.name, 1, column.name, "", f"a column named {column.name}")
            )
            ok = False
    return positions if ok else None
