"""Confidence intervals for proportions and rates (evidence-analytics.md §2.4–§2.5).

- Wilson and Clopper–Pearson (exact) intervals for k/n; Clopper–Pearson when n is small
  or k is 0 or n, as the reference recommends (never the normal approximation).
- Per-session rates with sessions clustered within patients: the ratio estimator
  Σevents/Σsessions is the intercept-only logistic GEE with an independence working
  correlation; its robust (sandwich) variance, with the CR1 factor G/(G−1), gives a Wald
  interval on the logit scale. With few events (or few patients) the Korn–Graubard
  interval is used instead: Clopper–Pearson on the effective sample size n/deff, where the
  design effect deff = robust variance / binomial variance (at least 1).
- Exact Poisson interval for a rate per 100 sessions.
"""

from __future__ import annotations

import numpy as np
from scipy import stats

Z95 = float(stats.norm.ppf(0.975))
# Below these counts the Wald interval on the logit scale is unreliable; use the exact one.
MIN_EVENTS_FOR_WALD = 10
MIN_CLUSTERS_FOR_WALD = 20
MIN_N_FOR_WILSON = 30


def wilson(k: float, n: float) -> tuple[float, float]:
    """Wilson score interval: (p̂ + z²/2n ± z√(p̂(1−p̂)/n + z²/4n²)) / (1 + z²/n)."""
    p = k / n
    z2 = Z95 * Z95
    centre = (p + z2 / (2 * n)) / (1 + z2 / n)
    half = Z95 * np.sqrt(p * (1 - p) / n + z2 / (4 * n * n)) / (1 + z2 / n)
    return max(0.0, float(centre - half)), min(1.0, float(centre + half))


def clopper_pearson(k: float, n: float) -> tuple[float, float]:
    """Exact interval [Beta⁻¹(α/2; k, n−k+1), Beta⁻¹(1−α/2; k+1, n−k)]; real k, n allowed."""
    low = 0.0 if k <= 0 else float(stats.beta.ppf(0.025, k, n - k + 1))
    high = 1.0 if k >= n else float(stats.beta.ppf(0.975, k + 1, n - k))
    return low, high


def proportion_ci(k: int, n: int) -> tuple[float, float, str]:
    """Wilson, or Clopper–Pearson when n is small or k is 0 or n."""
    if n < MIN_N_FOR_WILSON or k in (0, n):
        return (*clopper_pearson(k, n), "Clopper-Pearson (exact)")
    return (*wilson(k, n), "Wilson")


def clustered_rate(events: np.ndarray, trials: np.ndarray) -> tuple[float, float, float, str]:
    """Rate Σevents/Σtrials with a 95% CI allowing for clustering (one entry per patient)."""
    k, n = float(events.sum()), float(trials.sum())
    rate = k / n
    clusters = int(np.count_nonzero(trials))
    if 0 < k < n and clusters > 1:
        resid = events - rate * trials
        robust = clusters / (clusters - 1) * float(resid @ resid) / (n * n)
        design_effect = max(1.0, robust / (rate * (1 - rate) / n))
    else:
        robust, design_effect = 0.0, 1.0
    wald_ok = (
        min(k, n - k) >= MIN_EVENTS_FOR_WALD and clusters >= MIN_CLUSTERS_FOR_WALD and robust > 0
    )
    if wald_ok:
        logit = np.log(rate / (1 - rate))
        half = Z95 * np.sqrt(robust) / (rate * (1 - rate))
        low, high = 1 / (1 + np.exp(-(logit - half))), 1 / (1 + np.exp(-(logit + half)))
        return rate, float(low), float(high), "GEE logistic, independence working correlation, cluster-robust (CR1) by patient; Wald on the logit scale"  # fmt: skip
    low, high = clopper_pearson(k / design_effect, n / design_effect)
    return rate, low, high, f"exact (Clopper-Pearson) on the effective sample size, design effect {design_effect:.2f} (Korn-Graubard)"  # fmt: skip


def poisson_rate_ci(k: int, exposure: float) -> tuple[float, float]:
    """Exact Poisson interval [χ²(α/2; 2k)/2, χ²(1−α/2; 2k+2)/2] / exposure."""
    low = 0.0 if k == 0 else float(stats.chi2.ppf(0.025, 2 * k)) / 2
    high = float(stats.chi2.ppf(0.975, 2 * k + 2)) / 2
    return low / exposure, high / exposure
