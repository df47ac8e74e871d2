"""The effect figures: naive change, weight-adjusted per-session effect, control difference.

Each function returns ``(figure, reasons)``: the figure dict in the shape of
../shared/spec/evidence-report.md, or ``None`` with the reasons why it could not be computed
(too few data, an unconverged fit); the reasons go to the report's limitations.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
from scipy import stats

from mesoclinic.evidence.engine.courses import Dataset, first_or_last
from mesoclinic.evidence.engine.lmm import fit_random_intercept
from mesoclinic.evidence.engine.notes import (
    CONTROL_NOT_COMPUTED,
    NAIVE_NOT_COMPUTED,
    NO_WEIGHT,
    PER_SESSION_NOT_COMPUTED,
    PER_SESSION_NOT_REPORTED,
)
from mesoclinic.evidence.engine.runs import combined_key, key_means, run_starts, sort_order

# Minimum numbers below which a figure is reported as null ("under-powered"). The recipe
# reports per protocol only where n >= 20 (evidence-analytics.md §4); a mean change needs
# fewer units than a model with four fixed effects and a variance component.
MIN_COURSES_DESCRIPTIVE = 10
MIN_PATIENTS_MODEL = 20

Figure = dict[str, Any] | None


def rounded(value: float, digits: int = 6) -> float:
    return round(float(value), digits)


def t_interval(values: np.ndarray) -> tuple[float, list[float]]:
    """Mean and its 95% t-interval (evidence-analytics.md §2.2)."""
    mean = float(np.mean(values))
    half = stats.t.ppf(0.975, len(values) - 1) * float(np.std(values, ddof=1)) / np.sqrt(len(values))  # fmt: skip
    return mean, [mean - half, mean + half]


def _last_follow_up(dataset: Dataset) -> pd.DataFrame:
    """Per course: change from baseline to the last follow-up, averaged over treated sites."""
    rows = dataset.rows
    # Only the columns used: the filter copies every column it is given.
    mask = rows["treated"].to_numpy() & (rows["days"].to_numpy() > 0)
    treated = rows[["series", "day", "course", "patient", "value", "baseline", "sess_before"]][mask]  # fmt: skip
    last = first_or_last(treated, "series", "day")
    last = last.assign(change=last["value"] - last["baseline"])
    return last.groupby("course", sort=True).agg(change=("change", "mean"), sessions=("sess_before", "mean"), patient=("patient", "first"))  # fmt: skip


def naive_change(dataset: Dataset) -> tuple[Figure, list[str]]:
    """Last follow-up minus baseline per course: mean with t-CI, median, IQR, SRM."""
    per_course = _last_follow_up(dataset)
    n = len(per_course)
    if n < MIN_COURSES_DESCRIPTIVE:
        return None, [NAIVE_NOT_COMPUTED % {"count": n, "needed": MIN_COURSES_DESCRIPTIVE}]
    change = per_course["change"].to_numpy()
    mean, ci = t_interval(change)
    sd = float(np.std(change, ddof=1))
    q1, median, q3 = np.percentile(change, [25, 50, 75])
    figure: dict[str, Any] = {
        "estimate": rounded(mean),
        "ci95": [rounded(ci[0]), rounded(ci[1])],
        "definition": "last follow-up minus baseline, per course",
        "courses": n,
        "median": rounded(median),
        "iqr": [rounded(q1), rounded(q3)],
        "standardised_response_mean": rounded(mean / sd) if sd > 0 else None,
        "per_session_estimate": None,
        "per_session_ci95": None,
    }
    with_sessions = per_course[per_course["sessions"].to_numpy() >= 1]
    if len(with_sessions) >= MIN_COURSES_DESCRIPTIVE:
        ratio = with_sessions["change"].to_numpy() / with_sessions["sessions"].to_numpy()
        per_mean, per_ci = t_interval(ratio)
        figure["per_session_estimate"] = rounded(per_mean)
        figure["per_session_ci95"] = [rounded(per_ci[0]), rounded(per_ci[1])]
        figure["per_session_definition"] = "change at the last follow-up divided by the sessions before it, mean over courses"  # fmt: skip
    return figure, []


def model_frame(dataset: Dataset) -> tuple[pd.DataFrame, list[str]]:
    """Treated-site rows with a weight, and the Mundlak terms (evidence-analytics.md §2.3)."""
    rows = dataset.rows
    # Only the columns used: the filter copies every column it is given.
    mask = rows["treated"].to_numpy() & np.isfinite(rows["weight_kg"].to_numpy())
    usable = rows[["series", "weight_kg", "sess_before", "value", "patient", "area"]][mask]
    notes = []
    missing = int(rows["treated"].sum()) - len(usable)
    if missing:
        notes.append(NO_WEIGHT % {"count": missing})
    series = usable["series"].to_numpy()
    groups = pd.factorize(series)[0]
    weight = usable["weight_kg"].to_numpy()
    sessions = usable["sess_before"].to_numpy()
    count = np.bincount(groups).astype(np.float64)
    weight_mean = np.bincount(groups, weight) / count
    session_mean = np.bincount(groups, sessions) / count
    frame = pd.DataFrame(
        {
            "y": usable["value"].to_numpy(),
            "sess": sessions,
            "weight_within": weight - weight_mean[groups],
            # Centred so the intercept is the girth of an average-weight patient; the slopes
            # are unchanged, the design is better conditioned.
            "weight_between": weight_mean[groups]
            - (float(np.mean(weight_mean)) if len(count) else 0.0),
            "sessions_between": session_mean[groups],
            "group": groups,
            "patient": pd.factorize(usable["patient"].to_numpy())[0],
            "area": usable["area"].to_numpy(),
        }
    )
    return frame, notes


MODEL_TERMS = ("Intercept", "sess", "weight_within", "weight_between", "sessions_between")


def design(frame: pd.DataFrame) -> tuple[np.ndarray, tuple[str, ...]]:
    """Design matrix of the adjusted model; one fixed effect per extra area when pooled."""
    columns = [np.ones(len(frame))] + [frame[c].to_numpy() for c in MODEL_TERMS[1:]]
    names = list(MODEL_TERMS)
    # Over the array, not the Series: iterating a pandas string column is ~100x slower.
    areas = sorted(set(frame["area"].to_numpy()))
    for area in areas[1:]:
        columns.append((frame["area"].to_numpy() == area).astype(np.float64))
        names.append(f"area[{area}]")
    return np.column_stack(columns), tuple(names)


def per_session_effect(dataset: Dataset) -> tuple[Figure, Figure, list[str]]:
    """τ (per session, net of weight) and γ_W (per kg within-patient) from the REML fit."""
    frame, notes = model_frame(dataset)
    n_patients = int(frame["patient"].max()) + 1 if len(frame) else 0
    if n_patients < MIN_PATIENTS_MODEL:
        return None, None, [*notes, PER_SESSION_NOT_COMPUTED % {"count": n_patients, "needed": MIN_PATIENTS_MODEL}]  # fmt: skip
    x, names = design(frame)
    fit = fit_random_intercept(
        frame["y"].to_numpy(), x, frame["group"].to_numpy(), names, frame["patient"].to_numpy()
    )
    if not fit.converged:
        return None, None, [*notes, PER_SESSION_NOT_REPORTED % {"reason": fit.message}]
    df = fit.n_clusters - 1
    quantile = float(stats.t.ppf(0.975, df))

    def figure(name: str) -> dict[str, Any]:
        estimate = float(fit.params[fit.index(name)])
        half = quantile * fit.se_robust(name)
        half_model = quantile * fit.se_model(name)
        return {
            "estimate": rounded(estimate),
            "ci95": [rounded(estimate - half), rounded(estimate + half)],
            "ci95_model_based": [rounded(estimate - half_model), rounded(estimate + half_model)],
        }

    effect = (
        figure("sess")
        | {
            "method": "linear mixed model, random intercept per patient (per treated site), REML; 95% CI cluster-robust by patient (CR1 sandwich, t with patients-1 df)",  # fmt: skip
            "adjusted_for": ["weight_within", "weight_between", "sessions_between"],
            "patients": fit.n_clusters,
            "measurements": fit.n_obs,
            "patient_variance": rounded(fit.group_var),
            "residual_variance": rounded(fit.scale),
            "converged": True,
        }
    )
    weight = figure("weight_within") | {"definition": "outcome change per kg of within-patient weight change"}  # fmt: skip
    return effect, weight, notes


def control_difference(dataset: Dataset) -> tuple[Figure, list[str]]:
    """Per-session change at the treated site minus that at an untreated control site.

    Treated and control readings of one course on the same date are paired; the difference
    is regressed on sessions-before within course (course fixed effects, i.e. a
    difference-in-differences with a site offset per patient), CR1 cluster-robust by patient.
    Weight and lifestyle act on both sites and cancel (evidence-analytics.md §2.3).
    """
    rows = dataset.rows
    if not (~rows["treated"]).any():
        return None, ["no untreated control site was measured: the per-session effect cannot be separated from lifestyle changes that do not move weight"]  # fmt: skip
    # The mean reading per (course, day, treated), as a sorted groupby gives it (pandas
    # averages, grouped by one integer key); the groups' order from one stable sort, in
    # which a control group comes right before the treated group of its date.
    course_col, day_col, treated = (rows[c].to_numpy() for c in ("course", "day", "treated"))
    key = combined_key(course_col, day_col, treated)
    if key is None:
        means = rows.groupby(["course", "day", "treated"], sort=True)["value"].mean().to_numpy()
    else:
        means = key_means(rows["value"].to_numpy(dtype=np.float64), key)[1]
    order = sort_order(course_col, day_col, treated)
    course_of, day_of, treated_of = course_col[order], day_col[order], treated[order]
    starts = run_starts(course_of, day_of, treated_of)
    run_course, run_day, run_treated = course_of[starts], day_of[starts], treated_of[starts]
    control = np.flatnonzero(~run_treated[:-1] & run_treated[1:] & (run_course[:-1] == run_course[1:]) & (run_day[:-1] == run_day[1:]))  # fmt: skip
    if not len(control):
        return None, ["no control-site reading on the same date as a treated-site reading"]
    diff = means[control + 1] - means[control]
    # Sessions and patient of the treated run's first row (both the same on every row of it).
    first = order[starts[control + 1]]
    sess = rows["sess_before"].to_numpy(dtype=np.float64)[first]
    course = pd.factorize(run_course[control])[0]
    patient = pd.factorize(rows["patient"].to_numpy()[first])[0]
    count = np.bincount(course).astype(np.float64)
    keep = count[course] >= 2
    diff_c = diff - (np.bincount(course, diff) / count)[course]
    sess_c = sess - (np.bincount(course, sess) / count)[course]
    diff_c, sess_c, patient = diff_c[keep], sess_c[keep], pd.factorize(patient[keep])[0]
    n_patients = int(patient.max()) + 1 if len(patient) else 0
    sxx = float(sess_c @ sess_c)
    if n_patients < MIN_PATIENTS_MODEL or sxx <= 0:
        return None, [CONTROL_NOT_COMPUTED % {"count": n_patients, "needed": MIN_PATIENTS_MODEL}]
    slope = float(sess_c @ diff_c) / sxx
    score = np.bincount(patient, sess_c * (diff_c - slope * sess_c))
    variance = n_patients / (n_patients - 1) * float(score @ score) / sxx**2
    half = float(stats.t.ppf(0.975, n_patients - 1)) * np.sqrt(variance)
    return (
        {
            "estimate": rounded(slope),
            "ci95": [rounded(slope - half), rounded(slope + half)],
            "patients": n_patients,
            "paired_dates": int(keep.sum()),
            "method": "treated minus control reading on the same date, regressed on sessions within course (fixed effects); 95% CI cluster-robust by patient",  # fmt: skip
        },
        [],
    )
