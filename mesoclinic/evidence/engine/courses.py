"""Courses, time zero, baseline and the one analysis dataset (evidence-analytics.md §4).

- **Course** = (patient, indication, area, protocol) with sessions at most ``GAP_DAYS``
  apart; **time zero** = its first session. Sessions are counted as distinct session days
  (a session recorded on the left and the right side is one session of the course).
- **Sites.** A measurement of the outcome at the course's area belongs to the latest course
  whose baseline window has opened (time zero − ``BASELINE_DAYS`` ≤ date) and ends
  ``WINDOW_END_DAYS`` after its last session. Its role is the recorded ``site_role``; when
  empty, the site is *treated* if the course treats that side (a bilateral session treats
  left, right and bilateral sites) and *control* otherwise. This is the registry rule
  (registry-csv.md, measurements.site_role) applied to the whole course, so that the
  pre-treatment baseline of a site that the course goes on to treat counts as treated.
- **Baseline** = the last measurement of the site in [time zero − 30 d, time zero]. Courses
  without a treated-site baseline are excluded and counted.
- Per measurement: ``sess_before`` (sessions of the course strictly before its date; a
  measurement on a session day is taken before the injection), days since time zero, days
  after the last session, and the patient's weight on that date (nearest reading within
  ``WEIGHT_MATCH_DAYS``), smoothed per site series by a least-squares line when the series
  has ≥ 3 readings (evidence-analytics.md §5, "per-patient weight smoothing").
- **Primary window** = 8–16 weeks after the last session (mirroring REFINE's 12 weeks);
  the measurement closest to 12 weeks is used.
- **Kinds rated against baseline** (``RELATIVE_KINDS``, change-from-baseline by
  construction): GAIS rates the result against the pre-treatment appearance
  (mesotherapy-clinical.md §5.4, https://flexikon.doccheck.com/de/Global_Aesthetic_Improvement_Scale),
  so it has no baseline reading and none is looked for. Its ratings after time zero belong to
  the course; ``baseline`` stays NaN, and a course counts as analysed when it has a
  treated-site rating after time zero (``courses_with_rating``), not a baseline.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import cast

import numpy as np
import numpy.typing as npt
import pandas as pd

from mesoclinic.evidence.engine.runs import key_means, search_many, sort_order, stable_argsort
from mesoclinic.evidence.engine.tables import Tables

GAP_DAYS = 60
BASELINE_DAYS = 30
WINDOW_START_DAYS = 8 * 7
WINDOW_TARGET_DAYS = 12 * 7
WINDOW_END_DAYS = 16 * 7
WEIGHT_MATCH_DAYS = 7
MIN_SMOOTHING_READINGS = 3

RATED_KINDS = frozenset({"pcss", "smfrs"})  # registry-csv.md: clinician and patient versions
# Change-from-baseline by construction: the score itself is a comparison with the
# pre-treatment appearance (GAIS, mesotherapy-clinical.md §5.4). GAIS is rated by the
# investigator (I-GAIS) and by the subject (S-GAIS); a GAIS without a rater is taken as the
# investigator's, since patients' ratings always arrive with rater "patient" (aftercare).
RELATIVE_KINDS = frozenset({"gais"})

# Side coverage as bit masks: a bilateral session treats left, right and bilateral sites.
_SITE_BIT = {"left": 1, "right": 2, "bilateral": 4, "midline": 8, "": 15}
_SESSION_COVERS = {"left": 1, "right": 2, "bilateral": 1 | 2 | 4, "midline": 8, "": 15}


_DERIVED = {
    "course": np.int64, "days": np.int64, "post_days": np.int64, "sess_before": np.float64,
    "treated": bool, "series": np.int64, "baseline": np.float64, "weight_raw_kg": np.float64,
    "weight_kg": np.float64,
}  # fmt: skip


@dataclass(frozen=True)
class Dataset:
    """The analysis dataset of one indication (× area) × outcome kind."""

    courses: pd.DataFrame  # course, patient, area, protocol, t0, last_day, n_sessions, ...
    rows: pd.DataFrame  # one row per outcome measurement of an analysed course
    flow: dict[str, int]
    # What the report's sections derive from this dataset and would otherwise compute again
    # (course_sessions.course_sessions, asked for by the cost and the dose figures alike).
    memo: dict[tuple[object, ...], object] = field(default_factory=dict, init=False, repr=False, compare=False)  # fmt: skip


def _codes(*columns: np.ndarray) -> npt.NDArray[np.int64]:
    """One integer code per distinct tuple of the given columns, numbered in order of first
    appearance (as ``groupby(sort=False).ngroup()``)."""
    # Each column factorised on its own and the codes combined into one int64: a factorise
    # of that is much cheaper than pandas' grouping by several columns. Every column here
    # is complete (text columns use "" for unknown): a missing value would make a code -1.
    combined = np.zeros(len(columns[0]), dtype=np.int64)
    total = 1
    for column in columns:
        codes, distinct = pd.factorize(column)
        total *= max(len(distinct), 1)
        if total >= 1 << 62 or (codes < 0).any():
            break
        combined = combined * max(len(distinct), 1) + codes
    else:
        return cast("npt.NDArray[np.int64]", pd.factorize(combined)[0].astype(np.int64))
    frame = pd.DataFrame({str(i): c for i, c in enumerate(columns)})
    # pandas is untyped here (to_numpy() is Any); ngroup() numbers groups as int64.
    return cast(
        "npt.NDArray[np.int64]", frame.groupby(list(frame.columns), sort=False).ngroup().to_numpy()
    )


def _bits(sides: npt.NDArray[np.object_], table: dict[str, int]) -> npt.NDArray[np.int64]:
    """Each side's bit mask (15, every site, for a side not in ``table`` or unknown), looked
    up once per distinct side rather than once per row."""
    codes, distinct = pd.factorize(sides)
    # Code -1 (unknown) takes the 15 appended last.
    bits = np.array([table.get(side, 15) for side in distinct] + [15], dtype=np.int64)
    out: npt.NDArray[np.int64] = bits[codes]
    return out


def _order(frame: pd.DataFrame, columns: tuple[str, ...]) -> npt.NDArray[np.intp]:
    return sort_order(*(frame[c].to_numpy() for c in columns))


def ordered(frame: pd.DataFrame, *columns: str) -> pd.DataFrame:
    """``frame.sort_values(list(columns), kind="stable")`` for integer columns, by one
    stable sort of the columns themselves (pandas factorises each key first)."""
    return frame.iloc[_order(frame, columns)] if len(frame) else frame


def first_or_last(frame: pd.DataFrame, key: str, *then: str, last: bool = True) -> pd.DataFrame:
    """``ordered(frame, key, *then).groupby(key).tail(1)`` (or ``head(1)``): the last (first)
    row of each ``key`` in that order, the end of its run among the sorted rows, taken from
    ``frame`` in one step (every step over a registry's rows copies all their columns)."""
    if not len(frame):
        return frame
    order = _order(frame, (key, *then))
    values = frame[key].to_numpy()[order]
    change = values[1:] != values[:-1]
    return frame.iloc[order[np.append(change, True) if last else np.insert(change, 0, True)]]


def build_courses(sessions: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Courses of the given session rows, and the distinct (course, day) session days."""
    ses = sessions.assign(key=_codes(sessions["patient"].to_numpy(), sessions["area"].to_numpy(), sessions["protocol"].to_numpy()))  # fmt: skip
    ses = ordered(ses, "key", "day")
    key = ses["key"].to_numpy()
    day = ses["day"].to_numpy()
    new = np.ones(len(ses), dtype=bool)
    new[1:] = (key[1:] != key[:-1]) | (day[1:] - day[:-1] > GAP_DAYS)
    ses["course"] = np.cumsum(new) - 1
    ses["covers"] = _bits(ses["side"].to_numpy(dtype=object), _SESSION_COVERS)
    # Rows are sorted by course (numbered in order) and by day within it, so each course is
    # one run starting at a ``new`` row: its first row gives its patient, area, protocol and
    # time zero, its last row its last day, and each of its distinct days starts a run of
    # equal days (what groupby first/min/max and drop_duplicates gave, without hashing).
    starts = np.flatnonzero(new)
    day_starts = new.copy()
    day_starts[1:] |= day[1:] != day[:-1]
    days = ses.iloc[np.flatnonzero(day_starts)][["course", "day", "patient"]]
    courses = ses.iloc[starts][["patient", "area", "protocol"]].reset_index(drop=True)
    courses["t0"] = day[starts]
    courses["last_day"] = day[np.append(starts[1:], len(ses)) - 1 if len(ses) else starts]
    covers = ses["covers"].to_numpy()
    courses["covers"] = np.bitwise_or.reduceat(covers, starts) if len(ses) else covers
    courses["n_sessions"] = np.add.reduceat(day_starts.astype(np.int64), starts) if len(ses) else np.zeros(0, np.int64)  # fmt: skip
    courses.index.name = "course"
    return courses.reset_index(), days


def _assign_courses(meas: pd.DataFrame, courses: pd.DataFrame) -> np.ndarray:
    """Course index of each measurement (latest course whose baseline window opened), or -1."""
    patient, area = courses["patient"].to_numpy(), courses["area"].to_numpy()
    pa_course = _codes(patient, area)
    # Each measurement's (patient, area) code, found through one integer key per pair in a
    # hash index rather than a merge on the text column (a registry's readings are many).
    areas = pd.Index(pd.unique(area))
    pair_key = patient.astype(np.int64) * len(areas) + areas.get_indexer(area)
    keys, first = np.unique(pair_key, return_index=True)
    meas_area = areas.get_indexer(meas["area"].to_numpy())
    found = pd.Index(keys).get_indexer(meas["patient"].to_numpy().astype(np.int64) * len(areas) + meas_area)  # fmt: skip
    # An area no course has (-1) would make the key of another patient's pair.
    has_pa = (found >= 0) & (meas_area >= 0)
    pa_meas = pa_course[first[np.where(has_pa, found, 0)]]
    low = int(min(courses["t0"].min() - BASELINE_DAYS, meas["day"].min()))
    span = int(max(courses["last_day"].max(), meas["day"].max())) - low + 1
    start = pa_course.astype(np.int64) * span + (courses["t0"].to_numpy() - BASELINE_DAYS - low)
    order = stable_argsort(start)
    pa_safe = np.where(has_pa, pa_meas, 0).astype(np.int64)
    key = pa_safe * span + (meas["day"].to_numpy() - low)
    pos = search_many(start[order], key, side="right") - 1
    course = np.where(pos >= 0, order[np.clip(pos, 0, None)], -1)
    ok = has_pa & (pos >= 0)
    ok &= np.where(ok, pa_course[np.clip(course, 0, None)] == pa_safe, False)
    last = courses["last_day"].to_numpy()[np.clip(course, 0, None)]
    ok &= meas["day"].to_numpy() <= last + WINDOW_END_DAYS
    return np.where(ok, course, -1)


def _count_before(days: pd.DataFrame, course: np.ndarray, day: np.ndarray) -> npt.NDArray[np.intp]:
    """Number of session days of ``course`` strictly before ``day``, vectorised."""
    if not len(day):
        # No reading fell inside a course (e.g. only readings long after it).
        return np.zeros(0, dtype=np.int64)
    low = int(min(days["day"].min(), day.min()))
    span = int(max(days["day"].max(), day.max())) - low + 1
    sess_key = np.sort(
        days["course"].to_numpy().astype(np.int64) * span + days["day"].to_numpy() - low
    )
    # Where each course's session days begin, looked up once per course rather than once
    # per reading (a search over unsorted keys is slow).
    starts = np.searchsorted(sess_key, np.arange(int(course.max()) + 1, dtype=np.int64) * span)
    first = starts[course]
    # sess_key comes from untyped pandas columns, so numpy types this difference as Any;
    # searchsorted returns intp positions.
    return cast(
        "npt.NDArray[np.intp]",
        search_many(sess_key, course.astype(np.int64) * span + day - low) - first,
    )


def _match_weight(weights: pd.DataFrame, patient: np.ndarray, day: np.ndarray) -> np.ndarray:
    """The patient's weight reading nearest in time (within WEIGHT_MATCH_DAYS), else NaN."""
    if weights.empty or not len(day):
        return np.full(len(day), np.nan)
    w_day = weights["day"].to_numpy()
    low = int(min(w_day.min(), day.min())) - WEIGHT_MATCH_DAYS - 1
    span = int(max(w_day.max(), day.max())) - low + WEIGHT_MATCH_DAYS + 2
    # The mean reading per (patient, day), as groupby(["patient", "day"]).mean() gives it,
    # grouped by one integer key ordered as the pairs (pandas factorises both columns).
    wkey, w_value = key_means(weights["value"].to_numpy(dtype=np.float64), weights["patient"].to_numpy().astype(np.int64) * span + (w_day - low))  # fmt: skip
    key = patient.astype(np.int64) * span + (day - low)
    right = np.clip(search_many(wkey, key), 0, len(wkey) - 1)
    left = np.clip(right - 1, 0, len(wkey) - 1)
    gap_right = np.abs(wkey[right] - key)
    gap_left = np.abs(wkey[left] - key)
    best = np.where(gap_left < gap_right, left, right)
    gap = np.minimum(gap_left, gap_right)
    return np.where(gap <= WEIGHT_MATCH_DAYS, w_value[best], np.nan)


def _smooth(series: np.ndarray, day: np.ndarray, weight: np.ndarray) -> np.ndarray:
    """Least-squares line of weight on day per series (raw readings where too few)."""
    ok = np.isfinite(weight)
    g = np.where(ok, series, 0)
    n_series = int(series.max()) + 1 if len(series) else 0
    t = day.astype(np.float64)
    w = np.where(ok, weight, 0.0)
    okf = ok.astype(np.float64)
    n = np.bincount(g, okf, n_series)
    st, sw = np.bincount(g, okf * t, n_series), np.bincount(g, w, n_series)
    stt, stw = np.bincount(g, okf * t * t, n_series), np.bincount(g, w * t, n_series)
    with np.errstate(invalid="ignore", divide="ignore"):
        sxx = stt - st * st / n
        slope = (stw - st * sw / n) / sxx
        intercept = (sw - slope * st) / n
    usable = (n >= MIN_SMOOTHING_READINGS) & (sxx > 1e-9)
    fitted = intercept[series] + slope[series] * t
    return np.where(ok & usable[series], fitted, weight)


def _flow_counts(relative: bool, analysed: int, courses: int) -> dict[str, int]:
    """Courses analysed, and those left out: for want of a baseline, or (kinds rated against
    baseline) of any rating after time zero."""
    if relative:
        return {"courses_analysed": analysed, "courses_with_rating": analysed, "excluded_no_rating": courses - analysed}  # fmt: skip
    return {"courses_analysed": analysed, "courses_with_baseline": analysed, "excluded_no_baseline": courses - analysed}  # fmt: skip


def build_dataset(
    tables: Tables, indication: str, area: str | None, outcome: str, rater: str = "clinician"
) -> Dataset:
    """Courses and per-measurement derived variables for one indication (× area) × outcome.

    For the scales rated by both clinician and patient (``RATED_KINDS``, and GAIS) only
    ``rater``'s readings are used. For ``RELATIVE_KINDS`` no baseline is needed (see the
    module docstring).
    """
    relative = outcome in RELATIVE_KINDS
    ses = tables.sessions
    scope = ses["indication"].to_numpy() == indication
    if area is not None:
        scope &= ses["area"].to_numpy() == area
    # Only the columns build_courses reads: each of its sorts copies every column it is given.
    courses, days = build_courses(ses.loc[scope, ["patient", "day", "area", "side", "protocol"]])
    meas = tables.measurements
    flow = {"patients": int(courses["patient"].nunique()), "courses": len(courses)}
    kind_rows = meas[meas["kind"].to_numpy() == outcome]
    if outcome in RATED_KINDS:
        kind_rows = kind_rows[kind_rows["rater"].to_numpy() == rater]
    elif relative:
        raters = kind_rows["rater"].to_numpy()
        kind_rows = kind_rows[(raters == rater) | ((raters == "") & (rater == "clinician"))]
    if courses.empty or kind_rows.empty:
        flow.update(_flow_counts(relative, 0, len(courses)))
        empty = kind_rows.iloc[0:0].assign(**{c: pd.Series([], dtype=t) for c, t in _DERIVED.items()})  # fmt: skip
        return Dataset(courses.iloc[0:0], empty, flow)

    course = _assign_courses(kind_rows, courses)
    rows = kind_rows[course >= 0].assign(course=course[course >= 0])
    c = rows["course"].to_numpy()
    t0 = courses["t0"].to_numpy()[c]
    rows["days"] = rows["day"].to_numpy() - t0
    rows["post_days"] = rows["day"].to_numpy() - courses["last_day"].to_numpy()[c]
    rows["sess_before"] = _count_before(days, c, rows["day"].to_numpy()).astype(np.float64)
    site_bit = _bits(rows["side"].to_numpy(dtype=object), _SITE_BIT)
    derived_treated = (courses["covers"].to_numpy()[c] & site_bit) != 0
    role = rows["site_role"].to_numpy()
    rows["treated"] = np.where(role == "", derived_treated, role == "treated")
    rows["series"] = _codes(c, rows["side"].to_numpy(), rows["treated"].to_numpy())

    if relative:
        # Rated against the pre-treatment appearance: no baseline to find; a rating at or
        # before time zero has nothing to compare with yet and is not used.
        rows = rows[rows["days"].to_numpy() > 0].assign(baseline=np.nan)
    else:
        # Baseline: last reading of each site series in [t0 - 30, t0].
        in_base = rows["days"].to_numpy() <= 0
        base = first_or_last(rows[in_base], "series", "day")
        base_value = pd.Series(base["value"].to_numpy(), index=base["series"].to_numpy())
        rows["baseline"] = rows["series"].map(base_value).to_numpy()
        rows = rows[rows["baseline"].notna().to_numpy()]
    treated_courses = np.unique(rows.loc[rows["treated"].to_numpy(), "course"].to_numpy())
    rows = rows[np.isin(rows["course"].to_numpy(), treated_courses)]
    analysed = courses[np.isin(courses["course"].to_numpy(), treated_courses)]
    flow.update(_flow_counts(relative, len(analysed), len(courses)))

    # Only the columns used: the filter copies every column it is given.
    weights = meas.loc[meas["kind"].to_numpy() == "weight_kg", ["patient", "day", "value"]]
    raw = _match_weight(weights, rows["patient"].to_numpy(), rows["day"].to_numpy())
    rows["weight_raw_kg"] = raw
    rows["weight_kg"] = _smooth(rows["series"].to_numpy(), rows["day"].to_numpy(), raw)
    rows = ordered(rows, "course", "series", "day").reset_index(drop=True)
    return Dataset(analysed.reset_index(drop=True), rows, flow)


def primary_window(rows: pd.DataFrame) -> pd.DataFrame:
    """Per site series, the measurement 8–16 weeks after the last session closest to 12."""
    post = rows["post_days"].to_numpy()
    inside = rows[(post >= WINDOW_START_DAYS) & (post <= WINDOW_END_DAYS)]
    distance = np.abs(inside["post_days"].to_numpy() - WINDOW_TARGET_DAYS)
    return first_or_last(inside.assign(distance=distance), "series", "distance", "day", last=False)
