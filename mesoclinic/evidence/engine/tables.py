"""The four registry-bundle tables as typed frames the engine can compute on.

Input is what ../shared/spec/registry-csv.md defines (patients, sessions with one row per
session + area + side, measurements, adverse_events), given as a list of dicts (e.g. rows
of a CSV reader or of a Django ``values()`` query) or a pandas frame. Empty cells, ``None``
and ``NaN`` all mean *unknown*. Dates may be ISO strings, ``datetime.date`` or datetime64;
the engine works on whole days since 1970-01-01. A required value that is missing or cannot
be read raises ``ValueError`` naming ``table:row:column`` and the value, as the registry
importer does — the report never silently drops a malformed row.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, TypeAlias, cast

import numpy as np
import numpy.typing as npt
import pandas as pd

Rows: TypeAlias = pd.DataFrame | Iterable[Mapping[str, Any]] | None

REQUIRED: dict[str, tuple[str, ...]] = {
    "sessions": ("session_id", "patient_id", "date", "indication", "area", "side"),
    "measurements": ("patient_id", "date", "kind", "value"),
    "adverse_events": ("event_id", "patient_id", "type", "onset_date", "severity", "serious"),
    "patients": ("patient_id",),
    "injections": ("session_id", "area", "volume_ml"),
}
OPTIONAL_TEXT: dict[str, tuple[str, ...]] = {
    "sessions": ("protocol", "practitioner_id"),
    "measurements": ("area", "side", "site_role", "rater"),
    "adverse_events": ("session_id",),
    "patients": ("sex",),
}
OPTIONAL_DATES: dict[str, tuple[str, ...]] = {
    "adverse_events": ("resolved_date", "last_seen_unresolved"),
}


@dataclass(frozen=True)
class Tables:
    """Normalised tables. ``patient`` columns are shared integer codes; days are int64;
    ``session_id`` columns are shared integer codes too (-1: no session named), so that the
    engine joins and groups sessions without hashing their ids' text (a session's id never
    reaches a report)."""

    sessions: pd.DataFrame  # patient, session_id, day, indication, area, side, protocol
    measurements: pd.DataFrame  # patient, day, kind, value, area, side, site_role, rater
    adverse_events: pd.DataFrame  # patient, event_id, session_id, type, onset_day, ...
    n_patients_listed: int
    # What was injected (registry-csv.md injections.csv), for the dose-response view:
    # session_id, area, product, volume_ml. Sessions also carry their optional ``price``
    # (float, NaN = not priced) and ``currency`` for the cost figures (evidence/engine/cost.py).
    injections: pd.DataFrame = field(default_factory=lambda: _empty_injections())


def _empty_injections() -> pd.DataFrame:
    return pd.DataFrame({"session_id": pd.Series([], dtype=np.int64), "area": pd.Series([], dtype=object), "product": pd.Series([], dtype=object), "volume_ml": pd.Series([], dtype=np.float64)})  # fmt: skip


def _frame(rows: Rows, table: str) -> pd.DataFrame:
    if rows is None:
        return pd.DataFrame({c: pd.Series([], dtype=object) for c in REQUIRED[table]})
    frame = rows if isinstance(rows, pd.DataFrame) else pd.DataFrame(list(rows))
    if frame.empty and not len(frame.columns):
        return pd.DataFrame({c: pd.Series([], dtype=object) for c in REQUIRED[table]})
    missing = [c for c in REQUIRED[table] if c not in frame.columns]
    if missing:
        raise ValueError(f"{table}: missing column {', '.join(repr(c) for c in missing)}")
    return frame.reset_index(drop=True)


def _bad(table: str, column: str, frame: pd.DataFrame, mask: np.ndarray, expected: str) -> None:
    if mask.any():
        row = int(np.flatnonzero(mask)[0])
        value = frame[column].iloc[row]
        # Row numbers count the header as line 1, like the registry importer's messages.
        raise ValueError(f"{table}:{row + 2}:{column}: {value!r} is not {expected}")


def _text(frame: pd.DataFrame, column: str) -> npt.NDArray[np.object_]:
    if column not in frame.columns:
        return np.full(len(frame), "", dtype=object)
    values = frame[column]
    # pandas has no type stubs here, so to_numpy() is Any; dtype=object fixes the type.
    return cast(
        "npt.NDArray[np.object_]",
        values.where(values.notna(), "").astype(str).to_numpy(dtype=object),
    )


def _days(frame: pd.DataFrame, table: str, column: str, required: bool) -> npt.NDArray[np.float64]:
    """Whole days since 1970-01-01 as float64 (NaN = unknown)."""
    if column not in frame.columns:
        if required:
            raise ValueError(f"{table}: missing column {column!r}")
        return np.full(len(frame), np.nan)
    raw = frame[column]
    if pd.api.types.is_datetime64_any_dtype(raw.dtype):
        parsed = raw
        unreadable = np.zeros(len(frame), dtype=bool)
    else:
        text = raw.where(raw.notna() & (raw.astype(str).str.strip() != ""), None)
        parsed = pd.to_datetime(text.astype(str).where(text.notna(), None), errors="coerce", format="ISO8601")  # fmt: skip
        unreadable = (text.notna() & parsed.isna()).to_numpy()
    _bad(table, column, frame, unreadable, "a date (YYYY-MM-DD)")
    missing = parsed.isna().to_numpy()
    if required:
        _bad(table, column, frame, missing, "a date (required)")
    # pandas is untyped here (to_numpy() is Any); the astype chain ends in int64.
    days = cast(
        "npt.NDArray[np.int64]",
        parsed.to_numpy(dtype="datetime64[ns]").astype("datetime64[D]").astype(np.int64),
    )
    out = days.astype(np.float64)
    out[missing] = np.nan
    return out


def _numbers(frame: pd.DataFrame, table: str, column: str) -> npt.NDArray[np.float64]:
    # pandas is untyped here (to_numpy() is Any); dtype=float64 fixes the type.
    values = cast(
        "npt.NDArray[np.float64]",
        pd.to_numeric(frame[column], errors="coerce").to_numpy(dtype=np.float64),
    )
    _bad(table, column, frame, ~np.isfinite(values), "a number (required)")
    return values


def _flags(frame: pd.DataFrame, table: str, column: str) -> npt.NDArray[np.bool_]:
    raw = frame[column]
    # pandas is untyped here (to_numpy() is Any); the dtype given fixes each array's type.
    if pd.api.types.is_bool_dtype(raw.dtype):
        return cast("npt.NDArray[np.bool_]", raw.to_numpy(dtype=bool))
    text = cast(
        "npt.NDArray[np.object_]", raw.astype(str).str.strip().str.lower().to_numpy(dtype=object)
    )
    _bad(table, column, frame, ~np.isin(text, ["true", "false"]), "true or false")
    # Comparing an object array is typed Any by numpy; the result is a bool array.
    return cast("npt.NDArray[np.bool_]", text == "true")


def _patient_ids(frames: tuple[tuple[str, pd.DataFrame], ...]) -> npt.NDArray[Any]:
    """Every table's patient ids, one after another, for shared codes. Integer ids (a clinic's
    database keys, read by ``evidence.columns``) are taken as they are: they factorise into
    the same codes as their text, in the same order of first appearance, without making a
    million strings; anything else is read as text, and an empty id refused."""
    if all(
        "patient_id" in frame.columns
        and (not len(frame) or pd.api.types.is_integer_dtype(frame["patient_id"].dtype))
        for _, frame in frames
    ):
        return np.concatenate([frame["patient_id"].to_numpy(dtype=np.int64) for _, frame in frames])  # fmt: skip
    for table, frame in frames:
        _bad(table, "patient_id", frame, _text(frame, "patient_id") == "", "a patient id (required)")  # fmt: skip
    return np.concatenate([_text(frame, "patient_id") for _, frame in frames])


def _prices(frame: pd.DataFrame) -> npt.NDArray[np.float64]:
    """The optional price of each session row; empty or unreadable = not priced (NaN)."""
    if "price" not in frame.columns:
        return np.full(len(frame), np.nan)
    if isinstance(frame["price"].dtype, np.dtype) and frame["price"].dtype.kind == "f":
        # Already numbers (a database read): NaN is "not priced", as below.
        return cast("npt.NDArray[np.float64]", frame["price"].to_numpy(dtype=np.float64, copy=True))  # fmt: skip
    # pandas is untyped here (to_numpy() is Any); dtype=float64 fixes the type.
    return cast("npt.NDArray[np.float64]", pd.to_numeric(frame["price"].astype(object).where(frame["price"].notna(), None), errors="coerce").to_numpy(dtype=np.float64))  # fmt: skip


def _session_ids(frames: tuple[pd.DataFrame, ...]) -> list[npt.NDArray[np.int64]]:
    """Each frame's session ids as codes shared by all of them, in order of first appearance;
    -1 where a row names no session. Integer ids (a clinic's database keys, read by
    ``evidence.columns``; negative: none) are taken as they are, anything else as text (empty:
    none): the same rows give the same codes either way."""
    if all(
        not len(frame)
        or (
            "session_id" in frame.columns
            and pd.api.types.is_integer_dtype(frame["session_id"].dtype)
        )
        for frame in frames
    ):
        ids: npt.NDArray[Any] = np.concatenate([frame["session_id"].to_numpy(dtype=np.int64) if len(frame) else np.zeros(0, np.int64) for frame in frames])  # fmt: skip
        named = ids >= 0
    else:
        ids = np.concatenate([_text(frame, "session_id") for frame in frames])
        named = ids != ""
    codes = np.full(len(ids), -1, dtype=np.int64)
    codes[named] = pd.factorize(ids[named])[0]
    cuts = np.cumsum([len(frame) for frame in frames])[:-1]
    return list(np.split(codes, cuts))


def _injections(frame: pd.DataFrame | None, session_codes: npt.NDArray[np.int64]) -> pd.DataFrame:
    if frame is None:
        return _empty_injections()
    return pd.DataFrame(
        {
            "session_id": session_codes,
            "area": _text(frame, "area"),
            "product": _text(frame, "product"),
            "volume_ml": _numbers(frame, "injections", "volume_ml"),
        }
    )


def normalise(
    patients: Rows,
    sessions: Rows,
    measurements: Rows,
    adverse_events: Rows,
    injections: Rows = None,
) -> Tables:
    """Check and convert the tables; patient ids become shared integer codes."""
    pat = _frame(patients, "patients")
    ses = _frame(sessions, "sessions")
    mea = _frame(measurements, "measurements")
    aev = _frame(adverse_events, "adverse_events")
    inj = _frame(injections, "injections") if injections is not None else None
    codes, _ = pd.factorize(_patient_ids((("sessions", ses), ("measurements", mea), ("adverse_events", aev))))  # fmt: skip
    session_codes = _session_ids((ses, aev) if inj is None else (ses, aev, inj))
    cut1, cut2 = len(ses), len(ses) + len(mea)

    session_frame = pd.DataFrame(
        {
            "patient": codes[:cut1],
            "session_id": session_codes[0],
            "day": _days(ses, "sessions", "date", True).astype(np.int64),
            "indication": _text(ses, "indication"),
            "area": _text(ses, "area"),
            "side": _text(ses, "side"),
            "protocol": _text(ses, "protocol"),
            "price": _prices(ses),
            "currency": _text(ses, "currency"),
        }
    )
    measurement_frame = pd.DataFrame(
        {
            "patient": codes[cut1:cut2],
            "day": _days(mea, "measurements", "date", True).astype(np.int64),
            "kind": _text(mea, "kind"),
            "value": _numbers(mea, "measurements", "value"),
            "area": _text(mea, "area"),
            "side": _text(mea, "side"),
            "site_role": _text(mea, "site_role"),
            "rater": _text(mea, "rater"),
        }
    )
    event_frame = pd.DataFrame(
        {
            "patient": codes[cut2:],
            "event_id": _text(aev, "event_id"),
            "session_id": session_codes[1],
            "type": _text(aev, "type"),
            "onset_day": _days(aev, "adverse_events", "onset_date", True),
            "resolved_day": _days(aev, "adverse_events", "resolved_date", False),
            "last_seen_day": _days(aev, "adverse_events", "last_seen_unresolved", False),
            "severity": _text(aev, "severity"),
            "serious": _flags(aev, "adverse_events", "serious") if len(aev) else np.zeros(0, bool),
        }
    )
    return Tables(session_frame, measurement_frame, event_frame, n_patients_listed=len(pat), injections=_injections(inj, session_codes[2] if inj is not None else np.zeros(0, np.int64)))  # fmt: skip
