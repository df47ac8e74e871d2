"""Importing a registry bundle into a clinic: validate everything, then write it all or nothing.

Matching (so that importing the same bundle twice changes nothing the second time):
- patients by MRN = ``patient_id``; sessions by ``session_id`` (an imported session's
  ``source_id``, or the public UUID an export wrote); adverse events by ``event_id``;
- injections and measurements have no id: they match by their whole content (every
  spec column), counted, so a bundle with two identical syringes adds two the first time
  and none the second;
- products by name (created without ingredients), lots by product and lot number (created
  with the earliest expiry the bundle gives for them).

A bundle never changes a record that exists: a row whose id is known but whose cells
differ from what is recorded is an error naming the cell (correct it in the app, which
amends and audits, or fix the bundle). ``x_`` cells of rows that already exist are left
as stored. New areas or injections for a session that is already signed are refused,
since a signed session changes only by amendment.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from mesoclinic.clinics.models import Clinic
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
from mesoclinic.registry.exporter import ClinicRows

Progress = Callable[[str], None]


@dataclass
class NewSession:
    key: str
    shared: dict[str, Any]
    rows: list[BundleRow] = field(default_factory=list)


@dataclass
class ImportPlan:
    """What the import will create, decided before anything is written."""

    patients: list[BundleRow] = field(default_factory=list)
    sessions: list[NewSession] = field(default_factory=list)
    # (session key, row) for areas added to sessions (new or existing)
    areas: list[tuple[str, BundleRow]] = field(default_factory=list)
    injections: list[BundleRow] = field(default_factory=list)
    measurements: list[BundleRow] = field(default_factory=list)
    events: list[BundleRow] = field(default_factory=list)
    unchanged: int = 0
    errors: list[BundleError] = field(default_factory=list)


def _content_key(file: str, row: BundleRow) -> tuple[Any, ...]:
    return tuple(row.values.get(name) for name in FILES[file].column_names)


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


def plan_import(bundle: Bundle, existing: ClinicRows) -> ImportPlan:
    plan = ImportPlan()
    errors = plan.errors
    for row in bundle.rows[PATIENTS.name]:
        known = existing.patients.get(row.values["patient_id"])
        if known is None:
            plan.patients.append(row)
            continue
        plan.unchanged += 1
        _conflicts(
            PATIENTS.name,
            row,
            known[1].values,
            ("sex", "birth_year", "height_cm"),
            f"patient {row.values['patient_id']}",
            errors,
        )
    new_sessions: dict[str, NewSession] = {}
    for row in bundle.rows[SESSIONS.name]:
        key = row.values["session_id"]
        area_key = (row.values["area"], row.values["side"])
        record = existing.sessions.get(key)
        if record is None:
            if key not in new_sessions:
                shared = {name: row.values[name] for name in ("session_id", *SESSION_SHARED)}
                new_sessions[key] = NewSession(key, shared)
                plan.sessions.append(new_sessions[key])
            plan.areas.append((key, row))
            continue
        what = f"session {key}"
        _conflicts(SESSIONS.name, row, record.shared, SESSION_SHARED, what, errors)
        if row.values["patient_id"] != record.shared["patient_id"]:
            continue  # already reported; the area rows below would only repeat it
        stored_area = record.rows.get(area_key)
        if stored_area is not None:
            plan.unchanged += 1
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
            plan.areas.append((key, row))
    _plan_counted(
        INJECTIONS.name, bundle, existing.injections, plan.injections, plan, existing, errors
    )
    _plan_counted(
        MEASUREMENTS.name, bundle, existing.measurements, plan.measurements, plan, None, errors
    )
    for row in bundle.rows[ADVERSE_EVENTS.name]:
        known_event = existing.events.get(row.values["event_id"])
        if known_event is None:
            plan.events.append(row)
            continue
        plan.unchanged += 1
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
    return plan


def _plan_counted(
    file: str,
    bundle: Bundle,
    stored_rows: list[BundleRow],
    new_rows: list[BundleRow],
    plan: ImportPlan,
    existing: ClinicRows | None,
    errors: list[BundleError],
) -> None:
    """Rows without ids: add only as many of each content as the clinic does not yet have."""
    stored = Counter(_content_key(file, row) for row in stored_rows)
    for row in bundle.rows[file]:
        key = _content_key(file, row)
        if stored[key] > 0:
            stored[key] -= 1
            plan.unchanged += 1
            continue
        if existing is not None:
            record = existing.sessions.get(row.values["session_id"])
            if record is not None and record.signed:
                errors.append(
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


def injection_side(sides: set[str]) -> str:
    """The side recorded for an injection, which the bundle gives only as an area.

    When the session treats the area on one side, that side; when on several (left and
    right rows), ``bilateral``.
    """
    return next(iter(sides)) if len(sides) == 1 else "bilateral"


def performed_at(day: dt.date, clinic: Clinic) -> dt.datetime:
    # Noon in the clinic's zone: the bundle has only the date, and noon stays on the same
    # date in every zone change (DST never moves it past midnight).
    return dt.datetime.combine(day, dt.time(12), tzinfo=zoneinfo.ZoneInfo(clinic.time_zone))


def summary_text(created: dict[str, int], unchanged: int) -> str:
    parts = [
        f"{created.get('patients', 0)} patients",
        f"{created.get('sessions', 0)} sessions ({created.get('session_areas', 0)} area rows)",
        f"{created.get('injections', 0)} injections",
        f"{created.get('measurements', 0)} measurements",
        f"{created.get('adverse_events', 0)} adverse events",
        f"{created.get('products', 0)} products",
        f"{created.get('lots', 0)} lots",
    ]
    return f"imported {', '.join(parts)}; unchanged {unchanged}"
