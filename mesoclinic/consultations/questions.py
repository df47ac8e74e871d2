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

Answer = Literal["yes", "no", "unknown"]
# "unknown" is the stored code for a question not asked; before a consultation is signed each
# such question needs the reason it was not asked (``Questionnaire.not_asked``).
ANSWERS: dict[str, str] = {"yes": "Yes", "no": "No", "unknown": "Not asked"}
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
    "pregnancy": "Pregnancy and breastfeeding",
    "bleeding": "Bleeding risk",
    "allergy": "Allergies",
    "site": "Skin at the treatment site",
    "history": "Medical history",
    "submental": "Submental treatment only",
    "prior": "Previous treatments and expectations",
}

QUESTIONS: tuple[Question, ...] = (
    Question("pregnant", "Pregnant?", "pregnancy"),
    Question("trying_to_conceive", "Trying to conceive?", "pregnancy"),
    Question("breastfeeding", "Breastfeeding?", "pregnancy"),
    Question(
        "anticoagulant", "Taking an anticoagulant (e.g. warfarin, a DOAC, heparin)?", "bleeding"
    ),
    Question("aspirin_low_dose", "Taking aspirin at 150 mg a day or less?", "bleeding"),
    Question(
        "antiplatelet_other",
        "Taking another antiplatelet (e.g. clopidogrel) or aspirin above 150 mg a day?",
        "bleeding",
    ),
    Question("nsaid", "Taking an NSAID (e.g. ibuprofen, naproxen)?", "bleeding"),
    Question("fish_oil", "Taking fish oil?", "bleeding"),
    Question("vitamin_e", "Taking vitamin E?", "bleeding"),
    Question("ginkgo", "Taking ginkgo?", "bleeding"),
    Question("bleeding_disorder", "Bleeding or clotting disorder?", "bleeding"),
    Question("allergy_lidocaine", "Allergy to lidocaine or other amide anaesthetics?", "allergy"),
    Question(
        "allergy_procaine", "Allergy to procaine, other ester anaesthetics or PABA?", "allergy"
    ),
    Question("allergy_sulfites", "Allergy or sensitivity to sulfites?", "allergy"),
    Question("allergy_soy", "Allergy to soy?", "allergy"),
    Question("allergy_benzyl_alcohol", "Allergy to benzyl alcohol?", "allergy"),
    Question("allergy_other", "Allergy to any other injected ingredient?", "allergy"),
    Question("site_infection", "Active skin infection at the treatment site?", "site"),
    Question("cold_sores", "Active cold sores (herpes)?", "site"),
    Question(
        "inflammatory_dermatosis",
        "Inflammatory skin disease at the site (e.g. eczema, psoriasis flare)?",
        "site",
    ),
    Question("keloid", "Tendency to keloids or hypertrophic scars?", "site"),
    Question(
        "immunosuppression",
        "Immunosuppressed (transplant, chemotherapy, HIV, immunosuppressant drugs)?",
        "history",
    ),
    Question(
        "autoimmune",
        "Autoimmune disease (e.g. lupus, scleroderma, rheumatoid arthritis, Hashimoto's)?",
        "history",
    ),
    Question("diabetes", "Diabetes?", "history"),
    Question("diabetes_insulin", "Insulin-dependent diabetes?", "history"),
    Question("cancer", "Cancer, current or under treatment?", "history"),
    Question("heart_disease", "Heart disease?", "history"),
    Question("uncontrolled_hypertension", "Uncontrolled high blood pressure?", "history"),
    Question("severe_illness", "Other severe acute or chronic illness?", "history"),
    Question("systemic_steroids", "Taking systemic (oral or injected) steroids?", "history"),
    Question("isotretinoin_12_months", "Isotretinoin in the last 12 months?", "history"),
    Question("gallstones", "Gallstones?", "history"),
    Question("pacemaker", "Pacemaker?", "history"),
    Question("chronic_renal_failure", "Chronic kidney (renal) failure?", "history"),
    Question("dysphagia", "Difficulty swallowing, now or in the past?", "submental", True),
    Question("thyroid_disease", "Thyroid disease or an enlarged thyroid?", "submental", True),
    Question("neck_lumps", "Lumps in the neck (e.g. swollen lymph nodes)?", "submental", True),
    Question(
        "prior_neck_treatment",
        "Previous neck or submental surgery or aesthetic treatment?",
        "submental",
        True,
    ),
    Question(
        "skin_laxity",
        "Marked skin laxity or prominent platysmal bands in the neck (on examination)?",
        "submental",
        True,
    ),
    Question("prior_mesotherapy", "Previous mesotherapy or fat-dissolving injections?", "prior"),
    Question("prior_complications", "Complications after previous injections (any kind)?", "prior"),
    Question(
        "unrealistic_expectations",
        "Expectations unrealistic for this treatment (clinician's judgement)?",
        "prior",
    ),
)
QUESTION_CODES: tuple[str, ...] = tuple(q.code for q in QUESTIONS)
QUESTION_TEXT: dict[str, str] = {q.code: q.text for q in QUESTIONS}

# Free-text follow-ups, by section: the questionnaire asks which agent and when the last dose
# was (item 2) and, for prior treatment, where, which product and which complications (item 10).
DETAILS: dict[str, str] = {
    "bleeding": "Which agents, dose, and when was the last dose?",
    "allergy": "Which substances, and what reaction?",
    "history": "Details of any condition or medicine answered yes",
    "prior": "Where, which product, when, and any complications",
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
