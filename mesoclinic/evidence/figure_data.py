"""What each evidence figure shows, computed once for the page (SVG) and the PDF (vector).

``report_figures`` turns one indication's report into the figures' numbers — the rows of an
interval plot, the signed bars of the decomposition, the course lines and model mean — and,
for each figure that cannot be drawn, the sentence that says why. ``plots.py`` draws them as
inline SVG, ``pdf_figures.py`` as PDF paths, so the two surfaces can never disagree. Labels
are protocols, side-effect types and raters: no figure carries a patient's identity.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from mesoclinic.charts.estimates import Interval
from mesoclinic.clinical_codes import AE_TYPES
from mesoclinic.evidence import figures

RELATIVE_PLOT_NOTE = "The change-from-baseline plots (trajectories, weight versus treatment, effect by protocol) are not drawn: the {label} rates change against the pre-treatment appearance, so there is no baseline value to subtract. The share rated improved or better is shown instead."  # fmt: skip


@dataclass(frozen=True)
class Figure:
    """One plot's title, caption, axis label and data; ``kind`` says which shape draws it."""

    key: str
    kind: Literal["intervals", "bars", "trajectories"]
    ident: str
    title: str
    desc: str
    axis_label: str
    intervals: Sequence[Interval] = ()
    reference: float | None = 0.0
    bars: Sequence[tuple[str, float]] = ()
    lines: Sequence[Sequence[tuple[float, float]]] = ()
    mean: Sequence[tuple[float, float, float, float]] = ()


@dataclass
class FigureSet:
    """The figures that can be drawn, in page order, and a sentence for each that cannot."""

    figures: list[Figure] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    missing: list[tuple[str, str]] = field(default_factory=list)


def _relative(report: dict[str, Any], label: str) -> FigureSet:
    """A scale rated against baseline (GAIS): responder rates by rater instead of change plots."""
    out = FigureSet(notes=[RELATIVE_PLOT_NOTE.format(label=label)])
    rows = [Interval(f"{r['rater'].capitalize()}-rated", 100 * r["rate"], 100 * r["ci95"][0], 100 * r["ci95"][1]) for r in (report["responders"], report.get("responders_subject")) if r is not None]  # fmt: skip
    if not rows:
        out.notes.append("Too few rated courses for a responder rate; see the limitations.")
        return out
    out.figures.append(Figure("responders", "intervals", "ev-resp", "Rated improved or better", "Percentage of courses rated improved or better (GAIS 1–3) at their last rating, by rater, with 95% CI.", "% of courses", intervals=rows, reference=None))  # fmt: skip
    return out


def _change_figures(out: FigureSet, tables: figures.Tables, report: dict[str, Any], indication: str, chosen: dict[str, Any], unit: str) -> None:  # fmt: skip
    lines = figures.trajectories(tables, indication=indication, **chosen)
    if lines:
        most = max(p[0] for line in lines for p in line)
        out.figures.append(Figure("trajectories", "trajectories", "ev-traj", "Change from baseline by sessions", f"Thin lines: up to 40 treated sites; thick line: model mean per session net of weight, with its 95% band. {len(lines)} sites.", f"Change ({unit})", lines=lines, mean=figures.model_mean(report, most)))  # fmt: skip
    else:
        out.missing.append(("Change from baseline by sessions", "no treated site has a baseline and a later reading."))  # fmt: skip
    split = report["decomposition"]
    if split:
        bars = [("Naive change", split["naive_change"]), ("Weight change part", split["weight_part"]), ("Treatment part", split["treatment_part"]), ("Residual", split["residual"])]  # fmt: skip
        out.figures.append(Figure("decomposition", "bars", "ev-split", "Weight versus treatment", "The naive change split into the part explained by weight change and the treatment part.", unit, bars=bars))  # fmt: skip
    else:
        out.missing.append(("Weight versus treatment", "too few courses with a naive change, a per-session effect and a weight at baseline and last follow-up."))  # fmt: skip
    rows = [Interval(p["protocol"], p["per_session_effect"]["estimate"], *p["per_session_effect"]["ci95"]) for p in figures.by_protocol(tables, indication=indication, area=chosen["area"], outcome=chosen["outcome"]) if p["per_session_effect"]]  # fmt: skip
    if report["per_session_effect"] and rows:
        rows.append(Interval("All protocols", report["per_session_effect"]["estimate"], *report["per_session_effect"]["ci95"]))  # fmt: skip
        out.figures.append(Figure("forest", "intervals", "ev-forest", "Per-session effect by protocol", "Estimate and 95% CI per protocol, net of weight; exploratory, not a randomised comparison.", f"{unit} per session", intervals=rows))  # fmt: skip
    else:
        out.missing.append(("Per-session effect by protocol", "too few courses for a per-session effect of any protocol."))  # fmt: skip


def report_figures(tables: figures.Tables, report: dict[str, Any], *, indication: str, chosen: dict[str, Any], unit: str, scale_label: str) -> FigureSet:  # fmt: skip
    """Every figure of one report, with the reason for each one that has too few data."""
    if report.get("relative_to_baseline"):
        out = _relative(report, scale_label)
    else:
        out = FigureSet()
        _change_figures(out, tables, report, indication, chosen, unit)
    events = report["adverse_events"]
    if not events:
        out.missing.append(("Side effects per session", "no side effect recorded after a session in scope."))  # fmt: skip
        return out
    out.figures.append(Figure("adverse", "intervals", "ev-ae", "Side effects per session", "Percentage of sessions followed by each side effect, with 95% CI.", "% of sessions", intervals=[Interval(AE_TYPES.get(e["type"], e["type"]), 100 * e["rate_per_session"], 100 * e["ci95"][0], 100 * e["ci95"][1]) for e in events]))  # fmt: skip
    resolved = [e for e in events if e["median_days_to_resolution"] is not None and None not in e["median_days_to_resolution_ci95"]]  # fmt: skip
    if resolved:
        out.figures.append(Figure("resolution", "intervals", "ev-res", "Time to resolution", "Kaplan-Meier median days to resolution with 95% CI.", "days", intervals=[Interval(AE_TYPES.get(e["type"], e["type"]), e["median_days_to_resolution"], *e["median_days_to_resolution_ci95"]) for e in resolved], reference=None))  # fmt: skip
    else:
        out.missing.append(("Time to resolution", "too few resolved side effects for a median with its 95% CI."))  # fmt: skip
    return out
