"""The cost and dose-response figures of an evidence report (issue 16 part 3), for the page
(SVG) and the PDF alike, as ``figure_data`` does for the others: interval plots, the
mechanism every evidence figure already uses.

- **Dose and response**: the courses grouped by their mean dose per session (quartiles), each
  group's mean per-session change net of weight with its 95% t-interval (binned, not a
  scatter: one dot per course would say more about single patients than a report should);
- **Cost per unit of improvement**, per currency: the estimate net of weight beside the naive
  one, so the reader sees how much the naive figure flatters the treatment.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext, gettext_noop

from mesoclinic.charts.estimates import Interval
from mesoclinic.evidence.figure_data import Figure, FigureSet
from mesoclinic.evidence.wording import dose_unit_words

# The engine's fixed reasons (no number in them), so that ``|limitation`` shows them in the
# reader's language; a reason with this report's numbers stays as written.
FIXED_REASONS = (
    gettext_noop("cost per responder not computed: the outcome has no responder definition (see the responder rate)"),
    gettext_noop("no priced session in the analysed courses: record prices with the sessions or in the price list"),
    gettext_noop("cost per unit of improvement not computed: no per-session effect net of weight"),
    gettext_noop("cost per unit of improvement not computed: the per-session effect's 95% CI does not exclude no improvement"),
    gettext_noop("dose-response not computed: the scale rates change against the pre-treatment appearance, so there is no per-session change to relate to the dose"),
    gettext_noop("dose-response: no weight slope from the model, so the per-course change is not net of weight"),
)  # fmt: skip


def _dose_unit(section: dict[str, Any]) -> str:
    return dose_unit_words(section.get("dose_unit"))


def _bound(value: float) -> str:
    """A bin's edge as a reader writes a dose: whole milligrams from 100 up, else one decimal
    (the engine keeps three, which a plot's label need not)."""
    return f"{value:.0f}" if abs(value) >= 100 else f"{value:.1f}"


def cost_dose_figures(out: FigureSet, report: dict[str, Any], unit: str) -> None:
    # A scale's unit is its range (0–15): its cost is per point.
    unit = gettext("point") if "–" in unit else unit
    dose = report.get("dose_response") or {}
    title = gettext("Change per session by dose")
    if dose.get("bins"):
        # The unit goes in the title, not in every row, where the plot's labels would cut it.
        title = gettext("Change per session by dose (%(dose)s)") % {"dose": _dose_unit(dose)}
        rows = [Interval(f"{_bound(b['low'])}–{_bound(b['high'])} (n={b['courses']})", b["mean_effect"], *b["ci95"]) for b in dose["bins"]]  # fmt: skip
        out.figures.append(Figure("dose", "intervals", "ev-dose", title, gettext("Courses grouped by their mean dose per session; each group's mean change per session net of weight, with 95% CI. An association: larger areas get more volume."), gettext("%(unit)s per session") % {"unit": unit}, intervals=rows))  # fmt: skip
    else:
        out.missing.append((title, gettext("too few courses with a recorded dose at every session and enough readings.")))  # fmt: skip
    cost = report.get("cost") or {}
    rows = []
    for block in cost.get("by_currency", []):
        per_unit = block.get("cost_per_unit") or {}
        if per_unit.get("estimate") is not None:
            rows.append(Interval(gettext("%(currency)s, net of weight") % {"currency": block["currency"]}, per_unit["estimate"], *per_unit["ci95"]))  # fmt: skip
        naive = per_unit.get("naive")
        if naive and None not in naive["ci95"]:
            rows.append(Interval(gettext("%(currency)s, naive") % {"currency": block["currency"]}, naive["estimate"], *naive["ci95"]))  # fmt: skip
    title = gettext("Cost per %(unit)s of improvement") % {"unit": unit}
    if rows:
        out.figures.append(Figure("cost", "intervals", "ev-cost", title, gettext("The mean price per session divided by the change per session net of weight, beside the naive course cost divided by the raw change (which counts weight loss as treatment); 95% CI, per currency."), gettext("price per %(unit)s") % {"unit": unit}, intervals=rows, reference=None))  # fmt: skip
    else:
        out.missing.append((title, gettext("too few priced courses, or no improvement per session that excludes zero.")))  # fmt: skip


def _sig(value: float) -> str:
    """Three significant digits: a slope per mg is a few ten-thousandths of a cm."""
    return f"{value:.3g}"


def _money(figure: dict[str, Any] | None) -> str:
    if not figure or figure.get("estimate") is None:
        return "—"
    low, high = figure["ci95"]
    return f"{figure['estimate']:.2f} ({low:.2f}–{f'{high:.2f}' if high is not None else gettext('not bounded')})"  # fmt: skip


def cost_dose_blocks(report: dict[str, Any], outcome_unit: str) -> list[tuple[str, Any]]:
    """The PDF's paragraphs for the cost and dose-response sections (as on the page)."""
    cost, dose = report.get("cost") or {}, report.get("dose_response") or {}
    blocks: list[tuple[str, Any]] = [("h2", gettext("What a course costs"))]
    if not cost.get("by_currency"):
        blocks.append(("p", gettext("No cost figures: no session of the analysed courses has a price. Record the price with each session or keep a price list for the indication and area.")))  # fmt: skip
    for block in cost.get("by_currency", []):
        per_unit = block.get("cost_per_unit") or {}
        line = gettext("%(currency)s, %(courses)s priced courses: mean cost of a course %(course)s; cost per responder %(responder)s; cost per unit of improvement net of weight %(unit)s, naive %(naive)s (95%% CI).") % {  # fmt: skip
            "currency": block["currency"], "courses": block["courses"], "course": _money(block.get("mean_course_cost")),
            "responder": _money(block.get("cost_per_responder")), "unit": _money(per_unit), "naive": _money(per_unit.get("naive")),
        }  # fmt: skip
        blocks.append(("li", line))
    if cost:
        blocks.append(("p", gettext("%(priced)s priced session rows, %(unpriced)s without a price; %(excluded)s courses left out of the costs.") % {"priced": cost.get("session_rows_priced", 0), "unpriced": cost.get("session_rows_unpriced", 0), "excluded": cost.get("courses_excluded", 0)}))  # fmt: skip
    blocks.append(("h2", gettext("Dose and response")))
    slope = dose.get("slope")
    if slope:
        blocks.append(("p", gettext("Each extra %(dose)s per session goes with a change of %(est)s %(unit)s per session (95%% CI %(low)s to %(high)s), net of weight, over %(courses)s courses; without removing weight change %(naive)s.") % {"dose": _dose_unit(dose), "est": _sig(slope["estimate"]), "unit": outcome_unit, "low": _sig(slope["ci95"][0]), "high": _sig(slope["ci95"][1]), "courses": dose["courses"], "naive": _sig(dose["naive_slope"]["estimate"])}))  # fmt: skip
        blocks.append(("p", gettext("doses are not given at random: larger areas and heavier patients get more volume, and a practitioner may give more where the response is slow. The slope is an association, not the effect of injecting more.")))  # fmt: skip
    else:
        blocks.append(("p", gettext("No dose–response view: too few courses with the volume injected recorded at every session and enough readings to see a change per session.")))  # fmt: skip
    return blocks
