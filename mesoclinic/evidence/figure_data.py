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

from django.utils.translation import gettext, gettext_noop

from mesoclinic.charts.estimates import Interval
from mesoclinic.clinical_codes import AE_TYPES
from mesoclinic.evidence import figures

RELATIVE_PLOT_NOTE = gettext_noop("The change-from-baseline plots (trajectories, weight versus treatment, effect by protocol) are not drawn: the %(label)s rates change against the pre-treatment appearance, so there is no baseline value to subtract. The share rated improved or better is shown instead.")  # fmt: skip
RATER_ROW = {"clinician": gettext_noop("Clinician-rated"), "patient": gettext_noop("Patient-rated")}


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
    out = FigureSet(notes=[gettext(RELATIVE_PLOT_NOTE) % {"label": label}])
    rows = [Interval(gettext(RATER_ROW[r["rater"]]) if r["rater"] in RATER_ROW else f"{r['rater'].capitalize()}-rated", 100 * r["rate"], 100 * r["ci95"][0], 100 * r["ci95"][1]) for r in (report["responders"], report.get("responders_subject")) if r is not None]  # fmt: skip
    if not rows:
        out.notes.append(
            gettext("Too few rated courses for a responder rate; see the limitations.")
        )
        return out
    out.figures.append(Figure("responders", "intervals", "ev-resp", gettext("Rated improved or better"), gettext("Percentage of courses rated improved or better (GAIS 1–3) at their last rating, by rater, with 95% CI."), gettext("%% of courses") % {}, intervals=rows, reference=None))  # fmt: skip
    return out


def _change_figures(out: FigureSet, tables: figures.Tables, report: dict[str, Any], indication: str, chosen: dict[str, Any], unit: str) -> None:  # fmt: skip
    lines = figures.trajectories(tables, indication=indication, **chosen)
    if lines:
        most = max(p[0] for line in lines for p in line)
        out.figures.append(Figure("trajectories", "trajectories", "ev-traj", gettext("Change from baseline by sessions"), gettext("Thin lines: up to 40 treated sites; thick line: model mean per session net of weight, with its 95%% band. %(sites)s sites.") % {"sites": len(lines)}, gettext("Change (%(unit)s)") % {"unit": unit}, lines=lines, mean=figures.model_mean(report, most)))  # fmt: skip
    else:
        out.missing.append((gettext("Change from baseline by sessions"), gettext("no treated site has a baseline and a later reading.")))  # fmt: skip
    split = report["decomposition"]
    if split:
        bars = [(gettext("Naive change"), split["naive_change"]), (gettext("Weight change part"), split["weight_part"]), (gettext("Treatment part"), split["treatment_part"]), (gettext("Residual"), split["residual"])]  # fmt: skip
        out.figures.append(Figure("decomposition", "bars", "ev-split", gettext("Weight versus treatment"), gettext("The naive change split into the part explained by weight change and the treatment part."), unit, bars=bars))  # fmt: skip
    else:
        out.missing.append((gettext("Weight versus treatment"), gettext("too few courses with a naive change, a per-session effect and a weight at baseline and last follow-up.")))  # fmt: skip
    rows = [Interval(p["protocol"], p["per_session_effect"]["estimate"], *p["per_session_effect"]["ci95"]) for p in figures.by_protocol(tables, indication=indication, area=chosen["area"], outcome=chosen["outcome"]) if p["per_session_effect"]]  # fmt: skip
    if report["per_session_effect"] and rows:
        rows.append(Interval(gettext("All protocols"), report["per_session_effect"]["estimate"], *report["per_session_effect"]["ci95"]))  # fmt: skip
        out.figures.append(Figure("forest", "intervals", "ev-forest", gettext("Per-session effect by protocol"), gettext("Estimate and 95% CI per protocol, net of weight; exploratory, not a randomised comparison."), gettext("%(unit)s per session") % {"unit": unit}, intervals=rows))  # fmt: skip
    else:
        out.missing.append((gettext("Per-session effect by protocol"), gettext("too few courses for a per-session effect of any protocol.")))  # fmt: skip


def report_figures(tables: figures.Tables, report: dict[str, Any], *, indication: str, chosen: dict[str, Any], unit: str, scale_label: str) -> FigureSet:  # fmt: skip
    """Every figure of one report, with the reason for each one that has too few data."""
    if report.get("relative_to_baseline"):
        out = _relative(report, scale_label)
    else:
        out = FigureSet()
        _change_figures(out, tables, report, indication, chosen, unit)
        # Here, not at the top: that module builds on this one's Figure.
        from mesoclinic.evidence.cost_dose_figures import cost_dose_figures

        cost_dose_figures(out, report, unit)
    events = report["adverse_events"]
    if not events:
        out.missing.append((gettext("Side effects per session"), gettext("no side effect recorded after a session in scope.")))  # fmt: skip
        return out
    out.figures.append(Figure("adverse", "intervals", "ev-ae", gettext("Side effects per session"), gettext("Percentage of sessions followed by each side effect, with 95% CI."), gettext("%% of sessions") % {}, intervals=[Interval(gettext(AE_TYPES.get(e["type"], e["type"])), 100 * e["rate_per_session"], 100 * e["ci95"][0], 100 * e["ci95"][1]) for e in events]))  # fmt: skip
    resolved = [e for e in events if e["median_days_to_resolution"] is not None and None not in e["median_days_to_resolution_ci95"]]  # fmt: skip
    if resolved:
        out.figures.append(Figure("resolution", "intervals", "ev-res", gettext("Time to resolution"), gettext("Kaplan-Meier median days to resolution with 95% CI."), gettext("days"), intervals=[Interval(gettext(AE_TYPES.get(e["type"], e["type"])), e["median_days_to_resolution"], *e["median_days_to_resolution_ci95"]) for e in resolved], reference=None))  # fmt: skip
    else:
        out.missing.append((gettext("Time to resolution"), gettext("too few resolved side effects for a median with its 95% CI.")))  # fmt: skip
    return out
