"""The pre-treatment medical-history questionnaire: its questions and the typed answers.

Pure Python (no Django import): the screening rules, the consultation form and the tests all
read the same question list. The questions follow the "suggested screening questionnaire" of
../shared/reference/mesotherapy-clinical.md §3, items 1–11, split so that each answer can drive
one rule (e.g. low-dose aspirin is asked apart from other antiplatelets because the collagenase
label exempts aspirin ≤150 mg/day; https://globalrph.com/rx-list/qwo-drug).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field, fields, replace
from decimal import Decimal, InvalidOperation
from typing import Any, Literal

from mesoclinic.clinical_codes import body_mass_index


def gettext_noop(text: str) -> str:
    """Mark ``text`` for the consultations' translation catalogue without importing Django
    (makemessages finds this name); the pages translate it where they show it."""
    return text


Answer = Literal["yes", "no", "unknown"]
# "unknown" is the stored code for a question not asked; before a consultation is signed each
# such question needs the reason it was not asked (``Questionnaire.not_asked``).
ANSWERS: dict[str, str] = {
    "yes": gettext_noop("Yes"),
    "no": gettext_noop("No"),
    "unknown": gettext_noop("Not asked"),
}
NOT_ASKED = "unknown"


@dataclass(frozen=True)
class Question:
    """One yes/no/unknown question. ``section`` groups the form; ``submental`` marks the
    questions that only matter when submental treatment is planned (questionnaire item 8)."""

    code: str
    text: str
    section: str
    submental: bool = False


# Sections of the form, in order.
SECTIONS: dict[str, str] = {
    "pregnancy": gettext_noop("Pregnancy and breastfeeding"),
    "bleeding": gettext_noop("Bleeding risk"),
    "allergy": gettext_noop("Allergies"),
    "site": gettext_noop("Skin at the treatment site"),
    "history": gettext_noop("Medical history"),
    "submental": gettext_noop("Submental treatment only"),
    "prior": gettext_noop("Previous treatments and expectations"),
}

QUESTIONS: tuple[Question, ...] = (
    Question("pregnant", gettext_noop("Pregnant?"), "pregnancy"),
    Question("trying_to_conceive", gettext_noop("Trying to conceive?"), "pregnancy"),
    Question("breastfeeding", gettext_noop("Breastfeeding?"), "pregnancy"),
    Question(
        "anticoagulant",
        gettext_noop("Taking an anticoagulant (e.g. warfarin, a DOAC, heparin)?"),
        "bleeding",
    ),
    Question(
        "aspirin_low_dose", gettext_noop("Taking aspirin at 150 mg a day or less?"), "bleeding"
    ),
    Question(
        "antiplatelet_other",
        gettext_noop(
            "Taking another antiplatelet (e.g. clopidogrel) or aspirin above 150 mg a day?"
        ),
        "bleeding",
    ),
    Question("nsaid", gettext_noop("Taking an NSAID (e.g. ibuprofen, naproxen)?"), "bleeding"),
    Question("fish_oil", gettext_noop("Taking fish oil?"), "bleeding"),
    Question("vitamin_e", gettext_noop("Taking vitamin E?"), "bleeding"),
    Question("ginkgo", gettext_noop("Taking ginkgo?"), "bleeding"),
    Question("bleeding_disorder", gettext_noop("Bleeding or clotting disorder?"), "bleeding"),
    Question(
        "allergy_lidocaine",
        gettext_noop("Allergy to lidocaine or other amide anaesthetics?"),
        "allergy",
    ),
    Question(
        "allergy_procaine",
        gettext_noop("Allergy to procaine, other ester anaesthetics or PABA?"),
        "allergy",
    ),
    Question("allergy_sulfites", gettext_noop("Allergy or sensitivity to sulfites?"), "allergy"),
    Question("allergy_soy", gettext_noop("Allergy to soy?"), "allergy"),
    Question("allergy_benzyl_alcohol", gettext_noop("Allergy to benzyl alcohol?"), "allergy"),
    Question("allergy_other", gettext_noop("Allergy to any other injected ingredient?"), "allergy"),
    Question(
        "site_infection", gettext_noop("Active skin infection at the treatment site?"), "site"
    ),
    Question("cold_sores", gettext_noop("Active cold sores (herpes)?"), "site"),
    Question(
        "inflammatory_dermatosis",
        gettext_noop("Inflammatory skin disease at the site (e.g. eczema, psoriasis flare)?"),
        "site",
    ),
    Question("keloid", gettext_noop("Tendency to keloids or hypertrophic scars?"), "site"),
    Question(
        "immunosuppression",
        gettext_noop("Immunosuppressed (transplant, chemotherapy, HIV, immunosuppressant drugs)?"),
        "history",
    ),
    Question(
        "autoimmune",
        gettext_noop(
            "Autoimmune disease (e.g. lupus, scleroderma, rheumatoid arthritis, Hashimoto's)?"
        ),
        "history",
    ),
    Question("diabetes", gettext_noop("Diabetes?"), "history"),
    Question("diabetes_insulin", gettext_noop("Insulin-dependent diabetes?"), "history"),
    Question("cancer", gettext_noop("Cancer, current or under treatment?"), "history"),
    Question("heart_disease", gettext_noop("Heart disease?"), "history"),
    Question(
        "uncontrolled_hypertension", gettext_noop("Uncontrolled high blood pressure?"), "history"
    ),
    Question("severe_illness", gettext_noop("Other severe acute or chronic illness?"), "history"),
    Question(
        "systemic_steroids", gettext_noop("Taking systemic (oral or injected) steroids?"), "history"
    ),
    Question(
        "isotretinoin_12_months", gettext_noop("Isotretinoin in the last 12 months?"), "history"
    ),
    Question("gallstones", gettext_noop("Gallstones?"), "history"),
    Question("pacemaker", gettext_noop("Pacemaker?"), "history"),
    Question("chronic_renal_failure", gettext_noop("Chronic kidney (renal) failure?"), "history"),
    Question(
        "dysphagia", gettext_noop("Difficulty swallowing, now or in the past?"), "submental", True
    ),
    Question(
        "thyroid_disease",
        gettext_noop("Thyroid disease or an enlarged thyroid?"),
        "submental",
        True,
    ),
    Question(
        "neck_lumps",
        gettext_noop("Lumps in the neck (e.g. swollen lymph nodes)?"),
        "submental",
        True,
    ),
    Question(
        "prior_neck_treatment",
        gettext_noop("Previous neck or submental surgery or aesthetic treatment?"),
        "submental",
        True,
    ),
    Question(
        "skin_laxity",
        gettext_noop(
            "Marked skin laxity or prominent platysmal bands in the neck (on examination)?"
        ),
        "submental",
        True,
    ),
    Question(
        "prior_mesotherapy",
        gettext_noop("Previous mesotherapy or fat-dissolving injections?"),
        "prior",
    ),
    Question(
        "prior_complications",
        gettext_noop("Complications after previous injections (any kind)?"),
        "prior",
    ),
    Question(
        "unrealistic_expectations",
        gettext_noop("Expectations unrealistic for this treatment (clinician's judgement)?"),
        "prior",
    ),
)
QUESTION_CODES: tuple[str, ...] = tuple(q.code for q in QUESTIONS)
QUESTION_TEXT: dict[str, str] = {q.code: q.text for q in QUESTIONS}

# Free-text follow-ups, by section: the questionnaire asks which agent and when the last dose
# was (item 2) and, for prior treatment, where, which product and which complications (item 10).
DETAILS: dict[str, str] = {
    "bleeding": gettext_noop("Which agents, dose, and when was the last dose?"),
    "allergy": gettext_noop("Which substances, and what reaction?"),
    "history": gettext_noop("Details of any condition or medicine answered yes"),
    "prior": gettext_noop("Where, which product, when, and any complications"),
}


def _tri(value: Any) -> bool | None:
    """'yes' → True, 'no' → False, anything else (unknown, missing) → None."""
    if value is True or value == "yes":
        return True
    if value is False or value == "no":
        return False
    return None


def _decimal(value: Any) -> Decimal | None:
    if value in (None, ""):
        return None
    try:
        number = Decimal(str(value))
    except InvalidOperation:
        return None
    return number if number.is_finite() else None


@dataclass(frozen=True)
class Questionnaire:
    """Typed answers for the screening rules. ``answers`` maps a question code to True (yes),
    False (no) or None (unknown); ``not_asked`` maps a question left unknown to the reason it
    was not asked. Body measures and the body-image screen sit beside them."""

    answers: dict[str, bool | None] = field(default_factory=dict)
    not_asked: dict[str, str] = field(default_factory=dict)
    age_years: int | None = None
    weight_kg: Decimal | None = None
    height_cm: Decimal | None = None
    weight_6_months_ago_kg: Decimal | None = None
    weight_stable_6_months: bool | None = None
    body_image_concern: bool | None = None

    def yes(self, code: str) -> bool:
        return self.answers.get(code) is True

    def unknown(self, code: str) -> bool:
        return self.answers.get(code) is None

    def unanswered(self, codes: Iterable[str]) -> tuple[str, ...]:
        """Of ``codes``, those neither answered yes or no nor marked not asked with a reason."""
        return tuple(
            code
            for code in codes
            if self.answers.get(code) is None and not self.not_asked.get(code, "").strip()
        )

    @property
    def bmi(self) -> Decimal | None:
        """Body-mass index (kg/m²), one decimal, when weight and height are both known."""
        return body_mass_index(self.weight_kg, self.height_cm)

    @property
    def weight_change_percent(self) -> Decimal | None:
        """Change since six months ago, in percent of the earlier weight."""
        if not self.weight_kg or not self.weight_6_months_ago_kg:
            return None
        change = (self.weight_kg - self.weight_6_months_ago_kg) / self.weight_6_months_ago_kg
        return (change * 100).quantize(Decimal("0.1"))

    def with_answer(self, code: str, value: bool | None) -> Questionnaire:
        return replace(self, answers={**self.answers, code: value})

    @classmethod
    def from_json(
        cls,
        answers: dict[str, Any],
        *,
        age_years: int | None = None,
        weight_kg: Any = None,
        height_cm: Any = None,
        weight_stable_6_months: bool | None = None,
        body_image_concern: bool | None = None,
    ) -> Questionnaire:
        """Build from the stored JSON ({"pregnant": "no", …, "weight_6_months_ago_kg": "70",
        "not_asked": {"keloid": "reason"}})."""
        reasons = answers.get("not_asked")
        answered = {code: _tri(answers.get(code)) for code in QUESTION_CODES}
        return cls(
            answers=answered,
            # A reason counts only for a question left unknown; an answer supersedes it.
            not_asked={
                code: str(reason).strip()
                for code, reason in (reasons.items() if isinstance(reasons, dict) else ())
                if code in answered and answered[code] is None and str(reason).strip()
            },
            age_years=age_years,
            weight_kg=_decimal(weight_kg),
            height_cm=_decimal(height_cm),
            weight_6_months_ago_kg=_decimal(answers.get("weight_6_months_ago_kg")),
            weight_stable_6_months=weight_stable_6_months,
            body_image_concern=body_image_concern,
        )


QUESTIONNAIRE_FIELDS: tuple[str, ...] = tuple(f.name for f in fields(Questionnaire))
