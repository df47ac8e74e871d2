"""The cost and dose-response sections of the pooled report (issue 16 part 3), per site and
pooled (pure Python, no Django).

Each site's own report has them already (``figures.evidence_report``: ``engine/cost.py``,
``engine/dose_response.py``); here they are listed per site and combined with the same
random site effect as the other estimates (``engine.pooling.random_effects``: REML τ²,
Hartung–Knapp CI):

- costs are pooled **per currency only** (two currencies are never added or converted: an
  exchange rate is a choice the report will not make for the reader), on the log scale (a
  cost is positive and its interval skewed), each site's standard error taken from its 95%
  interval as (log high − log low) / (2 × 1.96); a site whose interval is unbounded is listed
  but not pooled;
- the dose-response slope is pooled on its own scale with the site's cluster-robust SE, over
  the sites that measured the dose in the same unit.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from mesoclinic.evidence.engine.estimates import rounded
from mesoclinic.evidence.engine.pooling import MIN_SITES, random_effects

Z95 = 1.959964
COST_FIGURES = ("mean_course_cost", "cost_per_responder", "cost_per_unit")


def _compact(figure: dict[str, Any] | None) -> dict[str, Any] | None:
    if not figure or figure.get("estimate") is None:
        return None
    return {"estimate": figure["estimate"], "ci95": figure["ci95"]}


def _pool_log(found: list[tuple[str, dict[str, Any]]]) -> dict[str, Any] | None:
    usable = [(s, f) for s, f in found if f["estimate"] > 0 and f["ci95"][0] and f["ci95"][1] and 0 < f["ci95"][0] < f["ci95"][1]]  # fmt: skip
    if len(usable) < MIN_SITES:
        return None
    y = np.array([math.log(f["estimate"]) for _s, f in usable])
    se = np.array([(math.log(f["ci95"][1]) - math.log(f["ci95"][0])) / (2 * Z95) for _s, f in usable])  # fmt: skip
    pooled = random_effects(y, se)
    return {
        "estimate": rounded(math.exp(pooled.mu), 2),
        "ci95": [rounded(math.exp(pooled.ci95[0]), 2), rounded(math.exp(pooled.ci95[1]), 2)],
        "i2": rounded(pooled.i2),
        "sites_pooled": [s for s, _f in usable],
    }


def pooled_cost(reports: list[tuple[str, dict[str, Any]]]) -> dict[str, Any]:
    """Each site's cost figures by currency, and per currency their pooled values."""
    sites = []
    by_currency: dict[str, list[tuple[str, dict[str, Any]]]] = {}
    for site, report in reports:
        section = report.get("cost") or {}
        blocks = []
        for block in section.get("by_currency", []):
            compact = {"currency": block["currency"], "courses": block["courses"]} | {k: _compact(block.get(k)) for k in COST_FIGURES}  # fmt: skip
            unit = (block.get("cost_per_unit") or {}).get("unit")
            compact["unit"] = unit
            blocks.append(compact)
            by_currency.setdefault(block["currency"], []).append((site, compact))
        sites.append({"site": site, "by_currency": blocks, "session_rows_unpriced": section.get("session_rows_unpriced", 0)})  # fmt: skip
    pooled = []
    for currency, found in sorted(by_currency.items()):
        entry: dict[str, Any] = {"currency": currency, "sites": len(found)}
        for key in COST_FIGURES:
            entry[key] = _pool_log([(s, f[key]) for s, f in found if f[key]])
        entry["unit"] = next((f["unit"] for _s, f in found if f["unit"]), None)
        pooled.append(entry)
    return {
        "method": "each site's figures by currency; pooled per currency only (never converted), on the log scale with a random site effect (REML τ², Hartung–Knapp CI), each site's SE from its 95% interval",  # fmt: skip
        "sites": sites,
        "pooled": pooled,
    }


def pooled_dose(reports: list[tuple[str, dict[str, Any]]]) -> dict[str, Any]:
    """Each site's dose-response slope, and their pooled slope (same dose unit only)."""
    sites = []
    found: dict[str, list[tuple[str, dict[str, Any]]]] = {}
    for site, report in reports:
        section = report.get("dose_response") or {}
        slope = section.get("slope")
        sites.append({"site": site, "courses": section.get("courses", 0), "dose_unit": section.get("dose_unit"), "slope": _compact(slope)})  # fmt: skip
        if slope and slope.get("se"):
            found.setdefault(section["dose_unit"], []).append((site, slope))
    unit, usable = max(found.items(), key=lambda item: len(item[1])) if found else ("ml", [])
    pooled = None
    if len(usable) >= MIN_SITES:
        fit = random_effects(np.array([f["estimate"] for _s, f in usable]), np.array([f["se"] for _s, f in usable]))  # fmt: skip
        pooled = fit.as_dict() | {"per": unit, "sites_pooled": [s for s, _f in usable]}
    return {
        "method": "each site's patient-level dose-response slope (see the single report), pooled with a random site effect (REML τ², Hartung–Knapp CI) over the sites with the same dose unit",  # fmt: skip
        "caveat": next(
            (r["dose_response"]["caveat"] for _s, r in reports if r.get("dose_response")), None
        ),  # fmt: skip
        "sites": sites,
        "pooled": pooled,
    }
