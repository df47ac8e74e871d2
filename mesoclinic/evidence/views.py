"""The evidence pages: one per indication, its printable report and its PDF.

Rows come from the signed-in membership's clinic only (``services.clinic_tables``, via the
registry export's ``.for_clinic``), after ``@requires(Perm.VIEW_EVIDENCE)``. The pages show
counts and estimates only: no name, MRN, date of birth or record id, so researchers may see
them. Each view is audited with the counts, never with patient data. The report of one
clinic computes in well under a second at practice scale, so nothing is cached (a stale
cache would show a number the records no longer give).
"""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext, gettext_noop

from mesoclinic.audit.choices import Action
from mesoclinic.audit.services import record
from mesoclinic.charts.estimates import bar_plot, interval_plot, trajectory_plot
from mesoclinic.clinical_codes import AREAS, INDICATIONS, MEASUREMENT_KINDS
from mesoclinic.clinics.permissions import current_membership, requires
from mesoclinic.clinics.roles import Perm
from mesoclinic.evidence import figures
from mesoclinic.evidence.cost_dose_figures import cost_dose_blocks
from mesoclinic.evidence.figure_data import Figure, FigureSet, report_figures
from mesoclinic.evidence.pdf import Block, report_pdf
from mesoclinic.evidence.sentences import sentences
from mesoclinic.evidence.services import clinic_tables
from mesoclinic.evidence.wording import active_wording, translated_note
from mesoclinic.outcomes.outcome_sets import outcome_set, primary_outcome, report_outcomes


def _filters(request: HttpRequest, indication: str, tables: figures.Tables) -> dict[str, Any]:
    """Area, outcome and protocol from the query string; unknown values fall back to all."""
    area = request.GET.get("area") or None
    outcome = request.GET.get("outcome") or primary_outcome(indication)
    protocol = request.GET.get("protocol") or None
    return {
        "area": area if area in AREAS else None,
        "outcome": outcome
        if outcome in report_outcomes(indication)
        else primary_outcome(indication),  # fmt: skip
        "protocol": protocol if protocol in tables.protocols(indication) else None,
    }


def _compute(request: HttpRequest, indication: str) -> dict[str, Any]:
    if indication not in INDICATIONS:
        raise Http404(gettext("No such indication."))
    clinic = current_membership(request).clinic
    tables = clinic_tables(clinic)
    chosen = _filters(request, indication, tables)
    report = figures.evidence_report(tables, indication=indication, **chosen)
    kind = MEASUREMENT_KINDS[chosen["outcome"]]
    return {
        "indication": indication,
        "indication_label": gettext(INDICATIONS[indication]),
        "chosen": chosen,
        "kind": kind,
        "report": report,
        "sentences": sentences(report, active_wording()),
        "tables": tables,
        "clinic": clinic,
        "outcome_set": outcome_set(indication),
        "generated": timezone.localtime(),
    }


def _audit(request: HttpRequest, ctx: dict[str, Any], action: Action, what: str) -> None:
    report = ctx["report"]
    record(request, action, clinic=ctx["clinic"], detail=f"evidence {what} {ctx['indication']}/{report['outcome']}: {report['patients']} patients, {report['courses']} courses")  # fmt: skip


def figure_set(ctx: dict[str, Any]) -> FigureSet:
    """The report's figures, shared by the page, the printable report and the PDF."""
    return report_figures(ctx["tables"], ctx["report"], indication=ctx["indication"], chosen=ctx["chosen"], unit=ctx["kind"].unit, scale_label=gettext(ctx["kind"].label))  # fmt: skip


def _svg(figure: Figure) -> str:
    if figure.kind == "trajectories":
        return trajectory_plot(figure.lines, figure.mean, ident=figure.ident, title=figure.title, desc=figure.desc, y_label=figure.axis_label)  # fmt: skip
    if figure.kind == "bars":
        return bar_plot(figure.bars, ident=figure.ident, title=figure.title, desc=figure.desc, x_label=figure.axis_label)  # fmt: skip
    return interval_plot(figure.intervals, ident=figure.ident, title=figure.title, desc=figure.desc, x_label=figure.axis_label, reference=figure.reference)  # fmt: skip


def _plots(ctx: dict[str, Any]) -> dict[str, str]:
    drawn = figure_set(ctx)
    ctx["plot_notes"] = drawn.notes
    return {figure.key: _svg(figure) for figure in drawn.figures}


@requires(Perm.VIEW_EVIDENCE)
def index(request: HttpRequest) -> HttpResponse:
    record(request, Action.LIST, clinic=current_membership(request).clinic, detail="evidence indications")  # fmt: skip
    return render(request, "evidence/index.html", {"indications": {code: gettext(label) for code, label in INDICATIONS.items()}})  # fmt: skip


@requires(Perm.VIEW_EVIDENCE)
def indication_page(request: HttpRequest, indication: str) -> HttpResponse:
    ctx = _compute(request, indication)
    ctx["plots"] = _plots(ctx)
    codes = ctx["tables"].areas(indication)
    ctx["areas"] = [(a, gettext(AREAS[a]) if a in AREAS else a) for a in codes]
    ctx["outcomes"] = [
        (k, gettext(MEASUREMENT_KINDS[k].label)) for k in report_outcomes(indication)
    ]
    ctx["protocols"] = ctx["tables"].protocols(indication)
    ctx["query"] = request.GET.urlencode()
    _audit(request, ctx, Action.VIEW, "page")
    return render(request, "evidence/page.html", ctx)


@requires(Perm.VIEW_EVIDENCE)
def printable(request: HttpRequest, indication: str) -> HttpResponse:
    ctx = _compute(request, indication)
    ctx["plots"] = _plots(ctx)
    _audit(request, ctx, Action.EXPORT, "printable report")
    return render(request, "evidence/print.html", ctx)


def _pdf_figures(ctx: dict[str, Any]) -> list[Block]:
    """The page's figures, each drawn once as vector paths; a sentence for each one too few data allow."""
    drawn = figure_set(ctx)
    blocks: list[Block] = [("h2", gettext("Figures"))]
    blocks += [("p", note) for note in drawn.notes]
    blocks += [("figure", figure) for figure in drawn.figures]
    blocks += [("li", gettext("%(title)s is not drawn: %(reason)s") % {"title": title, "reason": reason}) for title, reason in drawn.missing]  # fmt: skip
    return blocks


def _pdf_title(ctx: dict[str, Any]) -> str:
    return gettext("Evidence report: %(indication)s") % {"indication": ctx["indication_label"]}


def pdf_blocks(ctx: dict[str, Any]) -> list[Block]:
    report, chosen = ctx["report"], ctx["chosen"]
    area = chosen["area"] or ""
    blocks: list[Block] = [
        ("h1", _pdf_title(ctx)),
        (
            "p",
            gettext(
                "%(clinic)s · area: %(area)s · outcome: %(outcome)s (%(unit)s) · protocol: %(protocol)s · generated %(generated)s"
            )
            % {
                "clinic": ctx["clinic"].name,
                "area": gettext(AREAS[area]) if area in AREAS else gettext("all areas"),
                "outcome": gettext(ctx["kind"].label),
                "unit": ctx["kind"].unit,
                "protocol": chosen["protocol"] or gettext("all"),
                "generated": f"{ctx['generated']:%Y-%m-%d %H:%M}",
            },
        ),  # fmt: skip
        (
            "p",
            gettext("%(patients)s patients, %(courses)s courses, %(measurements)s measurements.")
            % {
                "patients": report["patients"],
                "courses": report["courses"],
                "measurements": report["measurements"],
            },
        ),  # fmt: skip
        ("h2", gettext("Findings")),
    ]
    blocks += [("li", s) for s in ctx["sentences"]] or [("p", gettext("Too few data for any figure; see the limitations."))]  # fmt: skip
    blocks += _pdf_figures(ctx)
    blocks += cost_dose_blocks(report, ctx["kind"].unit)
    blocks += [("h2", gettext("Methods")), ("p", gettext(METHODS))]
    blocks += [("h2", gettext("Limitations"))] + [
        ("li", translated_note(text)) for text in report["limitations"]
    ]
    return blocks


METHODS = gettext_noop(
    "A course is one patient's sessions for one indication, area and protocol, at most 60 days apart; time zero is the first session. "  # fmt: skip
    "Baseline is the last reading in the 30 days up to time zero. The naive change is the last follow-up minus baseline per course (mean, 95% t-interval). "  # fmt: skip
    "The per-session effect comes from a linear mixed model with a random intercept per patient, adjusted for within-patient weight change and patient mean weight (Mundlak), with cluster-robust intervals (95%). "  # fmt: skip
    "The control difference compares the treated site with an untreated control site measured on the same dates. "  # fmt: skip
    "Responders are read 8-16 weeks (closest to 12) after the last session, with Wilson or exact intervals, beside the placebo arms of the pivotal trials. "  # fmt: skip
    "A scale that rates change against the pre-treatment appearance (GAIS) has no baseline: its change-based figures are not computed, and the share of courses rated improved or better (GAIS 1-3, the scale's wording, not a validated cut-off) at each course's last rating is given per rater. "  # fmt: skip
    "Side-effect rates per session have intervals that allow for sessions clustered within patients; time to resolution is the Kaplan-Meier median."  # fmt: skip
)


@requires(Perm.VIEW_EVIDENCE)
def pdf(request: HttpRequest, indication: str) -> HttpResponse:
    ctx = _compute(request, indication)
    _audit(request, ctx, Action.EXPORT, "pdf")
    body = report_pdf(_pdf_title(ctx), pdf_blocks(ctx))
    response = HttpResponse(body, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="evidence-{indication}.pdf"'
    return response
