"""The automatic limitations text of the report (evidence-analytics.md §2.6, §4 R10).

Some limitations hold for every registry report (no randomised control, regression to the
mean, multiplicity); others depend on the data (attrition, missing weights, no control
site) or on a figure that could not be computed (its reason is passed in).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from mesoclinic.evidence.engine import notes


def gettext_noop(text: str) -> str:
    """Marks a sentence for the evidence catalogue without importing Django (the engine is
    pure); the pages and the PDF translate it where they show it (``evidence_labels``)."""
    return text


# Published evidence by indication, mesotherapy-clinical.md §6, with its sources.
PUBLISHED_EVIDENCE: dict[str, str] = {
    "submental_fat": gettext_noop(
        "published evidence: strong only for deoxycholic acid (Kybella), two phase 3 RCTs of about 1,000 patients, labelled for the submental area only (https://fda.report/DailyMed/fe431ed4-ea6f-4e99-b4bc-ec25ae7b8553/)"
    ),  # fmt: skip
    "localized_fat": gettext_noop(
        "published evidence: no placebo-controlled efficacy RCT of PC/DC (https://en.wikipedia.org/wiki/Injection_lipolysis); a split-thigh RCT of a lipolytic cocktail found no difference in girth or CT fat (https://pubmed.ncbi.nlm.nih.gov/18349597/)"
    ),  # fmt: skip
    "cellulite": gettext_noop(
        "published evidence: a review found peer-reviewed clinical evidence lacking; the substances have not been thoroughly evaluated for safety or efficacy (https://ncbi.nlm.nih.gov/pubmed/16414902)"
    ),  # fmt: skip
    "skin_rejuvenation": gettext_noop(
        "published evidence: positive uncontrolled studies, and small studies with no clinical or histological change (http://onlinelibrary.wiley.com/doi/10.1111/j.1524-4725.2006.32353.x/abstract)"
    ),  # fmt: skip
    "hair_loss": gettext_noop(
        "published evidence: a small RCT of dutasteride against saline was positive; an RCT against topical minoxidil (5%) found no significant overall advantage (https://www.drsplinck.nl/mesotherapie-studieresultaten/)"
    ),  # fmt: skip
    "stretch_marks": gettext_noop("published evidence: no mesotherapy RCT found"),
    "musculoskeletal_pain": gettext_noop(
        "published evidence: a meta-analysis of 7 RCTs found mesotherapy more effective than systemic therapy; protocols are heterogeneous (https://medicaljournals.se/jrm/content/html/10.2340/16501977-2817)"
    ),  # fmt: skip
}


@dataclass
class LimitationContext:
    indication: str
    outcome: str
    courses: int
    excluded_no_baseline: int
    courses_in_window: int
    has_controls: bool
    weight_adjusted: bool
    rated_scale: bool
    excluded_no_rating: int = 0
    relative_to_baseline: bool = False  # the outcome is itself a comparison with baseline (GAIS)
    reasons: list[str] = field(default_factory=list)  # why figures are null, data notes


def limitations(ctx: LimitationContext) -> list[str]:
    out = [
        gettext_noop(
            "no randomised control group: the change includes placebo and expectation effects, rater drift and concurrent diet or exercise, not only the treatment"
        ),  # fmt: skip
        gettext_noop(
            "regression to the mean: patients start treatment when the problem looks worst, so part of the improvement would have happened anyway (https://bmcmedresmethodol.biomedcentral.com/articles/10.1186/1471-2288-8-52)"
        ),  # fmt: skip
    ]
    if ctx.rated_scale:
        out.append(gettext_noop("placebo arms of randomised trials also 'respond' on grading scales: 18.6–22.2% (submental fat, REFINE) and 11.2–17.8% (cellulite at ≥1 level, RELEASE); compare the responder rate with these, not with zero"))  # fmt: skip
    if ctx.courses and ctx.relative_to_baseline:
        missing = ctx.courses - ctx.courses_in_window
        out.append(notes.TIMING % {"missing": missing, "courses": ctx.courses, "percent": f"{100 * missing / ctx.courses:.0f}"})  # fmt: skip
    elif ctx.courses:
        missing = ctx.courses - ctx.courses_in_window
        out.append(notes.ATTRITION % {"missing": missing, "courses": ctx.courses, "percent": f"{100 * missing / ctx.courses:.0f}"})  # fmt: skip
    if ctx.excluded_no_baseline:
        out.append(notes.NO_BASELINE % {"count": ctx.excluded_no_baseline})
    if ctx.excluded_no_rating:
        out.append(notes.NO_RATING % {"count": ctx.excluded_no_rating})
    if ctx.weight_adjusted:
        out.append(gettext_noop("weight-measurement error: noisy weight readings under-adjust, so part of a diet's effect can still be credited to the treatment; readings are smoothed per patient, which helps only if weight changes steadily; this residual bias, and that from patients leaving because their own response was small, does not shrink as the registry grows while the interval does, so a very narrow interval can miss the true effect"))  # fmt: skip
        out.append(gettext_noop("adjusting for weight assumes the injections do not change body weight themselves; lifestyle effects on the girth that do not move weight are not removed (only an untreated control site removes them)"))  # fmt: skip
        out.append(gettext_noop("the per-session effect assumes each session adds the same change (linear dose-response) and no trend in time apart from sessions and weight"))  # fmt: skip
    if not ctx.has_controls:
        out.append(gettext_noop("no untreated control site was measured: the treatment cannot be separated from lifestyle changes that do not move weight"))  # fmt: skip
    out.append(gettext_noop("multiplicity: this is one of many indication × area × outcome reports; its intervals (95%) are not adjusted for multiple comparisons, so treat it as exploratory unless this outcome was pre-specified as primary"))  # fmt: skip
    out.append(gettext_noop("adverse events are counted as recorded; spontaneous reporting misses events (in the GRACE registry only 5 of 235 were also reported to the regulator or manufacturer), so the rates are lower bounds unless asked for actively at every contact (https://discovery.researcher.life/topic/products-manufacturer/15314436?page=1&topic_name=Products+Manufacturer)"))  # fmt: skip
    out.extend(ctx.reasons)
    evidence = PUBLISHED_EVIDENCE.get(ctx.indication)
    if evidence:
        out.append(evidence)
    return out
