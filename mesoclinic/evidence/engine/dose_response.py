"""Dose–response: the effect per session against the dose per session (issue 16 part 3).

Patient-level summary (two-stage), not a joint model:

1. per course, its **own per-session effect**: the least-squares slope of the outcome on the
   sessions completed before each treated-site reading, within each site series (series
   means removed), after removing the weight part ``γ_W × weight`` with the report's
   within-patient weight slope (evidence-analytics.md §2.3: the part of the change that is
   weight is not the treatment's). A course needs ``MIN_READINGS`` readings over at least
   two session counts. A per-course regression on weight itself would not do: a dieter's
   weight falls in step with the sessions, so the two cannot be told apart within a course.
2. across courses: ordinary least squares of that effect on the course's **mean dose per
   session** (mL of every line injected in the course's area at each session; mg of one
   substance when every product's concentration is known), with a cluster-robust (CR1)
   standard error by patient and a t quantile with patients − 1 df, so a patient's several
   courses count as one cluster.

A course's dose is known only when every one of its sessions has injection lines for its
area; the others are left out and counted. The **naive slope** beside it uses each course's
raw per-session change (weight not removed).

Caveat, always stated: doses are not assigned at random. Larger areas and heavier patients
get more volume (confounding by indication), and a practitioner may give more to whoever
responds less: the slope is an association, not the effect of giving more.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd
from scipy import stats

from mesoclinic.evidence.engine.course_sessions import course_sessions
from mesoclinic.evidence.engine.courses import RELATIVE_KINDS, Dataset
from mesoclinic.evidence.engine.estimates import MIN_COURSES_DESCRIPTIVE, rounded
from mesoclinic.evidence.engine.notes import DOSE_NOT_COMPUTED
from mesoclinic.evidence.engine.tables import Tables

MIN_READINGS = 3
MIN_DISTINCT_DOSES = 3
BINS = 4
MIN_PER_BIN = 5
METHOD = "patient-level summary (two-stage): each course's own per-session change net of weight (its slope on sessions, weight part removed with the report's within-patient weight slope), regressed on the course's mean dose per session by least squares; 95% CI cluster-robust by patient (CR1, t with patients-1 df)"  # fmt: skip
CAVEAT = "doses are not assigned at random: larger areas and heavier patients get more volume (confounding by indication), and a practitioner may give more where the response is slow, so the slope is an association, not the effect of injecting more"  # fmt: skip


def course_doses(tables: Tables, dataset: Dataset, indication: str, area: str | None, mg_per_ml: Mapping[str, float] | None = None) -> tuple[pd.Series, int]:  # fmt: skip
    """Mean dose per session of each analysed course whose every session has lines for its
    area (mL, or mg where ``mg_per_ml`` gives every product's concentration), and how many
    analysed courses had a session without."""
    rows = course_sessions(tables, dataset, indication, area).drop_duplicates(["course", "session_id"])  # fmt: skip
    lines = tables.injections
    if mg_per_ml is not None:
        lines = lines.assign(volume_ml=lines["volume_ml"] * lines["product"].map(mg_per_ml).to_numpy(dtype=np.float64))  # fmt: skip
    dose = lines.groupby(["session_id", "area"], sort=False)["volume_ml"].sum(min_count=1)
    per_session = rows.merge(dose.rename("dose").reset_index(), on=["session_id", "area"], how="left")  # fmt: skip
    given = per_session["dose"].to_numpy(dtype=np.float64)
    per_session = per_session.assign(known=np.isfinite(given) & (np.nan_to_num(given) > 0))
    grouped = per_session.groupby("course")
    known = grouped["known"].all()
    means = grouped["dose"].mean()
    return means[known.to_numpy(dtype=bool)], int((~known).sum())


def course_effects(dataset: Dataset, weight_per_kg: float | None) -> pd.DataFrame:
    """Per course: its per-session slope net of weight (``effect``), the raw one (``naive``)
    and its patient, over treated-site readings."""
    rows = dataset.rows
    # Only the columns used: the filter copies every column it is given.
    rows = rows.loc[rows["treated"].to_numpy(), ["series", "sess_before", "value", "weight_kg", "course", "patient"]]  # fmt: skip
    if weight_per_kg is not None:
        rows = rows[np.isfinite(rows["weight_kg"].to_numpy())]
    if rows.empty:
        return pd.DataFrame({"effect": [], "naive": [], "patient": []})
    series = pd.factorize(rows["series"].to_numpy())[0]
    count = np.bincount(series).astype(np.float64)
    x = rows["sess_before"].to_numpy(dtype=np.float64)
    raw = rows["value"].to_numpy(dtype=np.float64)
    adjusted = raw - (weight_per_kg or 0.0) * np.nan_to_num(rows["weight_kg"].to_numpy(dtype=np.float64))  # fmt: skip
    xd = x - (np.bincount(series, x) / count)[series]
    course = rows["course"].to_numpy()
    frame = pd.DataFrame({"course": course, "xx": xd * xd, "n": 1})
    for name, y in (("effect", adjusted), ("naive", raw)):
        frame[name] = xd * (y - (np.bincount(series, y) / count)[series])
    grouped = frame.groupby("course").sum()
    usable = (grouped["n"] >= MIN_READINGS) & (grouped["xx"] > 0)
    grouped = grouped[usable]
    patients = rows.groupby("course")["patient"].first()
    return pd.DataFrame({"effect": grouped["effect"] / grouped["xx"], "naive": grouped["naive"] / grouped["xx"], "patient": patients.reindex(grouped.index)})  # fmt: skip


def cluster_slope(x: np.ndarray, y: np.ndarray, cluster: np.ndarray) -> tuple[float, float, int]:
    """OLS slope of y on x, its CR1 cluster-robust standard error, and the clusters."""
    design = np.column_stack([np.ones_like(x), x])
    bread = np.linalg.inv(design.T @ design)
    beta = bread @ design.T @ y
    residual = y - design @ beta
    groups = pd.factorize(cluster)[0]
    g = int(groups.max()) + 1
    scores = np.zeros((g, 2))
    np.add.at(scores, groups, design * residual[:, None])
    n, k = len(y), 2
    factor = g / (g - 1) * (n - 1) / (n - k) if g > 1 else 1.0
    covariance = factor * bread @ (scores.T @ scores) @ bread
    return float(beta[1]), float(np.sqrt(covariance[1, 1])), g


def _slope(x: np.ndarray, y: np.ndarray, cluster: np.ndarray) -> dict[str, Any]:
    estimate, se, g = cluster_slope(x, y, cluster)
    half = float(stats.t.ppf(0.975, max(g - 1, 1))) * se
    return {"estimate": rounded(estimate), "ci95": [rounded(estimate - half), rounded(estimate + half)], "se": rounded(se)}  # fmt: skip


def _bins(dose: np.ndarray, effect: np.ndarray) -> list[dict[str, Any]]:
    """Up to ``BINS`` groups of courses by dose (quantiles), each with its mean effect."""
    count = min(BINS, len(dose) // MIN_PER_BIN)
    if count < 2:
        return []
    edges = np.unique(np.quantile(dose, np.linspace(0, 1, count + 1)))
    which = np.clip(np.searchsorted(edges, dose, side="right") - 1, 0, len(edges) - 2)
    out = []
    for b in range(len(edges) - 1):
        values = effect[which == b]
        if len(values) < 2:
            continue
        mean = float(values.mean())
        half = float(stats.t.ppf(0.975, len(values) - 1)) * float(values.std(ddof=1)) / np.sqrt(len(values))  # fmt: skip
        out.append({"low": rounded(edges[b], 3), "high": rounded(edges[b + 1], 3), "courses": int(len(values)), "mean_effect": rounded(mean), "ci95": [rounded(mean - half), rounded(mean + half)]})  # fmt: skip
    return out


def dose_response(tables: Tables, dataset: Dataset, report: dict[str, Any], *, indication: str, area: str | None, outcome: str, mg_per_ml: Mapping[str, float] | None = None, substance: str | None = None) -> dict[str, Any]:  # fmt: skip
    """The report's ``dose_response`` section (an optional section the spec allows)."""
    if mg_per_ml is not None:
        # mg only when every product injected in scope has a known concentration.
        scope = course_sessions(tables, dataset, indication, area)["session_id"].to_numpy()
        used = tables.injections[np.isin(tables.injections["session_id"].to_numpy(), scope)]
        if used.empty or not set(used["product"]) <= set(mg_per_ml):
            mg_per_ml = None
    unit = f"mg {substance.replace('_', ' ')}" if mg_per_ml is not None and substance else "ml"
    section: dict[str, Any] = {"dose_unit": unit, "method": METHOD, "caveat": CAVEAT, "courses": 0, "patients": 0, "courses_without_dose": 0, "slope": None, "naive_slope": None, "bins": [], "reasons": []}  # fmt: skip
    if outcome in RELATIVE_KINDS:
        section["reasons"].append("dose-response not computed: the scale rates change against the pre-treatment appearance, so there is no per-session change to relate to the dose")  # fmt: skip
        return section
    doses, without = course_doses(tables, dataset, indication, area, mg_per_ml)
    section["courses_without_dose"] = without
    weight = report.get("weight_effect_per_kg")
    effects = course_effects(dataset, float(weight["estimate"]) if weight else None)
    if weight is None:
        section["reasons"].append("dose-response: no weight slope from the model, so the per-course change is not net of weight")  # fmt: skip
    both = effects.join(doses.rename("dose"), how="inner")
    section["courses"], section["patients"] = len(both), int(both["patient"].nunique())
    if len(both) < MIN_COURSES_DESCRIPTIVE or both["dose"].nunique() < MIN_DISTINCT_DOSES:
        section["reasons"].append(DOSE_NOT_COMPUTED % {"count": len(both), "readings": MIN_READINGS, "doses": both["dose"].nunique(), "needed": MIN_COURSES_DESCRIPTIVE, "needed_doses": MIN_DISTINCT_DOSES})  # fmt: skip
        return section
    x, cluster = both["dose"].to_numpy(dtype=np.float64), both["patient"].to_numpy()
    section["slope"] = _slope(x, both["effect"].to_numpy(dtype=np.float64), cluster) | {"per": unit, "net_of_weight": weight is not None}  # fmt: skip
    section["naive_slope"] = _slope(x, both["naive"].to_numpy(dtype=np.float64), cluster) | {"per": unit, "definition": "the same regression on each course's raw per-session change (weight not removed)"}  # fmt: skip
    section["dose_range"] = [rounded(float(x.min()), 3), rounded(float(x.max()), 3)]
    section["bins"] = _bins(x, both["effect"].to_numpy(dtype=np.float64))
    return section
