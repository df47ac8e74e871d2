"""One site's bundle read for the pooled report, streamed: only the columns the report reads,
parsed and checked in DuckDB, one site at a time (issue 16, part 3).

The registry reader (``registry.bundle_reader``) checks every cell of every file in Python:
right for an import, but at 100,000 measurements a site it takes seconds and holds every row
as a dict. Here each CSV file of the bundle (a folder, or the entries of a .zip copied to a
temporary folder in chunks) is read by DuckDB's CSV reader, only the columns the evidence
engine reads are taken out, as typed arrays, and the checks the report relies on are run as
SQL over the whole column. Why DuckDB and not pyarrow: see docs/pooled-evidence.md.

What is checked here (the report's guarantees, as the registry reader words them):
- the layout: the four files the report reads, no unknown ``.csv``, a header naming known
  columns (or ``x_`` extensions) once each, every required column present;
- every cell the report reads: ids (at most 64 characters, no surrounding space or control
  character), codes in their lists, dates real, from 1900 and not after ``today``, measured
  values written as the format says (at most 2 decimal places) and within their kind's range
  (whole numbers for the scales), ``serious`` true or false, required cells present;
- across rows: unique keys (patient, session + area + side, event); each session's rows agree
  on its patient, date, indication and protocol; every patient id is one of patients.csv; an
  event's session exists and is its patient's; measured area, side, site role and rater as the
  kind needs them; an event's resolution and last unresolved contact not before its onset.
- the cost and dose figures' cells: a session's price (a decimal from 0, 2 places) and
  currency (required with a price), and injections.csv's session (one of sessions.csv, with
  that area), product and volume (greater than 0, 3 places).
Not checked (the report reads none of it; the registry reader checks it on import and on an
upload to a research hub): injections' lots, expiry, points, depth and technique,
practitioner ids, birth years and heights, and dates before the patient's birth year.

When any of these checks fails, or DuckDB cannot read a file, the bundle is read again by the
registry reader, whose errors name ``file:line:column`` (and whose rows are used if it finds
the bundle valid after all, e.g. a row of empty cells it skips): a malformed bundle gives the
same error as before, never a wrong estimate.
"""

from __future__ import annotations

import csv
import datetime as dt
import shutil
import tempfile
import zipfile
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from mesoclinic.clinical_codes import MEASUREMENT_KINDS
from mesoclinic.evidence.figures import Tables
from mesoclinic.registry.bundle_format import (
    ADVERSE_EVENTS,
    EARLIEST_DATE,
    FILES,
    ID_MAX_LENGTH,
    INJECTIONS,
    MEASUREMENTS,
    PATIENTS,
    SESSIONS,
    FileSpec,
    is_extension,
)
from mesoclinic.registry.bundle_model import Bundle
from mesoclinic.registry.bundle_reader import MAX_FILE_BYTES, bundle_entries, read_bundle

READ = (PATIENTS, SESSIONS, MEASUREMENTS, ADVERSE_EVENTS, INJECTIONS)
# DuckDB's own threads per site: one, as the cores are shared with the web app's workers;
# the pooled report's ``workers`` reads several sites at once instead.
THREADS = 1
# NaT as datetime64's int64: a missing date.
_NAT = np.iinfo(np.int64).min
# Python's str.strip() removes any Unicode white space; RE2's \s is ASCII only.
_SPACE = r"[\s\pZ\x1c-\x1f\x85]"


def read_site(path: str | Path, *, today: dt.date | None = None) -> Tables:
    """The site's four tables for the engine; ValueError (``file:line:column``) when the
    bundle is not valid. ``today``: no visit, measurement or event may be later (default:
    UTC's date + 1 day, the earliest time zone ahead of UTC)."""
    today = today or default_today()
    with tempfile.TemporaryDirectory(prefix="site-") as folder:
        files = _files(Path(path), Path(folder))
        tables = _read(files, today) if files is not None else None
    if tables is None:
        # The registry reader's errors (or its rows, if it finds the bundle valid after all).
        return registry_tables(path, today=today)
    return tables


def default_today() -> dt.date:
    """Without a clinic, "not in the future" allows the earliest time zone ahead of UTC."""
    return dt.datetime.now(dt.UTC).date() + dt.timedelta(days=1)


def registry_tables(path: str | Path, *, today: dt.date) -> Tables:
    """The bundle read and validated by the registry reader, as the importer does; ValueError
    lists the first errors (``file:line:column``) when it is not valid."""
    result = read_bundle(path, today=today)
    if not result.ok:
        shown = "; ".join(str(e) for e in result.errors[:5])
        more = f" (and {len(result.errors) - 5} more)" if len(result.errors) > 5 else ""
        raise ValueError(f"--bundle: not a valid registry bundle: {shown}{more}")
    return bundle_rows_tables(result.bundle)


def bundle_rows_tables(bundle: Bundle) -> Tables:
    """A bundle the registry reader has read, as the engine's tables (its rows as dicts)."""

    def values(spec: FileSpec) -> list[dict[str, object]]:
        return [dict(row.values) for row in bundle.rows.get(spec.name, [])]

    return Tables(*(values(spec) for spec in READ))


def _files(path: Path, folder: Path) -> dict[str, Path] | None:
    """The report's files on disk (a zip's entries copied into ``folder``), or None when the
    layout is one only the registry reader can describe (unknown or missing files)."""
    found: dict[str, Path] | None = None
    if path.is_dir():
        found = {c.name: c for c in sorted(path.iterdir()) if c.is_file() and c.suffix.lower() == ".csv"}  # fmt: skip
    elif path.is_file() and zipfile.is_zipfile(path):
        found = _unzip(path, folder)
    if found is None:
        return None
    if any(name not in FILES for name in found) or any(s.required and s.name not in found for s in FILES.values()):  # fmt: skip
        return None
    return {spec.name: found[spec.name] for spec in READ if spec.name in found}


def _unzip(path: Path, folder: Path) -> dict[str, Path] | None:
    """The entries the registry reader would take (``bundle_entries``), copied out in chunks:
    an entry is never held whole in memory."""
    wanted = {spec.name for spec in READ}
    with zipfile.ZipFile(path) as archive:
        found: dict[str, Path] = {}
        for name, info in bundle_entries(archive):
            if info.file_size > MAX_FILE_BYTES:
                return None
            found[name] = folder / name
            if name in wanted:
                with archive.open(info) as source, found[name].open("wb") as target:
                    shutil.copyfileobj(source, target, 1 << 20)
        return found


def _header(spec: FileSpec, path: Path) -> list[str] | None:
    """The header, when it is one the registry reader accepts; None otherwise."""
    try:
        with path.open(encoding="utf-8-sig", newline="") as text:
            header = next(csv.reader(text, strict=True), None)
    except (UnicodeDecodeError, csv.Error):
        return None
    if not header or len(set(header)) != len(header):
        return None
    if any(name not in spec.column_names and not is_extension(name) for name in header):
        return None
    if any(column.required and column.name not in header for column in spec.columns):
        return None
    return header


def _quoted(values: Any) -> str:
    return ", ".join("'" + str(v).replace("'", "''") + "'" for v in values)


def _cell_checks(spec: FileSpec, names: tuple[str, ...], today: dt.date) -> str:
    """One SQL condition true when every cell of ``names`` is one the registry reader accepts."""
    conditions = []
    for name in names:
        column = spec.column(name)
        kind, c = column.kind.value, f'"{name}"'
        if kind in ("id", "text"):
            limit = ID_MAX_LENGTH if kind == "id" else column.max_length
            ok = f"length({c}) <= {limit} AND NOT regexp_matches({c}, '^{_SPACE}|{_SPACE}$|[\\x00-\\x1f\\x7f]')"  # fmt: skip
        elif kind == "code":
            ok = f"{c} IN ({_quoted(column.codes)})"
        elif kind == "currency":
            ok = f"regexp_full_match({c}, '[A-Z]{{3}}')"
        elif kind == "boolean":
            ok = f"{c} IN ('true', 'false')"
        elif kind == "date":
            latest = today if column.not_in_future else dt.date.max
            ok = f"regexp_full_match({c}, '[0-9]{{4}}-[0-9]{{2}}-[0-9]{{2}}') AND try_cast({c} AS DATE) BETWEEN DATE '{EARLIEST_DATE}' AND DATE '{latest}'"  # fmt: skip
        elif kind == "decimal":
            whole = column.max_digits - column.max_places
            number = f"TRY_CAST({c} AS DOUBLE)"
            bounds = "".join(
                [
                    f" AND {number} {'>' if column.minimum_exclusive else '>='} {column.minimum}" if column.minimum is not None else "",
                    f" AND {number} <= {column.maximum}" if column.maximum is not None else "",
                ]
            )  # fmt: skip
            ok = (
                f"regexp_full_match({c}, '-?[0-9]+(\\.[0-9]+)?'){bounds}"
                f" AND length(rtrim(split_part({c}, '.', 2), '0')) <= {column.max_places}"
                f" AND length(ltrim(ltrim(split_part({c}, '.', 1), '-'), '0')) <= {whole}"
            )  # fmt: skip
        else:  # pragma: no cover - the report reads no other kind
            raise AssertionError(f"{spec.name}:{name}: no check for {kind}")
        empty = "true" if not column.required else "false"
        conditions.append(f"(CASE WHEN {c} IS NULL THEN {empty} ELSE coalesce({ok}, false) END)")  # fmt: skip
    return " AND ".join(conditions)


def _measured_values() -> str:
    """Each kind's range (clinical_codes.check_measurement_value), and the area, side, site
    role and rater the kind needs (bundle_checks._check_measurements)."""
    cases = []
    for kind in MEASUREMENT_KINDS.values():
        value = "TRY_CAST(value AS DOUBLE)"
        rule = f"{value} BETWEEN {kind.minimum} AND {kind.maximum}"
        if kind.integer:
            rule += f" AND {value} = floor({value})"
        if kind.per_area:
            rule += " AND area IS NOT NULL AND side IS NOT NULL"
        else:
            rule += " AND area IS NULL AND side IS NULL AND site_role IS NULL"
        if kind.rated:
            rule += " AND rater IS NOT NULL"
        cases.append(f"WHEN '{kind.code}' THEN {rule}")
    return f"coalesce(CASE kind {' '.join(cases)} ELSE false END, false)"


# Rules across rows and files, each a count of the rows that break it (all must be 0).
_ACROSS = (
    "SELECT count(*) - count(DISTINCT patient_id) FROM patients",
    "SELECT count(*) FROM (SELECT 1 FROM sessions GROUP BY session_id, area, side HAVING count(*) > 1)",  # fmt: skip
    "SELECT count(*) FROM (SELECT 1 FROM sessions GROUP BY session_id HAVING count(DISTINCT patient_id) > 1 OR count(DISTINCT date) > 1 OR count(DISTINCT indication) > 1 OR count(DISTINCT coalesce(protocol, '')) > 1)",  # fmt: skip
    "SELECT count(*) - count(DISTINCT event_id) FROM adverse_events",
    *(
        f"SELECT count(*) FROM {table} t ANTI JOIN patients p ON t.patient_id = p.patient_id"
        for table in ("sessions", "measurements", "adverse_events")
    ),
    "SELECT count(*) FROM adverse_events e WHERE session_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM sessions s WHERE s.session_id = e.session_id AND s.patient_id = e.patient_id)",  # fmt: skip
    "SELECT count(*) FROM sessions WHERE price IS NOT NULL AND currency IS NULL",
    "SELECT count(*) FROM injections i WHERE NOT EXISTS (SELECT 1 FROM sessions s WHERE s.session_id = i.session_id AND s.area = i.area)",  # fmt: skip
    "SELECT count(*) FROM adverse_events WHERE CAST(resolved_date AS DATE) < CAST(onset_date AS DATE) OR CAST(last_seen_unresolved AS DATE) < CAST(onset_date AS DATE) OR CAST(last_seen_unresolved AS DATE) > CAST(resolved_date AS DATE)",  # fmt: skip
)
# The columns the report reads from each file (read as text, then converted).
_EMPTY: dict[str, tuple[str, ...]] = {
    PATIENTS.name: ("patient_id", "sex"),
    SESSIONS.name: (
        "session_id",
        "patient_id",
        "date",
        "indication",
        "area",
        "side",
        "protocol",
        "price",
        "currency",
    ),  # fmt: skip
    MEASUREMENTS.name: (
        "patient_id",
        "date",
        "kind",
        "value",
        "area",
        "side",
        "site_role",
        "rater",
    ),
    ADVERSE_EVENTS.name: tuple(ADVERSE_EVENTS.column_names),
    INJECTIONS.name: ("session_id", "area", "product", "volume_ml"),
}


def _days(values: Any) -> np.ndarray:
    """Whole days since 1970 (NULL as NaT's integer) as datetime64[D]."""
    return np.asarray(values, dtype=np.int64).view("datetime64[D]")


def _read(files: dict[str, Path], today: dt.date) -> Tables | None:
    """The tables, or None when a check fails or DuckDB cannot read a file."""
    # Imported here: DuckDB is loaded only by the pooled report, not by every page.
    import duckdb

    connection = duckdb.connect(config={"threads": THREADS})
    try:
        for spec in READ:
            table = spec.name.removesuffix(".csv")
            names = _EMPTY[spec.name]
            if spec.name not in files:
                columns = ", ".join(f'CAST(NULL AS VARCHAR) AS "{n}"' for n in names)
                connection.execute(f"CREATE TEMP TABLE {table} AS SELECT {columns} WHERE false")
                continue
            header = _header(spec, files[spec.name])
            if header is None:
                return None
            types = "{" + ", ".join(f"{_quoted([name])}: 'VARCHAR'" for name in header) + "}"
            present = [n for n in names if n in header]
            absent = [f'CAST(NULL AS VARCHAR) AS "{n}"' for n in names if n not in header]
            select = ", ".join([f'nullif("{n}", \'\') AS "{n}"' for n in present] + absent)
            source = f"read_csv({_quoted([files[spec.name]])}, header = true, delim = ',', quote = '\"', escape = '\"', columns = {types}, auto_detect = false, strict_mode = true)"  # fmt: skip
            connection.execute(f"CREATE TEMP TABLE {table} AS SELECT {select} FROM {source}")
            bad = f"SELECT count(*) FROM {table} WHERE NOT ({_cell_checks(spec, names, today)})"
            if spec is MEASUREMENTS:
                bad += f" OR NOT {_measured_values()}"
            if _count(connection, bad):
                return None
        if any(_count(connection, query) for query in _ACROSS):
            return None
        return _tables(connection)
    except duckdb.Error:
        return None
    finally:
        connection.close()


def _count(connection: Any, query: str) -> int:
    row = connection.execute(query).fetchone()
    return int(row[0]) if row else 0


def _fetch(connection: Any, query: str) -> dict[str, Any]:
    return dict(connection.execute(query).fetchnumpy())


def _day(column: str) -> str:
    return f"coalesce(date_diff('day', DATE '1970-01-01', CAST({column} AS DATE)), {_NAT})"


def _tables(connection: Any) -> Tables:
    """The columns the engine reads, in file order (text empty for unknown, NaT for dates)."""
    text = "coalesce({0}, '') AS {0}".format
    sessions = _fetch(connection, f"SELECT {', '.join(text(c) for c in ('session_id', 'patient_id', 'indication', 'area', 'side', 'protocol', 'currency'))}, {_day('date')} AS date, coalesce(CAST(price AS DOUBLE), CAST('NaN' AS DOUBLE)) AS price FROM sessions")  # fmt: skip
    injections = _fetch(connection, f"SELECT {', '.join(text(c) for c in ('session_id', 'area', 'product'))}, CAST(volume_ml AS DOUBLE) AS volume_ml FROM injections")  # fmt: skip
    measurements = _fetch(connection, f"SELECT {', '.join(text(c) for c in ('patient_id', 'kind', 'area', 'side', 'site_role', 'rater'))}, {_day('date')} AS date, CAST(value AS DOUBLE) AS value FROM measurements")  # fmt: skip
    events = _fetch(connection, f"SELECT {', '.join(text(c) for c in ('event_id', 'patient_id', 'session_id', 'type', 'severity'))}, {_day('onset_date')} AS onset_date, {_day('resolved_date')} AS resolved_date, {_day('last_seen_unresolved')} AS last_seen_unresolved, serious = 'true' AS serious FROM adverse_events")  # fmt: skip
    patients = _fetch(connection, "SELECT patient_id FROM patients")
    for frame, dates in ((sessions, ("date",)), (measurements, ("date",)), (events, ("onset_date", "resolved_date", "last_seen_unresolved"))):  # fmt: skip
        for name in dates:
            frame[name] = _days(frame[name])
    return Tables(
        pd.DataFrame(patients),
        pd.DataFrame(sessions),
        pd.DataFrame(measurements),
        pd.DataFrame(
            {k: np.asarray(v, dtype=bool) if k == "serious" else v for k, v in events.items()}
        ),  # fmt: skip
        pd.DataFrame(injections),
    )
