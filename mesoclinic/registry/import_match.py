"""Matching a registry bundle against a clinic's recorded rows: which rows are new, which are
already there, and which contradict a record (pure Python, no Django import).

Matching (so that importing the same bundle twice changes nothing the second time):
- patients by MRN = ``patient_id``; sessions by ``session_id`` (an imported session's
  ``source_id``, or the public UUID an export wrote); adverse events by ``event_id``;
- injections and measurements have no id: they match by their whole content (every
  spec column), counted, so a bundle with two identical syringes adds two the first time
  and none the second.

A bundle never changes a record that exists: a row whose id is known but whose cells
differ from what is recorded is an error naming the cell (correct it in the app, which
amends and audits, or fix the bundle). ``x_`` cells of rows that already exist are left
as stored. New areas or injections for a session that is already signed are refused,
since a signed session changes only by amendment.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from mesoclinic.registry.bundle_format import (
    ADVERSE_EVENTS,
    FILES,
    INJECTIONS,
    MEASUREMENTS,
    PATIENTS,
    SESSION_SHARED,
    SESSIONS,
    format_value,
)
from mesoclinic.registry.bundle_model import Bundle, BundleError, BundleRow
from mesoclinic.registry.recorded_rows import ClinicRows


@dataclass
class Matched:
    """The bundle rows that are new to the clinic, before their references are resolved."""

    patients: list[BundleRow] = field(default_factory=list)
    # session key -> its first row (the session-level cells), for sessions the clinic lacks
    sessions: dict[str, BundleRow] = field(default_factory=dict)
    # (session key, row) for areas added to sessions (new or existing)
    areas: list[tuple[str, BundleRow]] = field(default_factory=list)
    injections: list[BundleRow] = field(default_factory=list)
    measurements: list[BundleRow] = field(default_factory=list)
    events: list[BundleRow] = field(default_factory=list)
    unchanged: int = 0
    errors: list[BundleError] = field(default_factory=list)


def match_rows(bundle: Bundle, injections: list[BundleRow], recorded: ClinicRows) -> Matched:
    """The bundle's rows that the clinic lacks, and every contradiction as an error.

    ``injections`` are the bundle's injection rows with their lot's expiry filled in, so
    that they compare with the rows an export writes.
    """
    matched = Matched()
    errors = matched.errors
    for row in bundle.rows[PATIENTS.name]:
        known = recorded.patients.get(row.values["patient_id"])
        if known is None:
            matched.patients.append(row)
            continue
        matched.unchanged += 1
        _conflicts(
            PATIENTS.name,
            row,
            known[1].values,
            ("sex", "birth_year", "height_cm"),
            f"patient {row.values['patient_id']}",
            errors,
        )
    for row in bundle.rows[SESSIONS.name]:
        key = row.values["session_id"]
        record = recorded.sessions.get(key)
        if record is None:
            matched.sessions.setdefault(key, row)
            matched.areas.append((key, row))
            continue
        what = f"session {key}"
        _conflicts(SESSIONS.name, row, record.shared, SESSION_SHARED, what, errors)
        if row.values["patient_id"] != record.shared["patient_id"]:
            continue  # already reported; the area rows below would only repeat it
        stored_area = record.rows.get((row.values["area"], row.values["side"]))
        if stored_area is not None:
            matched.unchanged += 1
            _conflicts(SESSIONS.name, row, stored_area.values, ("price", "currency"), what, errors)
        elif record.signed:
            errors.append(
                BundleError(
                    SESSIONS.name,
                    row.line,
                    "area",
                    row.values["area"],
                    f"only the areas already recorded for session {key}, which is signed "
                    "(a signed session changes only by amendment in the app)",
                )
            )
        else:
            matched.areas.append((key, row))
    _match_counted(
        INJECTIONS.name, injections, recorded.injections, matched.injections, matched, recorded
    )
    _match_counted(
        MEASUREMENTS.name,
        bundle.rows[MEASUREMENTS.name],
        recorded.measurements,
        matched.measurements,
        matched,
        None,
    )
    for row in bundle.rows[ADVERSE_EVENTS.name]:
        known_event = recorded.events.get(row.values["event_id"])
        if known_event is None:
            matched.events.append(row)
            continue
        matched.unchanged += 1
        columns = [c for c in ADVERSE_EVENTS.column_names if c != "event_id"]
        _conflicts(
            ADVERSE_EVENTS.name,
            row,
            known_event[1].values,
            columns,
            f"adverse event {row.values['event_id']}",
            errors,
        )
    errors.sort(key=lambda e: (list(FILES).index(e.file) if e.file in FILES else 99, e.line))
    return matched


def _content_key(file: str, row: BundleRow) -> tuple[Any, ...]:
    return tuple(map(row.values.get, FILES[file].column_names))


def _conflicts(
    file: str,
    row: BundleRow,
    stored: dict[str, Any],
    columns: Sequence[str],
    what: str,
    errors: list[BundleError],
) -> None:
    spec = FILES[file]
    for name in columns:
        given = row.values.get(name)
        if given is not None and given != stored.get(name):
            recorded = format_value(spec.column(name), stored.get(name))
            errors.append(
                BundleError(
                    file,
                    row.line,
                    name,
                    format_value(spec.column(name), given),
                    f"'{recorded}' as already recorded for {what} "
                    "(a bundle does not change existing records)",
                )
            )


def _match_counted(
    file: str,
    rows: list[BundleRow],
    stored_rows: list[BundleRow],
    new_rows: list[BundleRow],
    matched: Matched,
    recorded: ClinicRows | None,
) -> None:
    """Rows without ids: add only as many of each content as the clinic does not yet have.

    ``recorded`` is given for rows that belong to a session, which a signed one refuses.
    """
    if not stored_rows and (
        recorded is None or not any(record.signed for record in recorded.sessions.values())
    ):
        # Nothing to match against, nothing signed to refuse (a first import): all are new.
        new_rows.extend(rows)
        return
    stored = Counter(_content_key(file, row) for row in stored_rows)
    for row in rows:
        key = _content_key(file, row)
        if stored[key] > 0:
            stored[key] -= 1
            matched.unchanged += 1
            continue
        if recorded is not None:
            record = recorded.sessions.get(row.values["session_id"])
            if record is not None and record.signed:
                matched.errors.append(
                    BundleError(
                        file,
                        row.line,
                        "session_id",
                        row.values["session_id"],
                        "a session that is not signed (a signed session's injections "
                        "change only by amendment in the app)",
                    )
                )
                continue
        new_rows.append(row)
