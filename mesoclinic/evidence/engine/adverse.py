"""Adverse events per session and per patient, and time to resolution (§2.5, §4 R7).

- **Sessions** are the distinct session ids of the report's scope (indication × area).
- An event counts for the session named by its ``session_id`` when that session is in
  scope; an event without ``session_id`` is attributed to the patient's latest in-scope
  session on or before its onset. Events attributed elsewhere belong to another report.
- Per session: sessions with ≥1 event of the type / sessions, CI allowing for sessions
  clustered within patients (``proportions.clustered_rate``). Per patient: patients with
  ≥1 event / patients exposed, Wilson or Clopper–Pearson. Rate per 100 sessions: exact
  Poisson on the number of events.
- **Time to resolution**: Kaplan–Meier; event = resolved (``resolved_date − onset_date``),
  right-censored at ``last_seen_unresolved − onset_date`` for events still unresolved at the
  last contact. Median = first time the survival curve is ≤ 0.5; its 95% CI from the
  pointwise log-log bands. When fewer than half are seen resolved the median is null. The
  recorded resolution date is taken as exact; where it is only known to lie between two
  contacts the median is biased towards the later contact (evidence-analytics.md §2.5).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from mesoclinic.clinical_codes import AE_TYPES
from mesoclinic.evidence.engine import notes as notes_text
from mesoclinic.evidence.engine.estimates import rounded
from mesoclinic.evidence.engine.proportions import (
    Z95,
    clustered_rate,
    poisson_rate_ci,
    proportion_ci,
)

# Far below any difference a product of at most millions of (n − d) / n factors can make
# from one half, far above the rounding error of their float product.
HALF_TOLERANCE = 1e-9


@dataclass(frozen=True)
class KaplanMeier:
    """The Kaplan–Meier curve at each distinct time (events and censorings), with its
    Greenwood variance and the pointwise 95% log-log (complementary log-log) band."""

    times: np.ndarray
    at_risk: np.ndarray
    events: np.ndarray
    survival: np.ndarray
    # Greenwood's sum of d / (n (n − d)): the variance of log S(t); S·√sum is the SE of S(t).
    greenwood: np.ndarray
    band_low: np.ndarray
    band_high: np.ndarray


def kaplan_meier(duration: np.ndarray, resolved: np.ndarray) -> KaplanMeier:
    """The product-limit curve of ``duration`` with ``resolved`` as the event (else censored;
    a censoring tied with an event is still at risk at that time)."""
    times, inverse = np.unique(duration, return_inverse=True)
    events = np.bincount(inverse, weights=resolved.astype(np.float64), minlength=len(times))
    leaving = np.bincount(inverse, minlength=len(times)).astype(np.float64)
    at_risk = len(duration) - np.concatenate([[0.0], np.cumsum(leaving)[:-1]])
    hazard = events / at_risk
    survival = np.cumprod(1.0 - hazard)
    with np.errstate(divide="ignore", invalid="ignore"):
        greenwood = np.cumsum(events / (at_risk * (at_risk - events)))
        log_s = np.log(survival)
        se = np.sqrt(greenwood) / np.abs(log_s)
        centre = np.log(-log_s)
        band_low = np.exp(-np.exp(centre + Z95 * se))
        band_high = np.exp(-np.exp(centre - Z95 * se))
    band_low = np.where(survival <= 0, 0.0, band_low)
    band_high = np.where(survival <= 0, 0.0, band_high)
    return KaplanMeier(times, at_risk, events, survival, greenwood, band_low, band_high)


def kaplan_meier_median(
    duration: np.ndarray, resolved: np.ndarray
) -> tuple[float | None, list[float | None]]:
    """Median time to resolution and its 95% CI (None where the curve does not reach 0.5)."""
    if len(duration) == 0 or not resolved.any():
        return None, [None, None]
    curve = kaplan_meier(duration, resolved)

    def first_at_or_below_half(values: np.ndarray) -> float | None:
        # A curve that is exactly one half (e.g. 97 of 194 resolved, no censoring) may be
        # computed a rounding error above it; within HALF_TOLERANCE it counts as one half.
        hits = np.flatnonzero(np.nan_to_num(values, nan=1.0) <= 0.5 + HALF_TOLERANCE)
        return float(curve.times[hits[0]]) if len(hits) else None

    # The lower band reaches 0.5 first (lower end of the median's CI), the upper band last.
    return first_at_or_below_half(curve.survival), [
        first_at_or_below_half(curve.band_low),
        first_at_or_below_half(curve.band_high),
    ]


def _attribute(events: pd.DataFrame, sessions: pd.DataFrame) -> tuple[pd.DataFrame, int]:
    """Events of in-scope sessions (``sessions``: one row per patient and session id), each
    with its session key; count of unattributable ones."""
    sessions = sessions[["patient", "session_id", "day"]]
    # Session ids are codes (engine/tables.py): -1 names no session.
    named = events[events["session_id"].to_numpy() >= 0]
    # The inner merge with the sessions on (patient, session_id), which are unique there: the
    # events whose pair is in scope, in their order, found by one integer key per pair.
    own = sessions[sessions["session_id"].to_numpy() >= 0]
    width = int(max(named["session_id"].max(), own["session_id"].max())) + 1 if len(named) and len(own) else 1  # fmt: skip
    pair = named["patient"].to_numpy().astype(np.int64) * width + named["session_id"].to_numpy()
    scoped = own["patient"].to_numpy().astype(np.int64) * width + own["session_id"].to_numpy()
    # A hash lookup (pandas' isin): np.isin sorts both arrays, several times slower here.
    named = named[pd.Index(pair).isin(scoped)].reset_index(drop=True)
    unnamed = events[(events["session_id"].to_numpy() < 0) & events["patient"].isin(sessions["patient"]).to_numpy()]  # fmt: skip
    lost = 0
    if len(unnamed):
        left = unnamed.drop(columns="session_id").sort_values("onset_day")
        right = sessions.assign(onset_day=sessions["day"].astype(np.float64)).sort_values("onset_day")  # fmt: skip
        matched = pd.merge_asof(left, right[["patient", "onset_day", "session_id"]], on="onset_day", by="patient", direction="backward")  # fmt: skip
        lost = int(matched["session_id"].isna().sum())
        named = pd.concat([named, matched[matched["session_id"].notna()]], ignore_index=True)
    return named, lost


def _distinct(codes: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``np.unique(codes, return_inverse=True)`` for the patients' small non-negative integer
    codes (engine/tables.py), by a table of those present rather than a sort."""
    if codes.dtype.kind not in "iu" or not len(codes) or codes.min() < 0:
        distinct, inverse = np.unique(codes, return_inverse=True)
        return distinct, inverse
    present = np.zeros(int(codes.max()) + 1, dtype=bool)
    present[codes] = True
    rank = np.cumsum(present) - 1
    return np.flatnonzero(present).astype(codes.dtype), rank[codes]


def adverse_event_rates(
    events: pd.DataFrame, scope: pd.DataFrame
) -> tuple[list[dict[str, Any]], list[dict[str, Any]], list[str]]:
    """One entry per event type seen; the serious events listed; notes for limitations."""
    notes: list[str] = []
    # Only the columns used (_attribute's): drop_duplicates copies every column it is given.
    sessions = scope[["patient", "session_id", "day"]].drop_duplicates(["patient", "session_id"])
    n_sessions = len(sessions)
    if n_sessions == 0:
        return [], [], []
    patients, patient_code = _distinct(sessions["patient"].to_numpy())
    sessions_per_patient = np.bincount(patient_code, minlength=len(patients)).astype(np.float64)
    attributed, lost = _attribute(events, sessions)
    if lost:
        notes.append(notes_text.UNATTRIBUTED_EVENTS % {"count": lost})
    out: list[dict[str, Any]] = []
    for ae_type, group in attributed.groupby("type", sort=True):
        hit = group.drop_duplicates(["patient", "session_id"])
        code = np.searchsorted(patients, hit["patient"].to_numpy())
        per_patient = np.bincount(code, minlength=len(patients)).astype(np.float64)
        rate, low, high, method = clustered_rate(per_patient, sessions_per_patient)
        k_patients = int(np.count_nonzero(per_patient))
        p_low, p_high, p_method = proportion_ci(k_patients, len(patients))
        per100 = poisson_rate_ci(len(group), n_sessions / 100.0)  # exposure in 100 sessions
        resolved = group["resolved_day"].notna().to_numpy()
        end = np.where(resolved, group["resolved_day"], group["last_seen_day"])
        duration = end - group["onset_day"].to_numpy()
        known = np.isfinite(duration) & (duration >= 0)
        if (~known).any():
            notes.append(notes_text.EVENTS_WITHOUT_DURATION % {"event": AE_TYPES.get(ae_type, ae_type), "count": int((~known).sum())})  # fmt: skip
        median, median_ci = kaplan_meier_median(duration[known], resolved[known])
        if median is None and known.any():
            notes.append(notes_text.MEDIAN_NOT_REACHED % {"event": AE_TYPES.get(ae_type, ae_type)})
        out.append(
            {
                "type": str(ae_type),
                "sessions_with_event": int(len(hit)),
                "sessions": n_sessions,
                "rate_per_session": rounded(rate),
                "ci95": [rounded(low), rounded(high)],
                "ci_method": method,
                "patients_with_event": k_patients,
                "patients": len(patients),
                "rate_per_patient": rounded(k_patients / len(patients)),
                "ci95_per_patient": [rounded(p_low), rounded(p_high)],
                "ci_method_per_patient": p_method,
                "events": len(group),
                "events_per_100_sessions": rounded(100.0 * len(group) / n_sessions),
                "ci95_per_100_sessions": [rounded(per100[0]), rounded(per100[1])],
                "serious": int(group["serious"].sum()),
                "by_severity": {
                    str(s): int(c) for s, c in group["severity"].value_counts().sort_index().items()
                },  # fmt: skip
                "median_days_to_resolution": median,
                "median_days_to_resolution_ci95": median_ci,
                "unresolved_at_last_contact": int((~resolved & known).sum()),
                "resolution_method": "Kaplan-Meier; unresolved events right-censored at last_seen_unresolved",  # fmt: skip
            }
        )
    serious = attributed[attributed["serious"].to_numpy()]
    listed = [
        {
            "event_id": str(r.event_id),
            "type": str(r.type),
            "severity": str(r.severity),
            "resolved": bool(np.isfinite(r.resolved_day)),
        }  # fmt: skip
        for r in serious.sort_values("event_id").itertuples()
    ]
    return out, listed, notes
