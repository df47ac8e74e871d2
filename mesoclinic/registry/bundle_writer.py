"""Writing a registry bundle deterministically (pure Python).

The same bundle always gives the same bytes: the spec's columns in the spec's order, then
the ``x_`` columns sorted by name; rows sorted by their key (then by every other cell, so
rows without an id are ordered too); values in the reader's canonical form (decimals
without trailing zeros, ISO dates, ``true``/``false``); UTF-8 without a byte-order mark;
LF line endings; all five files, with a header even when empty; in a .zip, entries in a
fixed order with a fixed timestamp.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterable
from pathlib import Path

from mesoclinic.registry.bundle_format import FILES, FileSpec, format_value
from mesoclinic.registry.bundle_model import Bundle, BundleRow

# Zip entries carry this timestamp so two exports of the same data are the same bytes.
_ZIP_TIME = (1980, 1, 1, 0, 0, 0)
_SPECIAL = frozenset(',"\r\n')


def extra_columns_of(bundle: Bundle, name: str) -> tuple[str, ...]:
    names = set(bundle.extra_columns.get(name, ()))
    for row in bundle.rows[name]:
        names.update(row.extra)
    return tuple(sorted(names))


def _cells(spec: FileSpec, row: BundleRow, extras: tuple[str, ...]) -> list[str]:
    cells = [format_value(column, row.values.get(column.name)) for column in spec.columns]
    cells.extend(row.extra.get(name, "") for name in extras)
    return cells


def render_file(spec: FileSpec, rows: Iterable[BundleRow], extras: tuple[str, ...]) -> bytes:
    """One file of the bundle as bytes."""
    lines = [_cells(spec, row, extras) for row in rows]
    key_positions = [spec.column_names.index(name) for name in spec.key]
    lines.sort(key=lambda cells: (*(cells[i] for i in key_positions), *cells))
    out = io.StringIO(newline="")
    out.write(",".join(_quote(cell) for cell in (*spec.column_names, *extras)) + "\n")
    for cells in lines:
        out.write(",".join(_quote(cell) for cell in cells) + "\n")
    return out.getvalue().encode("utf-8")


def _quote(cell: str) -> str:
    # RFC 4180 quoting. Not csv.writer: with "\n" line endings it leaves a bare "\r"
    # unquoted, which a reader then takes for a line break.
    if any(char in cell for char in _SPECIAL):
        return '"' + cell.replace('"', '""') + '"'
    return cell


def render_bundle(bundle: Bundle) -> dict[str, bytes]:
    """Every file of the bundle, by name, as bytes."""
    return {
        name: render_file(spec, bundle.rows[name], extra_columns_of(bundle, name))
        for name, spec in FILES.items()
    }


def write_bundle(bundle: Bundle, destination: str | Path) -> list[Path]:
    """Write the bundle to a folder, or to a .zip when ``destination`` ends in .zip.

    A folder is created when missing; the five files in it are replaced, nothing else is
    touched. Returns the paths written.
    """
    return write_files(render_bundle(bundle), destination)


def write_files(files: dict[str, bytes], destination: str | Path) -> list[Path]:
    """Write already rendered files (``render_bundle``) to a folder or a .zip."""
    destination = Path(destination)
    if destination.suffix.lower() == ".zip":
        destination.parent.mkdir(parents=True, exist_ok=True)
        with zipfile.ZipFile(destination, "w", compression=zipfile.ZIP_DEFLATED) as archive:
            for name, data in files.items():
                info = zipfile.ZipInfo(name, date_time=_ZIP_TIME)
                info.compress_type = zipfile.ZIP_DEFLATED
                info.external_attr = 0o644 << 16
                archive.writestr(info, data)
        return [destination]
    destination.mkdir(parents=True, exist_ok=True)
    written = []
    for name, data in files.items():
        target = destination / name
        target.write_bytes(data)
        written.append(target)
    return written
