"""Which analysed course each session row belongs to (for the cost and dose figures).

A course (``courses.build_courses``) is one patient's sessions for one area and protocol, at
most ``GAP_DAYS`` apart, so the session rows of a course are those with its patient, area
and protocol dated from its time zero to its last session: courses of the same key never
overlap in time, so each row has at most one.
"""

from __future__ import annotations

import math
from typing import Any, cast

import numpy as np
import pandas as pd

from mesoclinic.evidence.engine.courses import Dataset
from mesoclinic.evidence.engine.tables import Tables


def sessions_in_scope(tables: Tables, indication: str, area: str | None) -> pd.DataFrame:
    """The session rows of the indication (× area), as ``build_dataset`` selects them."""
    sessions = tables.sessions
    scope = sessions["indication"].to_numpy() == indication
    if area is not None:
        scope &= sessions["area"].to_numpy() == area
    return sessions[scope]


def course_sessions(tables: Tables, dataset: Dataset, indication: str, area: str | None) -> pd.DataFrame:  # fmt: skip
    """The session rows of the dataset's analysed courses, each with its ``course``: computed
    once per dataset and tables (the frame is shared, so callers derive from it, never
    modify it)."""
    key = ("course_sessions", indication, area)
    known = dataset.memo.get(key)
    if isinstance(known, tuple) and known[0] is tables:
        return cast("pd.DataFrame", known[1])
    found = _course_sessions(tables, dataset, indication, area)
    dataset.memo[key] = (tables, found)
    return found


def _course_sessions(tables: Tables, dataset: Dataset, indication: str, area: str | None) -> pd.DataFrame:  # fmt: skip
    rows = sessions_in_scope(tables, indication, area)
    courses = dataset.courses
    if rows.empty or courses.empty:
        return rows.iloc[0:0].assign(course=pd.Series([], dtype=np.int64))
    keys = courses[["course", "patient", "area", "protocol", "t0", "last_day"]]
    merged = rows.merge(keys, on=["patient", "area", "protocol"], how="inner")
    day = merged["day"].to_numpy()
    inside = (day >= merged["t0"].to_numpy()) & (day <= merged["last_day"].to_numpy())
    return merged[inside].drop(columns=["t0", "last_day"]).reset_index(drop=True)


def finite_or_none(value: Any) -> Any:
    """The section with every NaN or infinity as None: the report is JSON, which has neither
    (a figure that cannot be bounded is null, as the spec's are)."""
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, dict):
        return {k: finite_or_none(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [finite_or_none(v) for v in value]
    if isinstance(value, np.floating | np.integer):
        return finite_or_none(value.item())
    return value
