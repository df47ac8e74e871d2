"""Evidence pooled across practices: a two-stage random-effects analysis (issue 16, part 3).

Each site (a practice's de-identified bundle) is analysed on its own by the engine — the same
linear mixed model, random intercept per patient, with its cluster-robust CI — and the sites'
estimates are then combined with a **random site effect**: site i's true effect is
θ_i ~ N(μ, τ²), its estimate y_i ~ N(θ_i, s_i²). This is the two-stage individual-patient-data
meta-analysis; its site effect acts on the treatment effect itself (not only the level), so a
practice whose protocol works differently is allowed to differ, and τ² says by how much.

- τ² by restricted maximum likelihood (Fisher scoring; Viechtbauer 2005, "Bias and efficiency
  of meta-analytic variance estimators in the random-effects model", J Educ Behav Stat 30:261),
  which is less biased than the DerSimonian–Laird moment estimator when sites are few.
- The pooled μ's 95% CI by Hartung–Knapp–Sidik–Jonkman (t with k − 1 df), with the ad hoc
  variance correction max(1, q) so that it is never narrower than the normal-theory interval
  (IntHout, Ioannidis & Borm 2014, BMC Med Res Methodol 14:25: the plain normal interval
  undercovers badly with few sites or real heterogeneity; Röver et al. 2015 for the correction).
- τ²'s 95% CI by the Q-profile method (Viechtbauer 2007, Stat Med 26:37): the τ² at which
  the generalised Q statistic equals the χ²(k − 1) quantiles.
- Heterogeneity: Cochran's Q with its χ² p value, I² = (Q − (k − 1)) / Q floored at 0
  (Higgins & Thompson 2002, Stat Med 21:1539), and the 95% prediction interval for a new
  site's effect, μ ± t(k − 2) √(τ² + SE(μ)²) (Higgins, Thompson & Spiegelhalter 2009).

Pure numpy/scipy: no Django, no database.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np
from scipy import optimize, stats

from mesoclinic.evidence.engine.estimates import rounded

# I² above this is "substantial" heterogeneity in the Cochrane Handbook's rough guide
# (§10.10.2: 50–90 % may represent substantial heterogeneity); the report then says so.
SUBSTANTIAL_I2 = 0.5
MIN_SITES = 2


@dataclass(frozen=True)
class Pooled:
    """The random-effects summary of k site estimates."""

    k: int
    mu: float
    se: float
    ci95: tuple[float, float]
    tau2: float
    tau2_ci95: tuple[float, float]
    q: float
    q_p: float
    i2: float
    prediction95: tuple[float, float] | None
    weights: np.ndarray

    def as_dict(self) -> dict[str, Any]:
        return {
            "estimate": rounded(self.mu),
            "ci95": [rounded(self.ci95[0]), rounded(self.ci95[1])],
            "se": rounded(self.se),
            "sites": self.k,
            "tau2": rounded(self.tau2),
            "tau2_ci95": [rounded(self.tau2_ci95[0]), rounded(self.tau2_ci95[1])],
            "tau": rounded(math.sqrt(self.tau2)),
            "i2": rounded(self.i2),
            "q": rounded(self.q),
            "q_df": self.k - 1,
            "q_p": rounded(self.q_p),
            "prediction95": [rounded(self.prediction95[0]), rounded(self.prediction95[1])]
            if self.prediction95
            else None,  # fmt: skip
            "weights": [rounded(w) for w in self.weights / self.weights.sum()],
            "method": "two-stage random-effects meta-analysis of the sites' estimates: REML τ², Hartung–Knapp–Sidik–Jonkman 95% CI (t, k−1 df, variance factor at least 1)",  # fmt: skip
        }


def reml_tau2(y: np.ndarray, v: np.ndarray, tol: float = 1e-10, max_iter: int = 500) -> float:
    """REML estimate of the between-site variance τ² (Fisher scoring from the DL start)."""
    k = len(y)
    if k < 2:
        return 0.0
    w = 1.0 / v
    mu_fe = float(np.sum(w * y) / np.sum(w))
    q = float(np.sum(w * (y - mu_fe) ** 2))
    c = float(np.sum(w) - np.sum(w**2) / np.sum(w))
    tau2 = max(0.0, (q - (k - 1)) / c) if c > 0 else 0.0
    for _ in range(max_iter):
        wi = 1.0 / (v + tau2)
        mu = float(np.sum(wi * y) / np.sum(wi))
        # The REML estimating equation as a fixed point (Viechtbauer 2005, eq. 12):
        # τ² = Σ w²((y − μ)² − v) / Σ w² + 1 / Σ w, with w = 1 / (v + τ²), floored at 0.
        new = max(0.0, float(np.sum(wi**2 * ((y - mu) ** 2 - v)) / np.sum(wi**2) + 1.0 / np.sum(wi)))  # fmt: skip
        if abs(new - tau2) < tol * max(1.0, tau2):
            return new
        tau2 = new
    return tau2


def _generalised_q(y: np.ndarray, v: np.ndarray, tau2: float) -> float:
    w = 1.0 / (v + tau2)
    mu = float(np.sum(w * y) / np.sum(w))
    return float(np.sum(w * (y - mu) ** 2))


def q_profile(y: np.ndarray, v: np.ndarray) -> tuple[float, float]:
    """τ²'s 95% CI: Q_gen(τ²) decreases in τ²; each bound solves Q_gen = a χ²(k−1) quantile,
    and is 0 where even τ² = 0 gives a smaller Q."""
    k = len(y)
    upper_q, lower_q = float(stats.chi2.ppf(0.975, k - 1)), float(stats.chi2.ppf(0.025, k - 1))

    def bound(target: float) -> float:
        if _generalised_q(y, v, 0.0) <= target:
            return 0.0
        high = max(1.0, float(np.var(y)) * 10.0)
        while _generalised_q(y, v, high) > target:
            high *= 10.0
        return float(optimize.brentq(lambda t: _generalised_q(y, v, t) - target, 0.0, high, xtol=1e-12))  # fmt: skip

    return bound(upper_q), bound(lower_q)


def random_effects(estimates: np.ndarray, standard_errors: np.ndarray) -> Pooled:
    """Pool site estimates ``y`` with standard errors ``s`` under θ_i ~ N(μ, τ²)."""
    y = np.asarray(estimates, dtype=np.float64)
    v = np.asarray(standard_errors, dtype=np.float64) ** 2
    k = len(y)
    if k < MIN_SITES or not np.all(np.isfinite(v)) or np.any(v <= 0):
        raise ValueError(f"pooling needs at least {MIN_SITES} sites with a finite, positive standard error")  # fmt: skip
    w_fe = 1.0 / v
    mu_fe = float(np.sum(w_fe * y) / np.sum(w_fe))
    q = float(np.sum(w_fe * (y - mu_fe) ** 2))
    tau2 = reml_tau2(y, v)
    w = 1.0 / (v + tau2)
    mu = float(np.sum(w * y) / np.sum(w))
    hk = float(np.sum(w * (y - mu) ** 2) / (k - 1))
    se = math.sqrt(max(1.0, hk) / float(np.sum(w)))
    t = float(stats.t.ppf(0.975, k - 1))
    i2 = max(0.0, (q - (k - 1)) / q) if q > 0 else 0.0
    prediction = None
    if k >= 3:
        t_pred = float(stats.t.ppf(0.975, k - 2))
        half = t_pred * math.sqrt(tau2 + se**2)
        prediction = (mu - half, mu + half)
    return Pooled(
        k=k, mu=mu, se=se, ci95=(mu - t * se, mu + t * se), tau2=tau2, tau2_ci95=q_profile(y, v), q=q,
        q_p=float(stats.chi2.sf(q, k - 1)), i2=i2, prediction95=prediction, weights=w,
    )  # fmt: skip
