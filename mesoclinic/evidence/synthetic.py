"""Seeded synthetic registry bundles with planted truths, to test the evidence engine.

The data-generating mechanism follows evidence-analytics.md §5 (ADEMP): patients' BMI and
weight, **dieters** who lose weight *and* stay for more sessions (so the naive change
overstates the effect), drift in everyone else's weight, a per-patient response around a
planted **per-session effect**, a planted **weight slope** (outcome per kg), tape and scale
**measurement noise**, outcome-driven **dropout**, an untreated **control site** for part of
the patients, an indication with **no effect at all**, optional "exercisers" whose girth
falls without any weight change (the documented known failure of weight adjustment), and
**adverse events** clustered within patients (gamma frailty) with Weibull resolution times
seen only at the patient's contacts.

Every number here is a *synthetic* parameter, not a clinical claim; the structural values
(BMI ~ N(27, 4), 35 % dieters losing 0.25 kg/week, 0.8 cm/kg, 14–18 days between sessions,
the dropout model) are those of evidence-analytics.md §5. The output has the columns of
../shared/spec/registry-csv.md, so it can also be written out as a registry bundle.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
from scipy import stats

BASE_DATE = np.datetime64("2022-01-03", "D")


@dataclass(frozen=True)
class Arm:
    """One indication × area with its planted mean effect per session (cm, < 0 = reduction)."""

    indication: str
    area: str
    protocol: str
    effect_cm_per_session: float
    effect_sd_cm: float
    share: float


@dataclass(frozen=True)
class AeSpec:
    """A side effect: per-session probability (times the patient's frailty) and resolution."""

    type: str
    probability: float
    median_days: float
    weibull_shape: float


@dataclass(frozen=True)
class SyntheticConfig:
    n_patients: int = 600
    arms: tuple[Arm, ...] = (
        Arm("localized_fat", "flank", "synthetic PC/DC", -0.5, 0.2, 0.6),
        Arm("cellulite", "thigh_outer", "synthetic cocktail", 0.0, 0.0, 0.4),
    )
    weight_cm_per_kg: float = 0.8
    diet_share: float = 0.35
    diet_kg_per_week: float = -0.25
    drift_sd_kg_per_week: float = 0.05
    planned_sessions: int = 6
    follow_up_days: tuple[int, ...] = (28, 84)
    missed_follow_up: float = 0.15
    tape_sd_cm: float = 1.0
    weight_sd_kg: float = 0.2
    control_share: float = 0.4
    exerciser_share: float = 0.0
    exercise_cm_per_week: float = -0.1
    frailty_shape: float = 2.0  # gamma frailty, mean 1, variance 1/shape
    adverse_events: tuple[AeSpec, ...] = (
        AeSpec("bruising", 0.25, 7.0, 1.5),
        AeSpec("swelling", 0.10, 3.0, 1.2),
        AeSpec("nodule", 0.01, 30.0, 1.0),
    )
    # Prices and doses (issue 16 part 3), off by default so that the draws of every other
    # configuration stay as they were. ``session_price``: the price of every session row in
    # ``currency`` (a share ``unpriced_share`` left without one). ``dose_ml``: the mean volume
    # per session; a patient's own volume rises with BMI (``dose_ml_per_bmi``: larger areas
    # get more, the confounding by indication) and for dieters (``dieter_extra_ml``: the
    # motivated ask for more, so a dose-response that ignores weight is confounded), and the
    # patient's per-session effect changes by ``dose_slope_cm_per_ml`` per mL above the mean.
    session_price: float | None = None
    currency: str = "EUR"
    unpriced_share: float = 0.0
    dose_ml: float | None = None
    dose_sd_ml: float = 0.6
    dose_ml_per_bmi: float = 0.1
    dieter_extra_ml: float = 0.0
    dose_slope_cm_per_ml: float = 0.0


@dataclass(frozen=True)
class SyntheticBundle:
    """Registry-bundle tables (pandas, dates as datetime64) and the truths planted in them."""

    patients: pd.DataFrame
    sessions: pd.DataFrame
    measurements: pd.DataFrame
    adverse_events: pd.DataFrame
    truth: dict[str, Any]
    config: SyntheticConfig = field(repr=False)
    injections: pd.DataFrame | None = None

    def tables(self) -> dict[str, pd.DataFrame]:
        out = {
            "patients": self.patients,
            "sessions": self.sessions,
            "measurements": self.measurements,
            "adverse_events": self.adverse_events,
        }
        if self.injections is not None:
            out["injections"] = self.injections
        return out

    def rows(self) -> dict[str, list[dict[str, Any]]]:
        """The tables as lists of dicts with ISO date strings and '' for empty cells."""
        out: dict[str, list[dict[str, Any]]] = {}
        for name, frame in self.tables().items():
            text = frame.copy()
            for column in text.columns:
                if pd.api.types.is_datetime64_any_dtype(text[column].dtype):
                    text[column] = text[column].dt.strftime("%Y-%m-%d")
            out[name] = text.astype(object).where(text.notna(), "").to_dict("records")
        return out


def marginal_rate(spec: AeSpec, frailty_shape: float) -> float:
    """Exact per-session probability E[min(1, p·F)] for F ~ Gamma(shape, mean 1)."""
    k, p = frailty_shape, spec.probability
    cap = 1.0 / p
    below = p * stats.gamma.cdf(cap, k + 1, scale=1.0 / k)
    return float(below + stats.gamma.sf(cap, k, scale=1.0 / k))


def _ids(prefix: str, n: int) -> np.ndarray:
    return np.char.add(prefix, np.char.zfill(np.arange(1, n + 1).astype(str), 7)).astype(object)


def generate(config: SyntheticConfig, rng: np.random.Generator) -> SyntheticBundle:
    """Draw one synthetic registry bundle; all randomness comes from ``rng``."""
    n, s_max = config.n_patients, config.planned_sessions
    shares = np.array([a.share for a in config.arms])
    arm = rng.choice(len(config.arms), size=n, p=shares / shares.sum())
    # Held within adult bounds: among a million draws the normal's tails gave BMIs near 7 and,
    # after a dieter's course, weights under the registry format's 20 kg floor, which the
    # reader rightly refuses (a bundle the generator writes must import).
    bmi = np.clip(rng.normal(27.0, 4.0, n), 16.0, 50.0)
    diet = rng.random(n) < config.diet_share
    exerciser = rng.random(n) < config.exerciser_share
    w0 = 60.0 + 2.5 * (bmi - 22.0) + rng.normal(0.0, 5.0, n)
    c0 = 70.0 + 1.2 * bmi + rng.normal(0.0, 4.0, n)
    c0_control = c0 + rng.normal(0.0, 1.5, n)
    kg_per_day = np.where(diet, config.diet_kg_per_week, rng.normal(0.0, config.drift_sd_kg_per_week, n)) / 7.0  # fmt: skip
    effect = np.array([a.effect_cm_per_session for a in config.arms])[arm]
    effect_sd = np.array([a.effect_sd_cm for a in config.arms])[arm]
    tau = effect + effect_sd * rng.standard_normal(n)
    dose = None
    if config.dose_ml is not None:
        dose = config.dose_ml + config.dose_ml_per_bmi * (bmi - 27.0) + config.dieter_extra_ml * (diet - config.diet_share) + config.dose_sd_ml * rng.standard_normal(n)  # fmt: skip
        dose = np.round(np.clip(dose, 0.2, None), 1).astype(np.float64)
        tau = tau + config.dose_slope_cm_per_ml * (dose - config.dose_ml)
    control = rng.random(n) < config.control_share
    start = BASE_DATE + rng.integers(0, 730, n).astype("timedelta64[D]")

    # Session days since time zero; dropout after each session depends on the change the
    # patient sees at that visit (evidence-analytics.md §5: MAR dropout, dieters stay longer).
    gaps = rng.integers(14, 19, (n, s_max))
    gaps[:, 0] = 0
    session_day = np.cumsum(gaps, axis=1)
    tape = rng.normal(0.0, config.tape_sd_cm, (n, s_max))
    n_sessions = np.full(n, s_max)
    active = np.ones(n, dtype=bool)
    for k in range(1, s_max):
        t = session_day[:, k - 1]
        seen = (
            config.weight_cm_per_kg * kg_per_day * t + tau * (k - 1) + tape[:, k - 1] - tape[:, 0]
        )
        logit = -2.6 + 0.6 * (seen > -0.5) - 0.8 * diet - 0.8 * exerciser
        leaves = active & (rng.random(n) < 1.0 / (1.0 + np.exp(-logit)))
        n_sessions[leaves] = k
        active &= ~leaves
    completed = n_sessions == s_max

    # Visits: each session (measured before injecting) plus follow-ups for completers.
    last_day = session_day[np.arange(n), n_sessions - 1]
    follow = np.column_stack([last_day + d + rng.integers(-3, 4, n) for d in config.follow_up_days])  # fmt: skip
    follow_kept = completed[:, None] & (rng.random(follow.shape) >= config.missed_follow_up)
    visit_day = np.concatenate([session_day, follow], axis=1)
    visit_kept = np.concatenate([np.arange(s_max)[None, :] < n_sessions[:, None], follow_kept], axis=1)  # fmt: skip
    sess_before = np.concatenate([np.broadcast_to(np.arange(s_max), (n, s_max)), np.repeat(n_sessions[:, None], follow.shape[1], axis=1)], axis=1)  # fmt: skip
    weight_true = np.maximum(w0[:, None] + kg_per_day[:, None] * visit_day, 35.0)
    lifestyle = np.where(exerciser[:, None], config.exercise_cm_per_week * visit_day / 7.0, 0.0)
    by_weight = config.weight_cm_per_kg * (weight_true - w0[:, None])
    tape_all = np.concatenate([tape, rng.normal(0.0, config.tape_sd_cm, follow.shape)], axis=1)
    treated_cm = c0[:, None] + by_weight + lifestyle + tau[:, None] * sess_before + tape_all
    control_cm = c0_control[:, None] + by_weight + lifestyle + rng.normal(0.0, config.tape_sd_cm, visit_day.shape)  # fmt: skip
    weight_obs = weight_true + rng.normal(0.0, config.weight_sd_kg, visit_day.shape)

    pid = _ids("P", n)
    areas = np.array([a.area for a in config.arms], dtype=object)[arm]
    pi, vi = np.nonzero(visit_kept)
    dates = start[pi] + visit_day[pi, vi].astype("timedelta64[D]")
    base = {"patient_id": pid[pi], "date": dates}
    blank = np.full(len(pi), "", dtype=object)
    weight_rows = pd.DataFrame({**base, "kind": "weight_kg", "value": np.round(weight_obs[pi, vi], 1), "area": blank, "side": blank, "site_role": blank, "rater": blank})  # fmt: skip
    treated_rows = pd.DataFrame({**base, "kind": "circumference_cm", "value": np.round(treated_cm[pi, vi], 1), "area": areas[pi], "side": "left", "site_role": np.where(pi % 2 == 0, "treated", ""), "rater": blank})  # fmt: skip
    ci = control[pi]
    control_rows = pd.DataFrame({"patient_id": pid[pi][ci], "date": dates[ci], "kind": "circumference_cm", "value": np.round(control_cm[pi, vi][ci], 1), "area": areas[pi][ci], "side": "right", "site_role": np.where(pi[ci] % 2 == 0, "control", ""), "rater": ""})  # fmt: skip
    measurements = pd.concat([weight_rows, treated_rows, control_rows], ignore_index=True)

    sp, sk = np.nonzero(np.arange(s_max)[None, :] < n_sessions[:, None])
    session_ids = _ids("S", len(sp))
    session_dates = start[sp] + session_day[sp, sk].astype("timedelta64[D]")
    protocols = np.array([a.protocol for a in config.arms], dtype=object)[arm]
    indications = np.array([a.indication for a in config.arms], dtype=object)[arm]
    sessions = pd.DataFrame({"session_id": session_ids, "patient_id": pid[sp], "date": session_dates, "indication": indications[sp], "area": areas[sp], "side": "left", "protocol": protocols[sp], "practitioner_id": np.char.add("PR", (sp % 5).astype(str)).astype(object)})  # fmt: skip
    injections = None
    if dose is not None:
        injections = pd.DataFrame({"session_id": session_ids, "area": areas[sp], "product": protocols[sp], "volume_ml": dose[sp]})  # fmt: skip
    if config.session_price is not None:
        unpriced = rng.random(len(sp)) < config.unpriced_share if config.unpriced_share else np.zeros(len(sp), bool)  # fmt: skip
        sessions["price"] = np.where(unpriced, np.nan, config.session_price)
        sessions["currency"] = np.where(unpriced, "", config.currency).astype(object)

    # Side effects: Bernoulli(min(1, p·frailty)) per session; resolution seen only if the
    # patient has a contact (visit or a 48 h / 2 week aftercare call) after it resolved.
    frailty = rng.gamma(config.frailty_shape, 1.0 / config.frailty_shape, n)
    last_contact = np.where(completed, follow.max(axis=1), last_day + 2)
    events = []
    for spec in config.adverse_events:
        hit = rng.random(len(sp)) < np.minimum(1.0, spec.probability * frailty[sp])
        scale = spec.median_days / np.log(2.0) ** (1.0 / spec.weibull_shape)
        days = np.ceil(scale * rng.weibull(spec.weibull_shape, int(hit.sum()))).astype(int)
        onset = session_day[sp[hit], sk[hit]]
        resolved = onset + days <= last_contact[sp[hit]]
        severity = rng.choice(["mild", "moderate", "severe"], size=len(days), p=[0.7, 0.25, 0.05])
        events.append(pd.DataFrame({
            "patient_id": pid[sp[hit]], "session_id": session_ids[hit], "type": spec.type,
            "onset_date": session_dates[hit],
            "resolved_date": np.where(resolved, session_dates[hit] + days.astype("timedelta64[D]"), np.datetime64("NaT")),
            "last_seen_unresolved": np.where(resolved, np.datetime64("NaT"), start[sp[hit]] + last_contact[sp[hit]].astype("timedelta64[D]")),
            "severity": severity, "serious": (severity == "severe") & (rng.random(len(days)) < 0.2),
        }))  # fmt: skip
    adverse_events = pd.concat(events, ignore_index=True)
    adverse_events.insert(0, "event_id", _ids("E", len(adverse_events)))

    patients = pd.DataFrame({"patient_id": pid, "sex": np.where(rng.random(n) < 0.9, "f", "m"), "birth_year": rng.integers(1960, 2004, n), "height_cm": np.round(rng.normal(166.0, 7.0, n), 1)})  # fmt: skip
    truth: dict[str, Any] = {
        "arms": {
            a.indication: {
                "area": a.area,
                "outcome": "circumference_cm",
                "per_session_effect": a.effect_cm_per_session,
                "weight_effect_per_kg": config.weight_cm_per_kg,
            }
            for a in config.arms
        },
        "adverse_events": {
            spec.type: {
                "rate_per_session": marginal_rate(spec, config.frailty_shape),
                "median_days_to_resolution": spec.median_days,
            }
            for spec in config.adverse_events
        },
    }
    if config.dose_ml is not None:
        for arm_truth in truth["arms"].values():
            arm_truth["dose_slope_cm_per_ml"] = config.dose_slope_cm_per_ml
    if config.session_price is not None:
        for arm_truth in truth["arms"].values():
            effect_cm = abs(arm_truth["per_session_effect"])
            arm_truth["cost_per_cm"] = config.session_price / effect_cm if effect_cm else None
    return SyntheticBundle(
        patients, sessions, measurements, adverse_events, truth, config, injections
    )
