"""The evidence report pooled over several practices' bundles (issue 16, part 3).

Every site is analysed by the one evidence path (``figures.evidence_report``) and its
estimates are combined by ``engine.pooling.random_effects`` (a random site effect; REML τ²,
Hartung–Knapp CI, I², prediction interval). The result has the keys of the single report
(../shared/spec/evidence-report.md) with pooled values, and adds ``sites`` (each site's own
figures, for the forest plot) and ``heterogeneity`` (of the per-session effect).

Pooling one site's rows with another's as if they were one practice would hide that practices
differ (protocol, patients, measuring hands): a site effect is the honest model, and when the
sites disagree the report says so and gives the prediction interval — what a new practice can
expect — beside the pooled mean.

Standard errors are recovered from each site's 95% CI with the quantile it was built with:
t with patients − 1 df for the model's and the control-site estimates (cluster-robust),
t with courses − 1 df for the naive change; rates are pooled on the logit scale, with the
site's (cluster-aware) CI converted to the same scale.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import ProcessPoolExecutor
from typing import Any, TypeAlias

import numpy as np
from scipy import stats

from mesoclinic.evidence.engine import notes
from mesoclinic.evidence.engine.estimates import rounded
from mesoclinic.evidence.engine.pooling import MIN_SITES, SUBSTANTIAL_I2, random_effects
from mesoclinic.evidence.figures import Tables, evidence_report
from mesoclinic.evidence.pooled_cost_dose import pooled_cost, pooled_dose

Z95 = float(stats.norm.ppf(0.975))
EFFECTS = ("per_session_effect", "naive_change", "weight_effect_per_kg", "control_difference_per_session")  # fmt: skip


def _df(figure: dict[str, Any], key: str) -> int | None:
    if key == "naive_change":
        return int(figure["courses"]) - 1 if figure.get("courses") else None
    if figure.get("patients"):
        return int(figure["patients"]) - 1
    return None


def _se(figure: dict[str, Any], df: int | None) -> float:
    low, high = figure["ci95"]
    quantile = float(stats.t.ppf(0.975, df)) if df and df > 0 else Z95
    return (float(high) - float(low)) / (2.0 * quantile)


def _pool_effect(reports: list[tuple[str, dict[str, Any]]], key: str, df_from: str) -> dict[str, Any] | None:  # fmt: skip
    found = [(site, r[key], r) for site, r in reports if r.get(key)]
    if len(found) < MIN_SITES:
        return None
    # The weight effect's df is its model's: the per-session effect's patients.
    df = [_df(r[df_from] or fig, df_from) for _site, fig, r in found]
    y = np.array([float(fig["estimate"]) for _s, fig, _r in found])
    se = np.array([_se(fig, d) for (_s, fig, _r), d in zip(found, df, strict=True)])
    if np.any(se <= 0):
        return None
    return random_effects(y, se).as_dict() | {"sites_pooled": [s for s, _f, _r in found]}


def _logit(p: float) -> float:
    return math.log(p / (1.0 - p))


def _expit(x: float) -> float:
    return 1.0 / (1.0 + math.exp(-x))


def _pool_rate(rows: Iterable[tuple[int, int, list[float] | None]]) -> dict[str, Any] | None:
    """Rates k / n of several sites, pooled on the logit scale (the site's CI gives its SE;
    a rate at 0 or 1 takes the continuity-corrected SE √(1/(k+½) + 1/(n−k+½)))."""
    y, se = [], []
    total_k = total_n = 0
    for k, n, ci in rows:
        if n <= 0:
            continue
        total_k, total_n = total_k + k, total_n + n
        kk, nn = (k + 0.5, n + 1.0) if k in (0, n) else (float(k), float(n))
        y.append(_logit(kk / nn))
        if ci and 0 < ci[0] < ci[1] < 1 and 0 < k < n:
            se.append((_logit(ci[1]) - _logit(ci[0])) / (2 * Z95))
        else:
            se.append(math.sqrt(1.0 / (k + 0.5) + 1.0 / (n - k + 0.5)))
    if len(y) < MIN_SITES:
        return None
    pooled = random_effects(np.array(y), np.array(se))
    return {
        "k": total_k,
        "n": total_n,
        "rate": rounded(_expit(pooled.mu)),
        "ci95": [rounded(_expit(pooled.ci95[0])), rounded(_expit(pooled.ci95[1]))],
        "sites": pooled.k,
        "i2": rounded(pooled.i2),
        "tau2_logit": rounded(pooled.tau2),
        "method": "random-effects meta-analysis of the sites' rates on the logit scale (REML τ², Hartung–Knapp CI)",  # fmt: skip
    }


def _adverse(reports: list[tuple[str, dict[str, Any]]]) -> list[dict[str, Any]]:
    """Each event type over the sites; a site that saw none of a type counts with 0 of its
    sessions (its session count is on any of its rows: every type has the same sessions)."""
    site_rows = [{row["type"]: row for row in r["adverse_events"]} for _s, r in reports]
    site_sessions = [next(iter(rows.values()))["sessions"] if rows else 0 for rows in site_rows]
    out = []
    for ae_type in sorted({t for rows in site_rows for t in rows}):
        counts = [
            (rows[ae_type]["sessions_with_event"], n, rows[ae_type]["ci95"])
            if ae_type in rows
            else (0, n, None)  # fmt: skip
            for rows, n in zip(site_rows, site_sessions, strict=True)
            if n > 0
        ]
        seen = [rows[ae_type] for rows in site_rows if ae_type in rows]
        pooled = _pool_rate(counts)
        k, n = sum(c[0] for c in counts), sum(c[1] for c in counts)
        out.append(
            {
                "type": ae_type,
                "sessions_with_event": k,
                "sessions": n,
                "rate_per_session": pooled["rate"] if pooled else rounded(k / n),
                "ci95": pooled["ci95"] if pooled else seen[0]["ci95"],
                "ci_method": pooled["method"] if pooled else "one site only: its own interval",
                "patients_with_event": sum(r["patients_with_event"] for r in seen),
                "patients": sum(r["patients"] for r in seen),
                "median_days_to_resolution": _weighted_median(
                    [r["median_days_to_resolution"] for r in seen],
                    [r["sessions_with_event"] for r in seen],
                ),  # fmt: skip
            }
        )
    return out


def _weighted_median(values: list[float | None], weights: list[int]) -> float | None:
    """The sites' median durations, combined as a median weighted by events (a summary of
    medians, not a Kaplan–Meier median of the pooled events)."""
    pairs = sorted((v, w) for v, w in zip(values, weights, strict=True) if v is not None and w > 0)
    if not pairs:
        return None
    half, seen = sum(w for _v, w in pairs) / 2.0, 0
    for value, weight in pairs:
        seen += weight
        if seen >= half:
            return float(value)
    return float(pairs[-1][0])


SITE_LINES_LISTED = 10


def _site_limitations(reports: list[tuple[str, dict[str, Any]]]) -> list[str]:
    """The limitations every site shares, once; a site's own (its attrition, its counts) with
    its name, for up to ``SITE_LINES_LISTED`` sites (beyond, each site's report has them)."""
    lines = [list(r.get("limitations", [])) for _s, r in reports]
    shared = [line for line in lines[0] if all(line in other for other in lines[1:])] if lines else []  # fmt: skip
    own = [(site, line) for (site, _r), mine in zip(reports, lines, strict=True) for line in mine if line not in shared]  # fmt: skip
    if len(reports) > SITE_LINES_LISTED:
        return shared + ([notes.SINGLE_SITE_LINES % {"count": len(own)}] if own else [])
    return shared + [notes.SITE_LINE % {"site": site, "line": line} for site, line in own]


# A site: its name, and its tables or the function that reads them.
Site: TypeAlias = tuple[str, Tables | Callable[[], Tables]]


def site_report(tables: Tables, *, indication: str, area: str | None, outcome: str, protocol: str | None = None) -> dict[str, Any]:  # fmt: skip
    """One site reduced to what pooling reads: its report (estimates with their CIs, counts,
    rates, limitations), without the figures only a single report's page draws."""
    return evidence_report(tables, indication=indication, area=area, outcome=outcome, protocol=protocol, decomposition=False)  # fmt: skip


def _site_job(job: tuple[Site, dict[str, Any]]) -> dict[str, Any]:
    """A site read and reduced in a worker process (module level: it is pickled)."""
    (_name, source), question = job
    return site_report(source() if callable(source) else source, **question)


def pooled_report(
    sites: Sequence[Site],
    *,
    indication: str,
    area: str | None,
    outcome: str,
    protocol: str | None = None,
    progress: Callable[[str], None] = lambda _m: None,
    workers: int = 1,
) -> dict[str, Any]:
    """The report of ``indication`` over every site, each analysed alone, then pooled.

    A site is its ``Tables`` or a function that reads them (``site_reader.read_site``): read
    then, reduced to its report, and let go before the next, so memory is bounded by the
    largest site, not the sum. ``workers`` > 1 reduces that many sites at once in worker
    processes (each site's function must then pickle)."""
    question: dict[str, Any] = {"indication": indication, "area": area, "outcome": outcome, "protocol": protocol}  # fmt: skip
    jobs = [(site, question) for site in sites]
    if workers > 1 and len(jobs) > 1:
        with ProcessPoolExecutor(max_workers=workers) as pool:
            found = pool.map(_site_job, jobs)
            reports = []
            try:
                for i, ((site, _source), report) in enumerate(zip(sites, found, strict=True), start=1):  # fmt: skip
                    progress(f"site {i}/{len(sites)}: {site}")
                    reports.append((site, report))
            except BaseException:
                # A bad site stops the report now, not after every other site is reduced.
                pool.shutdown(wait=False, cancel_futures=True)
                raise
    else:
        reports = []
        for i, job in enumerate(jobs, start=1):
            progress(f"site {i}/{len(sites)}: {job[0][0]}")
            reports.append((job[0][0], _site_job(job)))
    return pool_reports(reports, **question)


def pool_reports(reports: list[tuple[str, dict[str, Any]]], *, indication: str, area: str | None, outcome: str, protocol: str | None = None) -> dict[str, Any]:  # fmt: skip
    """The sites' reports (``site_report``) combined with a random site effect."""
    pooled = {key: _pool_effect(reports, key, "per_session_effect" if key == "weight_effect_per_kg" else key) for key in EFFECTS}  # fmt: skip
    effect = pooled["per_session_effect"]
    responders = _pool_rate((r["responders"]["k"], r["responders"]["n"], r["responders"]["ci95"]) for _s, r in reports if r.get("responders"))  # fmt: skip
    limitations = [
        notes.POOLED_OVER % {"sites": len(reports)},
    ]
    if effect and effect["i2"] is not None and effect["i2"] > SUBSTANTIAL_I2:
        limitations.append(
            notes.SITES_DISAGREE
            % {
                "i2": f"{100 * effect['i2']:.0f}",
                "tau": effect["tau"],
                "prediction": effect["prediction95"],
            }  # fmt: skip
        )
    elif effect is None:
        limitations.append(notes.NOT_POOLED % {"sites": MIN_SITES})
    first = reports[0][1] if reports else {}
    limitations += _site_limitations(reports)
    return {
        "indication": indication,
        "area": area,
        "outcome": outcome,
        "protocol": protocol,
        "pooled": True,
        "patients": sum(r["patients"] for _s, r in reports),
        "courses": sum(r["courses"] for _s, r in reports),
        "measurements": sum(r["measurements"] for _s, r in reports),
        **{key: pooled[key] for key in EFFECTS},
        "responders": responders,
        "adverse_events": _adverse(reports),
        "heterogeneity": {
            k: effect[k] for k in ("tau2", "tau", "i2", "q", "q_df", "q_p", "prediction95")
        }
        if effect
        else None,  # fmt: skip
        "sites": [
            {
                "site": site,
                "patients": r["patients"],
                "courses": r["courses"],
                "measurements": r["measurements"],
                **{
                    key: (
                        {"estimate": r[key]["estimate"], "ci95": r[key]["ci95"]}
                        if r.get(key)
                        else None
                    )
                    for key in EFFECTS
                },  # fmt: skip
                "responders": {k: r["responders"][k] for k in ("k", "n", "rate", "ci95")}
                if r.get("responders")
                else None,  # fmt: skip
            }
            for site, r in reports
        ],
        "limitations": limitations,
        "relative_to_baseline": first.get("relative_to_baseline", False),
        # Optional sections (pooled_cost_dose.py): per site and pooled, same currency only.
        "cost": pooled_cost(reports),
        "dose_response": pooled_dose(reports),
    }
