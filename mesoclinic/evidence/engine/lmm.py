"""Linear mixed model with a random intercept, fitted by profiled REML from per-group sums.

Model (evidence-analytics.md §2.3): ``y = Xβ + u_g + ε`` with ``u_g ~ N(0, σ²γ)`` per group
and ``ε ~ N(0, σ²)``. For a random-intercept model the inverse covariance of one group has a
closed form, ``H_g⁻¹ = I − c_g·11ᵀ`` with ``c_g = γ / (1 + n_g γ)``, so everything REML needs
is a function of the global ``XᵀX, Xᵀy, yᵀy`` and, per group, ``n_g``, ``Σx`` and ``Σy``.
After profiling out β and σ² the likelihood has one free parameter (``log γ``), which a
bounded Brent search maximises. One evaluation costs O(G·p²), independent of the number of
rows, which is why this is orders of magnitude faster than statsmodels' MixedLM (a Python
loop over groups per iteration; see evidence-analytics.md §3 and
https://github.com/statsmodels/statsmodels/issues/9097). The tests check it against MixedLM.

Two covariances of β are returned: the model-based REML one (what MixedLM reports) and a
cluster-robust sandwich (CR1, clustered on the patient). The report uses the robust one,
because random-intercept-only intervals are too narrow when the response varies between
patients (evidence-analytics.md §0 point 6 and §5, lesson 4).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray
from scipy import optimize

FloatArray = NDArray[Any]
IntArray = NDArray[Any]

# Search range for log(σ²_u / σ²). Below the lower end the patient variance is zero for any
# practical purpose (a boundary fit); an optimum at the upper end means the fit failed.
LOG_RATIO_BOUNDS = (-18.0, 12.0)


@dataclass(frozen=True)
class LmmFit:
    """Fixed effects, variance components and convergence status of one REML fit."""

    names: tuple[str, ...]
    params: FloatArray
    cov_model: FloatArray
    cov_robust: FloatArray
    scale: float  # residual variance σ²
    group_var: float  # random-intercept variance σ²_u
    reml_loglike: float
    n_obs: int
    n_groups: int
    n_clusters: int
    converged: bool
    message: str

    def index(self, name: str) -> int:
        return self.names.index(name)

    def se_model(self, name: str) -> float:
        i = self.index(name)
        return float(np.sqrt(self.cov_model[i, i]))

    def se_robust(self, name: str) -> float:
        i = self.index(name)
        return float(np.sqrt(self.cov_robust[i, i]))


def _group_sums(values: FloatArray, groups: IntArray, n_groups: int) -> FloatArray:
    """Per-group column sums of a 1-D or 2-D array (bincount is the fastest reduction)."""
    if values.ndim == 1:
        return np.bincount(groups, weights=values, minlength=n_groups)
    return np.column_stack(
        [
            np.bincount(groups, weights=values[:, j], minlength=n_groups)
            for j in range(values.shape[1])
        ]
    )


class _Profile:
    """The REML criterion as a function of log γ, from sufficient statistics only."""

    def __init__(self, y: FloatArray, x: FloatArray, groups: IntArray, n_groups: int) -> None:
        self.n_obs, self.p = x.shape
        self.n_g = np.bincount(groups, minlength=n_groups).astype(np.float64)
        self.sx = _group_sums(x, groups, n_groups)
        self.sy = _group_sums(y, groups, n_groups)
        self.xtx = x.T @ x
        self.xty = x.T @ y
        self.yty = float(y @ y)
        # Σy² per group, the same at every evaluation of the criterion.
        self.sy2 = self.sy * self.sy

    def solve(self, log_ratio: float) -> tuple[float, FloatArray, FloatArray, float, FloatArray]:
        """(-REML log-likelihood up to a constant, β, A = XᵀH⁻¹X, σ², c_g) at ``log_ratio``."""
        ratio = float(np.exp(log_ratio))
        c = ratio / (1.0 + self.n_g * ratio)
        a = self.xtx - (self.sx * c[:, None]).T @ self.sx
        b = self.xty - self.sx.T @ (c * self.sy)
        q = self.yty - float(c @ self.sy2)
        chol = np.linalg.cholesky(a)
        beta = np.linalg.solve(a, b)
        dof = self.n_obs - self.p
        scale = (q - float(b @ beta)) / dof
        if not scale > 0:
            raise np.linalg.LinAlgError("non-positive residual variance")
        logdet_a = 2.0 * float(np.sum(np.log(np.diag(chol))))
        logdet_h = float(np.sum(np.log1p(self.n_g * ratio)))
        nll = 0.5 * (dof * np.log(scale) + logdet_h + logdet_a + dof * (1.0 + np.log(2 * np.pi)))
        return float(nll), beta, a, float(scale), c

    def objective(self, log_ratio: float) -> float:
        try:
            return self.solve(log_ratio)[0]
        except np.linalg.LinAlgError:
            return float(np.inf)


def _failed(names: tuple[str, ...], n_obs: int, n_groups: int, n_clusters: int, why: str) -> LmmFit:
    p = len(names)
    nan = np.full(p, np.nan)
    return LmmFit(
        names, nan, np.full((p, p), np.nan), np.full((p, p), np.nan), float("nan"),
        float("nan"), float("nan"), n_obs, n_groups, n_clusters, False, why,
    )  # fmt: skip


def fit_random_intercept(
    y: FloatArray,
    x: FloatArray,
    groups: IntArray,
    names: tuple[str, ...],
    clusters: IntArray | None = None,
) -> LmmFit:
    """REML fit of ``y ~ x`` with a random intercept per group.

    ``groups`` and ``clusters`` are integer codes 0..G-1; each group must lie within one
    cluster (for the robust covariance). ``x`` must contain the intercept column.
    """
    clusters = groups if clusters is None else clusters
    n_obs, p = x.shape
    n_groups = int(groups.max()) + 1 if n_obs else 0
    n_clusters = int(clusters.max()) + 1 if n_obs else 0
    if n_obs <= p + 1 or n_groups < 2:
        return _failed(names, n_obs, n_groups, n_clusters, "too few observations for the model")
    # A rank-deficient design (e.g. no variation in sessions) cannot be fitted; say so.
    scaled = x / np.maximum(np.sqrt(np.sum(x * x, axis=0)), 1e-300)
    if np.linalg.matrix_rank(scaled, tol=1e-10) < p:
        return _failed(names, n_obs, n_groups, n_clusters, "design is rank-deficient")

    profile = _Profile(y, x, groups, n_groups)
    low, high = LOG_RATIO_BOUNDS
    search = optimize.minimize_scalar(
        profile.objective, bounds=(low, high), method="bounded", options={"xatol": 1e-9}
    )
    log_ratio = float(search.x)
    if not search.success or not np.isfinite(search.fun):
        return _failed(names, n_obs, n_groups, n_clusters, f"REML search failed: {search.message}")
    # Convergence check: an interior optimum has zero slope and positive curvature; an optimum
    # at the lower bound is a zero patient variance (the criterion must rise away from it).
    h = 1e-4
    f0, f_minus, f_plus = (profile.objective(log_ratio + d) for d in (0.0, -h, h))
    slope = (f_plus - f_minus) / (2 * h)
    curvature = (f_plus - 2 * f0 + f_minus) / (h * h)
    at_lower = log_ratio - low < 1e-3
    if log_ratio > high - 1e-3:
        return _failed(names, n_obs, n_groups, n_clusters, "patient variance diverged")
    if not at_lower and (abs(slope) > 1e-3 * max(1.0, abs(f0)) or curvature <= 0):
        return _failed(
            names, n_obs, n_groups, n_clusters, "REML criterion not at a minimum (not converged)"
        )

    nll, beta, a, scale, c = profile.solve(log_ratio)
    a_inv = np.linalg.inv(a)
    cov_model = scale * a_inv
    # Sandwich: bread (XᵀV⁻¹X)⁻¹ = σ²A⁻¹; score of group g = (X_gᵀe_g − c_g·Σx_g·Σe_g)/σ².
    resid = y - x @ beta
    score = (_group_sums(x * resid[:, None], groups, n_groups) - profile.sx * (c * _group_sums(resid, groups, n_groups))[:, None]) / scale  # fmt: skip
    group_cluster = np.zeros(n_groups, dtype=np.intp)
    group_cluster[groups] = clusters
    cluster_score = _group_sums(score, group_cluster, n_clusters)
    meat = cluster_score.T @ cluster_score
    small_sample = n_clusters / (n_clusters - 1)
    cov_robust = small_sample * cov_model @ meat @ cov_model
    return LmmFit(
        names=names,
        params=beta,
        cov_model=cov_model,
        cov_robust=cov_robust,
        scale=scale,
        group_var=0.0 if at_lower else scale * float(np.exp(log_ratio)),
        reml_loglike=-nll,
        n_obs=n_obs,
        n_groups=n_groups,
        n_clusters=n_clusters,
        converged=True,
        message="converged at zero patient variance (boundary)" if at_lower else "converged",
    )
