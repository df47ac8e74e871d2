"""Contraindication screening: from a typed questionnaire and the planned indications and areas
to a list of findings (code, level, reason, treatments, sources).

Pure Python (no Django import), so it can be table-tested against the sourced rules of
../shared/reference/mesotherapy-clinical.md §3 and property-tested. The answer-driven rules are
the table in ``screening_rules``; this module adds the rules computed from age, BMI, weight
history, the body-image screen and the plan, and the notes about missing data.

A finding's ``kind`` says where it comes from:
- ``finding``: an answer or measure of the patient triggered a rule;
- ``plan``: the plan itself (indications and areas) needs a note, whatever the answers;
- ``missing``: an answer the rules need is unknown, so the screen is incomplete.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field
from decimal import Decimal
from typing import Any

from mesoclinic.consultations.questions import (
    QUESTION_TEXT,
    QUESTIONS,
    Questionnaire,
    gettext_noop,
)
from mesoclinic.consultations.screening_rules import (
    ALL,
    BDD_SURVEY,
    COLLAGENASE,
    DEOXYCHOLIC,
    KYBELLA_LABEL,
    KYBELLA_POPULATION,
    LIDOCAINE_SUMMARY,
    MESOTHERAPY,
    PCDC,
    PCDC_NOTES,
    RECORD_KEEPING,
    RULES,
    WEIGHT_TRIAL,
)

# Bump when a rule is added, removed or changes level, so a stored screen says which rules made it.
RULES_VERSION = "2026.1"

# Which treatment types each indication may be treated with. Mesotherapy (intradermal
# cocktails) is offered for every indication; the labelled drugs only for their own.
INDICATION_TREATMENTS: dict[str, tuple[str, ...]] = {
    "submental_fat": (MESOTHERAPY, PCDC, DEOXYCHOLIC),
    "localized_fat": (MESOTHERAPY, PCDC),
    "cellulite": (MESOTHERAPY, PCDC, COLLAGENASE),
}
FAT_INDICATIONS = frozenset({"submental_fat", "localized_fat", "cellulite"})
SUBMENTAL_AREAS = frozenset({"submental"})

# The PC/DC notes give BMI > 30 as a relative contraindication (PCDC_NOTES).
BMI_RELATIVE_ABOVE = Decimal(30)
# Trials asked subjects to keep their weight within 5% (NCT03510598, WEIGHT_TRIAL).
WEIGHT_CHANGE_LIMIT_PERCENT = Decimal(5)
# PC/DC notes: under 18 is a strongly suggested contraindication; deoxycholic acid is indicated
# in adults only and is not established under 18 (KYBELLA_POPULATION).
ADULT_AGE_YEARS = 18

_KIND_ORDER = {"finding": 0, "plan": 1, "missing": 2}

# Reasons with values, as whole patterns of the catalogue (the page fills them in the reader's
# language from the finding's ``params``); the other reasons are whole sentences themselves.
REASON_PATTERNS: dict[str, str] = {
    "UNDER_18": gettext_noop(
        "Age %(age)s: under 18 is among the 'strongly suggested contraindications' to PC/DC "
        "injection lipolysis, and deoxycholic acid is indicated only in adults (safety and "
        "efficacy under 18 not established)."
    ),
    "BMI_OVER_30": gettext_noop(
        "BMI %(bmi)s: a BMI over 30 is a relative contraindication to PC/DC injection lipolysis "
        "(lists vary; none is validated). For lidocaine mg/kg limits, clinical summaries advise "
        "ideal body weight in obese patients."
    ),
    "WEIGHT_CHANGE_OVER_5_PERCENT": gettext_noop(
        "Weight changed %(change)s%% in 6 months, more than the 5%% that trials allowed; "
        "outcomes would be confounded by the weight change."
    ),
}
# MISSING_ANSWERS's reason, one and many (``display`` asks ngettext for the same pair).
MISSING_ANSWERS = (
    "%(count)s question not answered, so the screen is incomplete: %(names)s",
    "%(count)s questions not answered, so the screen is incomplete: %(names)s",
)
_LEVEL_ORDER = {"absolute": 0, "relative": 1, "caution": 2}


@dataclass(frozen=True)
class Finding:
    code: str
    level: str
    reason: str
    treatments: tuple[str, ...]
    sources: tuple[str, ...]
    kind: str = "finding"
    questions: tuple[str, ...] = ()
    # The values of a reason written from a pattern (``REASON_PATTERNS``), so that a page
    # writes it again in the reader's language; the stored ``reason`` stays English.
    params: dict[str, Any] = field(default_factory=dict)

    @property
    def source(self) -> str:
        return self.sources[0]

    def as_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["treatments"] = list(self.treatments)
        data["sources"] = list(self.sources)
        data["questions"] = list(self.questions)
        data["params"] = dict(self.params)
        data["source"] = self.source
        return data


def planned_treatments(indications: Iterable[str], areas: Iterable[str]) -> tuple[str, ...]:
    """The treatment types the plan may use. No indication yet means every type is screened."""
    chosen = set(indications)
    if not chosen:
        return ALL
    found: set[str] = set()
    for indication in chosen:
        found.update(INDICATION_TREATMENTS.get(indication, (MESOTHERAPY,)))
    # Localized fat planned under the chin is the submental indication in all but name.
    if "localized_fat" in chosen and SUBMENTAL_AREAS & set(areas):
        found.add(DEOXYCHOLIC)
    return tuple(t for t in ALL if t in found)


def questions_for(planned: Sequence[str]) -> tuple[str, ...]:
    """The questions a screen for these treatment types needs answered: every question, except
    the submental block (questionnaire item 8) unless deoxycholic acid may be used."""
    submental = DEOXYCHOLIC in planned
    return tuple(q.code for q in QUESTIONS if submental or not q.submental)


def unanswered_questions(
    questionnaire: Questionnaire, indications: Iterable[str], areas: Iterable[str]
) -> tuple[str, ...]:
    """The questions this plan needs that were neither answered nor marked "not asked" with a
    reason: a screen with any of them cannot be signed."""
    planned = planned_treatments(indications, areas)
    return questionnaire.unanswered(questions_for(planned))


def _answer_findings(q: Questionnaire, planned: Sequence[str]) -> list[Finding]:
    out = []
    for rule in RULES:
        applies = tuple(t for t in rule.treatments if t in planned)
        fired = tuple(code for code in rule.triggers if q.yes(code))
        if applies and fired:
            out.append(
                Finding(rule.code, rule.level, rule.reason, applies, rule.sources, "finding", fired)
            )
    return out


def _measure_findings(q: Questionnaire, planned: Sequence[str], fat: bool) -> list[Finding]:
    out = []
    minors = tuple(t for t in (PCDC, DEOXYCHOLIC) if t in planned)
    if q.age_years is not None and q.age_years < ADULT_AGE_YEARS and minors:
        out.append(
            Finding(
                "UNDER_18",
                "absolute",
                REASON_PATTERNS["UNDER_18"] % {"age": q.age_years},
                minors,
                (PCDC_NOTES, KYBELLA_POPULATION),
                params={"age": q.age_years},
            )
        )
    bmi = q.bmi
    if bmi is not None and bmi > BMI_RELATIVE_ABOVE and PCDC in planned:
        out.append(
            Finding(
                "BMI_OVER_30",
                "relative",
                REASON_PATTERNS["BMI_OVER_30"] % {"bmi": bmi},
                (PCDC,),
                (PCDC_NOTES, LIDOCAINE_SUMMARY),
                params={"bmi": str(bmi)},
            )
        )
    if fat and q.weight_stable_6_months is False:
        out.append(
            Finding(
                "WEIGHT_NOT_STABLE",
                "caution",
                gettext_noop(
                    "Weight not stable over the last 6 months. Trials required a stable weight "
                    "and asked subjects to stay within 5%; fat or girth change will reflect the "
                    "weight change as much as the treatment. Advise a stable weight and weigh at "
                    "every visit."
                ),
                tuple(planned),
                (WEIGHT_TRIAL,),
            )
        )
    change = q.weight_change_percent
    if fat and change is not None and abs(change) > WEIGHT_CHANGE_LIMIT_PERCENT:
        out.append(
            Finding(
                "WEIGHT_CHANGE_OVER_5_PERCENT",
                "caution",
                REASON_PATTERNS["WEIGHT_CHANGE_OVER_5_PERCENT"] % {"change": f"{change:+}"},
                tuple(planned),
                (WEIGHT_TRIAL,),
                params={"change": f"{change:+}"},
            )
        )
    if q.body_image_concern is True:
        out.append(
            Finding(
                "BODY_IMAGE_CONCERN",
                "relative",
                gettext_noop(
                    "The body-image screen raised a concern: among cosmetic patients, those who "
                    "meet criteria for body dysmorphic disorder are 5–15%. Record the screen used "
                    "and the reasoning if treatment proceeds."
                ),
                tuple(planned),
                (BDD_SURVEY, RECORD_KEEPING),
            )
        )
    return out


def _plan_findings(indications: set[str], areas: set[str]) -> list[Finding]:
    off_site = areas - SUBMENTAL_AREAS
    # Planning "submental fat" together with other areas suggests deoxycholic acid elsewhere.
    if "submental_fat" in indications and off_site:
        return [
            Finding(
                "DEOXYCHOLIC_SUBMENTAL_ONLY",
                "caution",
                gettext_noop(
                    "Deoxycholic acid (Kybella) is labelled only for submental fat: its use "
                    "outside the submental region is 'not established and is not recommended'."
                ),
                (DEOXYCHOLIC,),
                (KYBELLA_LABEL,),
                "plan",
            )
        ]
    return []


def _missing_findings(
    q: Questionnaire, indications: set[str], planned: Sequence[str], fat: bool
) -> list[Finding]:
    out = []
    planned_t = tuple(planned)
    if not indications:
        out.append(
            Finding(
                "MISSING_INDICATION",
                "caution",
                gettext_noop(
                    "No indication chosen: the answers were screened against every treatment type."
                ),
                planned_t,
                (PCDC_NOTES,),
                "missing",
            )
        )
    submental = DEOXYCHOLIC in planned
    unanswered = tuple(code for code in questions_for(planned) if q.unknown(code))
    if unanswered:
        names = "; ".join(QUESTION_TEXT[c] for c in unanswered)
        one, many = MISSING_ANSWERS
        out.append(
            Finding(
                "MISSING_ANSWERS",
                "caution",
                (one if len(unanswered) == 1 else many)
                % {"count": len(unanswered), "names": names},
                planned_t,
                (PCDC_NOTES, *((KYBELLA_LABEL,) if submental else ())),
                "missing",
                unanswered,
                # The names are the questions' (``questions``), translated one by one.
                params={"count": len(unanswered)},
            )
        )
    if q.age_years is None and (PCDC in planned or submental):
        out.append(
            Finding(
                "MISSING_AGE",
                "caution",
                gettext_noop(
                    "Age unknown: under 18 contraindicates PC/DC lipolysis and deoxycholic acid."
                ),
                tuple(t for t in (PCDC, DEOXYCHOLIC) if t in planned),
                (PCDC_NOTES, KYBELLA_POPULATION),
                "missing",
            )
        )
    if q.bmi is None and PCDC in planned:
        out.append(
            Finding(
                "MISSING_BMI",
                "caution",
                gettext_noop(
                    "Weight or height missing, so BMI (relative contraindication over 30) is "
                    "unknown."
                ),
                (PCDC,),
                (PCDC_NOTES,),
                "missing",
            )
        )
    if fat and q.weight_stable_6_months is None:
        out.append(
            Finding(
                "MISSING_WEIGHT_STABILITY",
                "caution",
                gettext_noop(
                    "Weight stability over 6 months not recorded (trials required a stable weight)."
                ),
                planned_t,
                (WEIGHT_TRIAL,),
                "missing",
            )
        )
    if q.body_image_concern is None:
        out.append(
            Finding(
                "MISSING_BODY_IMAGE_SCREEN",
                "caution",
                gettext_noop(
                    "No body-image screen recorded: in a UK survey almost 4 in 5 patients were not "
                    "asked about body image, and records should document the screen."
                ),
                planned_t,
                (BDD_SURVEY, RECORD_KEEPING),
                "missing",
            )
        )
    return out


def screen(
    questionnaire: Questionnaire, indications: Iterable[str], areas: Iterable[str]
) -> list[Finding]:
    """Every finding for this patient and plan: answer findings first (absolute, relative,
    caution), then plan notes, then missing-data notes."""
    chosen, where = set(indications), set(areas)
    planned = planned_treatments(chosen, where)
    fat = not chosen or bool(chosen & FAT_INDICATIONS)
    findings = [
        *_answer_findings(questionnaire, planned),
        *_measure_findings(questionnaire, planned, fat),
        *_plan_findings(chosen, where),
        *_missing_findings(questionnaire, chosen, planned, fat),
    ]
    order = {f.code: i for i, f in enumerate(findings)}
    return sorted(
        findings, key=lambda f: (_KIND_ORDER[f.kind], _LEVEL_ORDER[f.level], order[f.code])
    )


def screening_json(
    questionnaire: Questionnaire, indications: Iterable[str], areas: Iterable[str]
) -> dict[str, Any]:
    """What ``Consultation.screening`` stores: the rule-set version and the findings."""
    return {
        "rules_version": RULES_VERSION,
        "findings": [f.as_json() for f in screen(questionnaire, indications, areas)],
    }
