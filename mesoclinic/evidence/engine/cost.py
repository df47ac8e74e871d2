"""What the courses cost, from the practice's own prices (issue 16 part 3: "is it worth $600 a
session").

Each session row's ``price`` (registry-csv.md sessions.csv ``price`` + ``currency``; in the web
app the price recorded with the session's area, else the clinic's price list) is summed over
the analysed course it belongs to (``course_sessions``). Rules:

- **Currencies are never added**: every figure is per currency. A course enters only when
  every one of its session rows has a price, all in one currency; the others are excluded
  and counted (``sessions_unpriced``, ``courses_excluded``).
- **Mean cost of a course** = Σ cost / courses.
- **Cost per responder** = Σ cost of the courses assessed for response / responders among
  them, with the report's own responder definition (``responders.py``: a validated
  threshold, or GAIS's wording); no definition, no figure (circumference has none). The
  naive figure beside it, the mean cost of a responder's own course, leaves out what the
  non-responders paid, so it understates what one response costs.
- **Cost per unit of improvement** (e.g. per cm) = mean price per session / |per-session
  effect net of weight| (the report's mixed model). The naive figure beside it divides the
  course cost by the raw change at the last follow-up, which counts weight loss (diet) as
  treatment and so understates the cost.

Intervals (95%):
- ratios of sums (mean course cost, cost per responder, the naive figures): **percentile
  bootstrap over patients** (``BOOTSTRAP_REPLICATES``, seeded, so the same data always give
  the same report). Resampling patients keeps each patient's courses, costs and responses
  together, and needs no normal approximation for a ratio that is skewed when responders are
  few. A replicate with no responder (or no improvement) has no ratio: when more than 2.5 %
  do, the upper limit is "not bounded" (None). Above ``BOOTSTRAP_MAX_PATIENTS`` patients in
  a currency (a registry, not a practice) the replicates would cost memory and time in
  proportion to the patients while the ratio is then close to normal: the interval is the
  linearised one (delta method for a ratio of sums, clustered by patient, log scale).
- cost per unit of improvement: the **delta method on the log scale**, combining the
  effect's cluster-robust standard error (from its CI) with the price per session's bootstrap
  one: the effect comes from the mixed model, which is too slow to refit thousands of times
  for a page. Not computed when the effect's CI does not exclude "no improvement".
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
from scipy import stats

from mesoclinic.evidence.engine.course_sessions import course_sessions
from mesoclinic.evidence.engine.courses import RELATIVE_KINDS, Dataset, build_dataset
from mesoclinic.evidence.engine.estimates import MIN_COURSES_DESCRIPTIVE, _last_follow_up, rounded
from mesoclinic.evidence.engine.notes import TOO_FEW_PRICED
from mesoclinic.evidence.engine.responders import (
    RELATIVE_RESPONSE_AT_MOST,
    RULES,
    _last_ratings,
    _window_change,
)
from mesoclinic.evidence.engine.tables import Tables

BOOTSTRAP_REPLICATES = 2000
BOOTSTRAP_SEED = 16  # fixed: a report is reproducible
BOOTSTRAP_MAX_PATIENTS = 2000
HIGHER_IS_BETTER = frozenset({"hair_density_cm2", "satisfaction"})
METHOD = "sum of the session prices of each analysed course, per currency (never added across currencies; a course with an unpriced session is left out); 95% CIs: percentile bootstrap over patients (2000 replicates, seeded) for ratios of sums, delta method on the log scale for the cost per unit of improvement"  # fmt: skip


def responder_flags(tables: Tables, dataset: Dataset, indication: str, area: str | None, outcome: str) -> pd.Series | None:  # fmt: skip
    """Per assessed course (index), whether it responded, by the report's own definition;
    None when the outcome has no responder definition."""
    if outcome in RELATIVE_KINDS:
        last = _last_ratings(dataset)
        return last["rating"] <= RELATIVE_RESPONSE_AT_MOST
    rule = RULES.get(outcome)
    if rule is None:
        return None
    change = _window_change(dataset)
    if not rule.composite:
        return change <= -rule.improvement
    patient = _window_change(build_dataset(tables, indication, area, outcome, rater="patient"))
    both = pd.concat([change, patient], axis=1, join="inner")
    return (both.iloc[:, 0] <= -rule.improvement) & (both.iloc[:, 1] <= -rule.improvement)


def _interval(replicates: np.ndarray) -> list[float | None]:
    """Percentile 95% interval; a replicate without a ratio (nan) counts as unbounded."""
    values = np.where(np.isfinite(replicates), replicates, np.inf)
    low, high = np.percentile(values, [2.5, 97.5])
    return [rounded(low, 2) if np.isfinite(low) else None, rounded(high, 2) if np.isfinite(high) else None]  # fmt: skip


class _Bootstrap:
    """Ratios of patient-resampled sums of per-course columns, and their 95% intervals.

    Up to ``BOOTSTRAP_MAX_PATIENTS`` patients: one draw of patient counts for all figures
    (replicates × patients). Beyond, the bootstrap's memory and time grow with
    the patients while the ratio's distribution is close to normal, so the interval is the
    linearised (delta-method) one, clustered by patient, on the log scale."""

    def __init__(self, patient: np.ndarray) -> None:
        codes, self.index = np.unique(patient, return_inverse=True)
        self.patients = len(codes)
        self.counts: np.ndarray | None = None
        if self.patients <= BOOTSTRAP_MAX_PATIENTS:
            rng = np.random.default_rng(BOOTSTRAP_SEED)
            n = self.patients
            # Each replicate draws n patients with replacement; how often each was drawn
            # (one bincount over all replicates at once).
            drawn = rng.integers(0, n, size=(BOOTSTRAP_REPLICATES, n))
            drawn += np.arange(BOOTSTRAP_REPLICATES)[:, None] * n
            self.counts = np.bincount(drawn.ravel(), minlength=BOOTSTRAP_REPLICATES * n).reshape(BOOTSTRAP_REPLICATES, n).astype(np.float64)  # fmt: skip

    def _per_patient(self, values: np.ndarray) -> np.ndarray:
        out: np.ndarray = np.bincount(self.index, weights=np.nan_to_num(values), minlength=self.patients)  # fmt: skip
        return out

    def replicates(self, top: np.ndarray, bottom: np.ndarray) -> np.ndarray:
        assert self.counts is not None
        with np.errstate(divide="ignore", invalid="ignore"):
            b = self.counts @ self._per_patient(bottom)
            out: np.ndarray = np.where(b > 0, (self.counts @ self._per_patient(top)) / np.where(b > 0, b, 1.0), np.nan)  # fmt: skip
        return out

    def log_se(self, top: np.ndarray, bottom: np.ndarray) -> float:
        """Standard error of log(Σ top / Σ bottom)."""
        if self.counts is not None:
            return float(np.nanstd(np.log(self.replicates(top, bottom)), ddof=1))
        t, b = self._per_patient(top), self._per_patient(bottom)
        ratio = t.sum() / b.sum()
        # Linearised ratio estimator: residuals per patient, clustered (evidence-analytics.md §2.5).
        z = (t - ratio * b) / b.sum()
        n = self.patients
        return float(np.sqrt(n / (n - 1) * (z * z).sum()) / ratio)

    def interval(self, top: np.ndarray, bottom: np.ndarray) -> list[float | None]:
        if self.counts is not None:
            return _interval(self.replicates(top, bottom))
        ratio = float(np.nansum(top) / np.nansum(bottom))
        spread = 1.959964 * self.log_se(top, bottom)
        return [rounded(ratio * np.exp(-spread), 2), rounded(ratio * np.exp(spread), 2)]


def _figure(estimate: float, ci: list[float | None], **extra: Any) -> dict[str, Any]:
    return {"estimate": rounded(estimate, 2), "ci95": ci, **extra}


def _per_responder(per: pd.DataFrame, boot: _Bootstrap) -> tuple[dict[str, Any] | None, list[str]]:
    assessed = per["responded"].notna().to_numpy()
    n_assessed = int(assessed.sum())
    if n_assessed < MIN_COURSES_DESCRIPTIVE:
        return None, [f"cost per responder not computed: {n_assessed} priced courses assessed for response (at least {MIN_COURSES_DESCRIPTIVE} needed)"]  # fmt: skip
    cost = np.where(assessed, per["cost"].to_numpy(), 0.0)
    responded = np.where(assessed, per["responded"].fillna(False).to_numpy(dtype=float), 0.0)
    k = int(responded.sum())
    if k == 0:
        return None, [f"cost per responder not computed: no responder among {n_assessed} priced courses assessed"]  # fmt: skip
    naive = boot.interval(cost * responded, responded)
    return (
        _figure(
            cost.sum() / k,
            boot.interval(cost, responded),
            responders=k,
            courses_assessed=n_assessed,
            definition="total cost of the courses assessed for response / responders among them (the report's responder definition)",  # fmt: skip
            naive=_figure(
                float((cost * responded).sum() / k),
                naive,
                definition="mean cost of a responder's own course (leaves out what non-responders paid)",
            ),  # fmt: skip
        ),
        [],
    )


def _per_unit(per: pd.DataFrame, boot: _Bootstrap, report: dict[str, Any], outcome: str, unit: str) -> tuple[dict[str, Any] | None, list[str]]:  # fmt: skip
    sign = 1.0 if outcome in HIGHER_IS_BETTER else -1.0
    out: dict[str, Any] | None = None
    reasons: list[str] = []
    effect = report.get("per_session_effect")
    price = per["cost"].sum() / per["sessions"].sum()
    if effect is None:
        reasons.append("cost per unit of improvement not computed: no per-session effect net of weight")  # fmt: skip
    elif sign * effect["ci95"][0] <= 0 or sign * effect["ci95"][1] <= 0:
        reasons.append("cost per unit of improvement not computed: the per-session effect's 95% CI does not exclude no improvement")  # fmt: skip
    else:
        gain = sign * float(effect["estimate"])
        df = int(effect.get("patients") or 0) - 1
        quantile = float(stats.t.ppf(0.975, df)) if df > 0 else 1.959964
        se_effect = (float(effect["ci95"][1]) - float(effect["ci95"][0])) / (2 * quantile)
        se_price = boot.log_se(per["cost"].to_numpy(), per["sessions"].to_numpy())
        se_log = float(np.sqrt(se_price**2 + (se_effect / gain) ** 2))
        estimate = price / gain
        out = {
            "unit": unit,
            "estimate": rounded(estimate, 2),
            "ci95": [
                rounded(estimate * np.exp(-quantile * se_log), 2),
                rounded(estimate * np.exp(quantile * se_log), 2),
            ],  # fmt: skip
            "mean_session_price": rounded(price, 2),
            "effect_per_session": effect["estimate"],
            "definition": "mean price per session / improvement per session net of weight (the report's mixed model)",  # fmt: skip
        }
    change = per["change"].to_numpy()
    has = np.isfinite(change)
    gained = sign * np.where(has, change, 0.0)
    cost = np.where(has, per["cost"].to_numpy(), 0.0)
    if has.sum() >= MIN_COURSES_DESCRIPTIVE and gained.sum() > 0:
        naive = _figure(cost.sum() / gained.sum(), boot.interval(cost, gained), courses=int(has.sum()), definition="course cost / raw change at the last follow-up (not net of weight: weight loss counts as treatment)")  # fmt: skip
        out = (out or {"unit": unit, "estimate": None, "ci95": None}) | {"naive": naive}
    return out, reasons


def _one_currency(currency: str, per: pd.DataFrame, report: dict[str, Any], outcome: str, unit: str) -> dict[str, Any]:  # fmt: skip
    boot = _Bootstrap(per["patient"].to_numpy())
    ones = np.ones(len(per))
    block: dict[str, Any] = {
        "currency": currency,
        "courses": len(per),
        "patients": int(per["patient"].nunique()),
        "sessions": int(per["sessions"].sum()),
        "mean_course_cost": _figure(
            per["cost"].mean(), boot.interval(per["cost"].to_numpy(), ones)
        ),  # fmt: skip
        "cost_per_responder": None,
        "cost_per_unit": None,
        "reasons": [],
    }
    if len(per) < MIN_COURSES_DESCRIPTIVE:
        block["mean_course_cost"] = None
        block["reasons"].append(TOO_FEW_PRICED % {"currency": currency, "count": len(per), "needed": MIN_COURSES_DESCRIPTIVE})  # fmt: skip
        return block
    if "responded" in per:
        block["cost_per_responder"], why = _per_responder(per, boot)
        block["reasons"] += why
    # A scale's "unit" is its range (e.g. 0–15): the cost is then per point of it.
    block["cost_per_unit"], why = _per_unit(
        per, boot, report, outcome, "point" if "–" in unit else unit
    )
    block["reasons"] += why
    return block


def cost_figures(tables: Tables, dataset: Dataset, report: dict[str, Any], *, indication: str, area: str | None, outcome: str, unit: str) -> dict[str, Any]:  # fmt: skip
    """The report's ``cost`` section (an optional section the spec allows)."""
    rows = course_sessions(tables, dataset, indication, area)
    price = rows["price"].to_numpy(dtype=np.float64) if len(rows) else np.zeros(0)
    priced = np.isfinite(price) & (rows["currency"].to_numpy() != "") if len(rows) else np.zeros(0, bool)  # fmt: skip
    section: dict[str, Any] = {
        "method": METHOD,
        "session_rows_priced": int(priced.sum()),
        "session_rows_unpriced": int((~priced).sum()),
        "courses_excluded": 0,
        "by_currency": [],
        "reasons": [],
    }
    if not priced.any():
        section["reasons"].append("no priced session in the analysed courses: record prices with the sessions or in the price list")  # fmt: skip
        return section
    rows = rows.assign(priced=priced)
    by_course = rows.groupby("course").agg(all_priced=("priced", "all"), currencies=("currency", "nunique"), currency=("currency", "first"), cost=("price", "sum"), patient=("patient", "first"))  # fmt: skip
    usable = by_course["all_priced"].to_numpy() & (by_course["currencies"].to_numpy() == 1)
    section["courses_excluded"] = int((~usable).sum())
    per = by_course[usable].drop(columns=["all_priced", "currencies"])
    sessions = dataset.courses.set_index("course")["n_sessions"]
    per = per.assign(sessions=sessions.reindex(per.index).to_numpy(dtype=np.float64))
    if outcome not in RELATIVE_KINDS:
        per = per.assign(change=_last_follow_up(dataset)["change"].reindex(per.index).to_numpy())
    else:
        per = per.assign(change=np.nan)
    flags = responder_flags(tables, dataset, indication, area, outcome)
    if flags is not None:
        per = per.assign(responded=flags.reindex(per.index).astype(object).to_numpy())
    else:
        section["reasons"].append("cost per responder not computed: the outcome has no responder definition (see the responder rate)")  # fmt: skip
    for currency, group in per.groupby("currency", sort=True):
        section["by_currency"].append(_one_currency(str(currency), group, report, outcome, unit))
    return section
