"""Rules across rows and files of a bundle (pure Python): keys, references, consistency.

A row whose cell already failed validation is not checked again on that cell, so one typo
gives one error, not a cascade. Rules beyond the spec's letter, each because the spec's
meaning implies it:
- every row of one session agrees on the session's own columns (patient, date,
  indication, protocol, practitioner), since the rows are one visit;
- a session is not dated before its patient's birth year;
- an adverse event attributed to a session belongs to that session's patient;
- ``last_seen_unresolved`` is on or after onset and, when resolved, not after resolution;
- measurements without an area (``weight_kg``) leave side and site_role empty too.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from mesoclinic.clinical_codes import MEASUREMENT_KINDS, check_measurement_value
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

_UNKNOWN_AREA = "\x00"


def _raw(file: str, column: str, value: Any) -> str:
    return format_value(FILES[file].column(column), value)


def _valid(row: BundleRow, *columns: str) -> bool:
    invalid = row.invalid
    return not invalid or invalid.isdisjoint(columns)


def cross_check(bundle: Bundle, today: dt.date, errors: list[BundleError]) -> None:
    _check_keys(bundle, errors)
    birth_years = {
        row.values["patient_id"]: row.values["birth_year"]
        for row in bundle.rows[PATIENTS.name]
        if _valid(row, "patient_id")
    }
    session_areas = _check_sessions(bundle, birth_years, errors)
    _check_injections(bundle, session_areas, errors)
    _check_measurements(bundle, birth_years, errors)
    session_patients = {
        row.values["session_id"]: row.values["patient_id"]
        for row in bundle.rows[SESSIONS.name]
        if _valid(row, "session_id", "patient_id")
    }
    _check_adverse_events(bundle, birth_years, session_patients, errors)


def _check_keys(bundle: Bundle, errors: list[BundleError]) -> None:
    for spec in (PATIENTS, SESSIONS, ADVERSE_EVENTS):
        seen: dict[tuple[Any, ...], int] = {}
        for row in bundle.rows[spec.name]:
            if not _valid(row, *spec.key):
                continue
            key = tuple(row.values[c] for c in spec.key)
            first = seen.setdefault(key, row.line)
            if first != row.line:
                what = "+".join(spec.key)
                errors.append(
                    BundleError(
                        spec.name,
                        row.line,
                        spec.key[0],
                        "/".join(_raw(spec.name, c, v) for c, v in zip(spec.key, key, strict=True)),
                        f"a {what} not already used on line {first}",
                    )
                )


def _missing_patient(file: str, row: BundleRow, errors: list[BundleError]) -> None:
    errors.append(
        BundleError(
            file, row.line, "patient_id", row.values["patient_id"], "a patient_id of patients.csv"
        )
    )


def _check_sessions(
    bundle: Bundle, birth_years: dict[str, int | None], errors: list[BundleError]
) -> dict[str, set[str]]:
    """Check sessions; return each session's areas (for the injections' check)."""
    first_rows: dict[str, BundleRow] = {}
    areas: dict[str, set[str]] = {}
    for row in bundle.rows[SESSIONS.name]:
        values = row.values
        if not _valid(row, "session_id"):
            continue
        session_id = values["session_id"]
        known = areas.setdefault(session_id, set())
        if _valid(row, "area"):
            known.add(values["area"])
        else:
            # An area that failed its own check: injections cannot be checked against it.
            known.add(_UNKNOWN_AREA)
        first = first_rows.setdefault(session_id, row)
        if first is not row:
            for column in SESSION_SHARED:
                if (
                    _valid(row, column)
                    and _valid(first, column)
                    and values[column] != first.values[column]
                ):
                    shown = _raw(SESSIONS.name, column, first.values[column])
                    errors.append(
                        BundleError(
                            SESSIONS.name,
                            row.line,
                            column,
                            _raw(SESSIONS.name, column, values[column]),
                            f"'{shown}' as on line {first.line} "
                            f"(every row of session {session_id} shares it)",
                        )
                    )
        if _valid(row, "patient_id") and values["patient_id"] is not None:
            if values["patient_id"] not in birth_years:
                _missing_patient(SESSIONS.name, row, errors)
            else:
                _check_after_birth(SESSIONS.name, row, "date", birth_years, errors)
        if values["price"] is not None and values["currency"] is None and _valid(row, "currency"):
            errors.append(
                BundleError(
                    SESSIONS.name,
                    row.line,
                    "currency",
                    "",
                    "a three-letter ISO 4217 currency code such as EUR "
                    "(required when price is given)",
                )
            )
    return areas


def _check_after_birth(
    file: str,
    row: BundleRow,
    column: str,
    birth_years: dict[str, int | None],
    errors: list[BundleError],
) -> None:
    born = birth_years.get(row.values["patient_id"])
    day = row.values[column]
    if born is not None and day is not None and day.year < born:
        errors.append(
            BundleError(
                file,
                row.line,
                column,
                day.isoformat(),
                f"a date in or after the patient's birth year {born}",
            )
        )


def _check_injections(
    bundle: Bundle, session_areas: dict[str, set[str]], errors: list[BundleError]
) -> None:
    for row in bundle.rows[INJECTIONS.name]:
        session_id = row.values["session_id"]
        if not _valid(row, "session_id") or session_id is None:
            continue
        if session_id not in session_areas:
            errors.append(
                BundleError(
                    INJECTIONS.name,
                    row.line,
                    "session_id",
                    session_id,
                    "a session_id of sessions.csv",
                )
            )
            continue
        area = row.values["area"]
        areas = session_areas[session_id]
        if _valid(row, "area") and area not in areas and _UNKNOWN_AREA not in areas:
            errors.append(
                BundleError(
                    INJECTIONS.name,
                    row.line,
                    "area",
                    area,
                    "one of that session's areas: " + ", ".join(sorted(areas)),
                )
            )


def _check_measurements(
    bundle: Bundle, birth_years: dict[str, int | None], errors: list[BundleError]
) -> None:
    file = MEASUREMENTS.name
    for row in bundle.rows[file]:
        values = row.values
        if _valid(row, "patient_id") and values["patient_id"] is not None:
            if values["patient_id"] not in birth_years:
                _missing_patient(file, row, errors)
            else:
                _check_after_birth(file, row, "date", birth_years, errors)
        kind = MEASUREMENT_KINDS.get(values["kind"] or "")
        if kind is None:
            continue
        if values["value"] is not None:
            expected = check_measurement_value(kind.code, values["value"])
            if expected is not None:
                errors.append(
                    BundleError(
                        file,
                        row.line,
                        "value",
                        _raw(file, "value", values["value"]),
                        f"{expected} for {kind.code}",
                    )
                )
        for column in ("area", "side"):
            if not _valid(row, column):
                continue
            if kind.per_area and values[column] is None:
                errors.append(
                    BundleError(
                        file,
                        row.line,
                        column,
                        "",
                        # "an area code", "a side code"
                        f"{'an' if column[0] in 'aeiou' else 'a'} {column} code "
                        f"(required for {kind.code})",
                    )
                )
            elif not kind.per_area and values[column] is not None:
                errors.append(
                    BundleError(
                        file, row.line, column, values[column], f"an empty cell for {kind.code}"
                    )
                )
        if not kind.per_area and values["site_role"] is not None:
            errors.append(
                BundleError(
                    file,
                    row.line,
                    "site_role",
                    values["site_role"],
                    f"an empty cell for {kind.code}",
                )
            )
        if kind.rated and values["rater"] is None and _valid(row, "rater"):
            errors.append(
                BundleError(
                    file,
                    row.line,
                    "rater",
                    "",
                    f"clinician or patient (required for {kind.code})",
                )
            )


def _check_adverse_events(
    bundle: Bundle,
    birth_years: dict[str, int | None],
    session_patients: dict[str, str],
    errors: list[BundleError],
) -> None:
    file = ADVERSE_EVENTS.name
    for row in bundle.rows[file]:
        values = row.values
        patient_id = values["patient_id"]
        if _valid(row, "patient_id") and patient_id is not None:
            if patient_id not in birth_years:
                _missing_patient(file, row, errors)
            else:
                _check_after_birth(file, row, "onset_date", birth_years, errors)
        session_id = values["session_id"]
        if session_id is not None and _valid(row, "session_id"):
            if session_id not in session_patients:
                errors.append(
                    BundleError(
                        file, row.line, "session_id", session_id, "a session_id of sessions.csv"
                    )
                )
            elif patient_id is not None and session_patients[session_id] != patient_id:
                errors.append(
                    BundleError(
                        file,
                        row.line,
                        "session_id",
                        session_id,
                        f"a session of patient {patient_id} (this session is another patient's)",
                    )
                )
        onset = values["onset_date"]
        resolved = values["resolved_date"]
        last_seen = values["last_seen_unresolved"]
        if onset is not None and resolved is not None and resolved < onset:
            errors.append(
                BundleError(
                    file,
                    row.line,
                    "resolved_date",
                    resolved.isoformat(),
                    f"a date on or after onset_date {onset.isoformat()}",
                )
            )
        if last_seen is not None:
            if onset is not None and last_seen < onset:
                errors.append(
                    BundleError(
                        file,
                        row.line,
                        "last_seen_unresolved",
                        last_seen.isoformat(),
                        f"a date on or after onset_date {onset.isoformat()}",
                    )
                )
            elif resolved is not None and last_seen > resolved:
                errors.append(
                    BundleError(
                        file,
                        row.line,
                        "last_seen_unresolved",
                        last_seen.isoformat(),
                        f"a date on or before resolved_date {resolved.isoformat()}",
                    )
                )
