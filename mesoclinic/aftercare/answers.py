"""How a check-in's stored answers read on the staff pages: each answer under the name of the
question it answers (``questions.py``), and each score with its scale ("3 / 10", "2 · Much
improved"), never the storage keys ("pain_score", "redness_warmth")."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext, gettext_noop

from mesoclinic.aftercare.choices import DailyImpact
from mesoclinic.aftercare.questions import SYMPTOMS_BY_KEY, OutcomeQuestion
from mesoclinic.aftercare.translated import outcome_question, site_words
from mesoclinic.clinical_codes import MEASUREMENT_KINDS

PAIN_LABEL = gettext_noop("Pain where treated (0 = none, 10 = the worst imaginable)")
IMPACT_LABEL = gettext_noop("Effect on daily life")
ANYTHING_ELSE_LABEL = gettext_noop("Anything else the patient wants the clinic to know")


@dataclass(frozen=True)
class AnswerRow:
    """One answer as staff read it; ``concern`` marks a "yes" to a symptom question."""

    label: str
    value: str
    concern: bool = False
    question: str = ""


def _scale_answer(question: OutcomeQuestion, value: Any) -> AnswerRow:
    kind = MEASUREMENT_KINDS.get(question.kind)
    words = site_words(question.area, question.side)
    label = gettext("%(scale)s, %(area)s (%(side)s)") % {
        "scale": gettext(kind.label) if kind else question.kind,
        "area": words["area"].capitalize(),
        "side": words["side"],
    }
    text = dict(question.choices).get(value)
    if text is None or text == str(value):
        # Unlabelled points of a scale read as "7 / 10" (or "2 / 4").
        top = max(n for n, _ in question.choices)
        text = f"{value} / {top}"
    else:
        text = gettext(text)
    return AnswerRow(label, text, question=outcome_question(question))


def _fallback_label(key: str) -> str:
    # An answer whose question is no longer asked (older data): its key in words.
    return key.replace("_", " ").strip().capitalize()


def answer_rows(
    answers: dict[str, Any], outcome_questions: list[OutcomeQuestion]
) -> list[AnswerRow]:
    """The answers in the order they were given, labelled and with their units."""
    scales = {q.key: q for q in outcome_questions}
    rows: list[AnswerRow] = []
    for key, value in answers.items():
        symptom = SYMPTOMS_BY_KEY.get(key)
        if symptom is not None:
            rows.append(
                AnswerRow(
                    gettext(symptom.label),
                    gettext("Yes") if value else gettext("No"),
                    bool(value),
                    gettext(symptom.question),
                )
            )
        elif key == "pain_score":
            rows.append(AnswerRow(gettext(PAIN_LABEL), f"{value} / 10"))
        elif key == "impact":
            label = DailyImpact(value).label if value in DailyImpact.values else str(value)
            rows.append(AnswerRow(gettext(IMPACT_LABEL), str(label)))
        elif key == "anything_else":
            rows.append(AnswerRow(gettext(ANYTHING_ELSE_LABEL), str(value)))
        elif key in scales:
            rows.append(_scale_answer(scales[key], value))
        elif isinstance(value, bool):
            rows.append(
                AnswerRow(_fallback_label(key), gettext("Yes") if value else gettext("No"), value)
            )
        else:
            rows.append(AnswerRow(_fallback_label(key), str(value)))
    return rows
