"""Standard outcome sets per indication: what to measure at every visit (pure Python).

An ICHOM-style "standard set" per indication (evidence-analytics.md §1.2, §0 point 2): the
clinician- and patient-reported measures, the time point of the primary reading and the
primary outcome the evidence report analyses by default. The measures are those of
mesotherapy-clinical.md §5 and of issue 4:

- cellulite: Hexsel CSS and Nürnberger–Müller (clinician), CR-PCSS and PR-PCSS, thigh
  circumference (§5.1–5.3, §5.7 "standardized thigh-circumference sites",
  https://library.scconline.org/v056n02/30);
- localized fat: circumference and fat thickness (§5.7, split-thigh RCT girth and CT fat,
  https://pubmed.ncbi.nlm.nih.gov/18349597/);
- submental fat: CR-SMFRS and PR-SMFRS; the composite responder is ≥1 grade on both,
  12 weeks after the last session (§5.5, https://insights.ovid.com/jaade/201610000/00004725-201610000-00023);
- skin rejuvenation: GAIS, rated by the investigator and by the subject (§5.4,
  https://flexikon.doccheck.com/de/Global_Aesthetic_Improvement_Scale);
- hair loss: hair density per cm² (§5.7 hair count / TrichoScan);
- musculoskeletal pain: pain VAS, rated by the patient (§5.7,
  https://pmc.ncbi.nlm.nih.gov/articles/PMC2952299/);
- body weight at every visit for all indications (the weight-adjusted analysis needs it,
  evidence-analytics.md §0 point 5).
"""

from __future__ import annotations

from dataclasses import dataclass

from mesoclinic.clinical_codes import INDICATIONS, MEASUREMENT_KINDS


def gettext_noop(message: str) -> str:
    """Marks ``message`` for the catalogue (``makemessages`` knows the name); the pages
    translate it when they show it: a pure module imports no Django."""
    return message


WEIGHT_KIND = "weight_kg"  # asked once per visit for every indication

# Areas whose girth is the "thigh circumference" of the cellulite set.
THIGH_AREAS = frozenset({"thigh_outer", "thigh_inner", "thigh_anterior", "thigh_posterior"})


@dataclass(frozen=True)
class Measure:
    """One measure of a set: a measurement kind, its rater, and the areas it applies to."""

    kind: str
    rater: str = ""  # "clinician" / "patient" for scales; empty for instruments
    areas: frozenset[str] | None = None  # None = every area of the plan

    def applies_to(self, area: str) -> bool:
        return self.areas is None or area in self.areas


@dataclass(frozen=True)
class OutcomeSet:
    """The standard set of one indication."""

    indication: str
    measures: tuple[Measure, ...]
    primary: str  # the outcome kind the evidence report shows first
    time_point: str
    responder: str = ""

    @property
    def kinds(self) -> tuple[str, ...]:
        """Distinct outcome kinds of the set, in order (rated kinds once)."""
        return tuple(dict.fromkeys(m.kind for m in self.measures))


_WINDOW = gettext_noop("every visit before the injection; primary reading 8–16 weeks (closest to 12) after the last session")  # fmt: skip

OUTCOME_SETS: dict[str, OutcomeSet] = {
    s.indication: s
    for s in (
        OutcomeSet(
            "cellulite",
            (
                Measure("hexsel_css", "clinician"),
                Measure("nurnberger_muller", "clinician"),
                Measure("pcss", "clinician"),
                Measure("pcss", "patient"),
                Measure("circumference_cm", "", THIGH_AREAS),
            ),
            primary="pcss",
            time_point=_WINDOW,
            responder=gettext_noop(
                "≥1 level on both CR-PCSS and PR-PCSS (1.0 point is the clinically meaningful change, https://www.pubmed.gov/33009069/)"
            ),  # fmt: skip
        ),
        OutcomeSet(
            "localized_fat",
            (Measure("circumference_cm"), Measure("fat_thickness_mm")),
            primary="circumference_cm",
            time_point=_WINDOW,
        ),
        OutcomeSet(
            "submental_fat",
            (Measure("smfrs", "clinician"), Measure("smfrs", "patient")),
            primary="smfrs",
            time_point=gettext_noop(
                "every visit before the injection; primary reading 12 weeks after the last session"
            ),  # fmt: skip
            responder=gettext_noop(
                "≥1 grade on both CR-SMFRS and PR-SMFRS, 12 weeks after the last session (REFINE composite)"
            ),  # fmt: skip
        ),
        OutcomeSet(
            "skin_rejuvenation",
            (Measure("gais", "clinician"), Measure("gais", "patient")),
            primary="gais",
            time_point=gettext_noop(
                "at follow-up visits (GAIS rates the change against the pre-treatment appearance, so there is no baseline reading)"
            ),  # fmt: skip
        ),
        OutcomeSet(
            "hair_loss",
            (Measure("hair_density_cm2", "clinician"),),
            primary="hair_density_cm2",
            time_point=_WINDOW,
        ),
        OutcomeSet(
            "musculoskeletal_pain",
            (Measure("pain_vas", "patient"),),
            primary="pain_vas",
            time_point=_WINDOW,
        ),
    )
}


def outcome_set(indication: str) -> OutcomeSet | None:
    """The standard set of an indication; None where the reference gives none (e.g. stretch
    marks, other): such visits still record the weight."""
    if indication not in INDICATIONS:
        raise ValueError(f"indication: {indication!r} is not one of {', '.join(INDICATIONS)}")
    return OUTCOME_SETS.get(indication)


def primary_outcome(indication: str) -> str:
    """The outcome kind the evidence report analyses when none is asked for."""
    chosen = outcome_set(indication)
    return chosen.primary if chosen else "circumference_cm"


def report_outcomes(indication: str) -> tuple[str, ...]:
    """Outcome kinds offered for an indication's report: its set first, then the rest."""
    chosen = outcome_set(indication)
    first = chosen.kinds if chosen else ()
    rest = tuple(k for k in MEASUREMENT_KINDS if k != WEIGHT_KIND and k not in first)
    return first + rest


def prompt_rows(indication: str, sites: list[tuple[str, str]]) -> list[dict[str, str]]:
    """The visit form's prefilled rows: each measure of the set at each planned site.

    ``sites`` are the plan's (area, side) pairs. Site role is left empty (derived from the
    sessions); the control site of the opposite side is offered separately.
    """
    chosen = outcome_set(indication)
    if chosen is None:
        return []
    rows: list[dict[str, str]] = []
    for area, side in sites:
        for measure in chosen.measures:
            if measure.applies_to(area):
                rows.append(
                    {
                        "kind": measure.kind,
                        "area": area,
                        "side": side,
                        "site_role": "",
                        "rater": measure.rater,
                    }  # fmt: skip
                )
    return rows
