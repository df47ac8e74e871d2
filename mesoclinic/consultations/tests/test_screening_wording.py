"""The screening's reasons read in the reader's language, each a whole translated sentence
(the stored reason stays English)."""

from __future__ import annotations

from decimal import Decimal

from django.utils import translation

from mesoclinic.consultations.display import reason_text
from mesoclinic.consultations.questions import Questionnaire
from mesoclinic.consultations.screening import screen


def _findings(**facts: object) -> dict[str, dict[str, object]]:
    answers = {"autoimmune": True}
    questionnaire = Questionnaire(answers=answers, **facts)  # type: ignore[arg-type]
    return {f.code: f.as_json() for f in screen(questionnaire, ["localized_fat"], ["flank"])}


def test_it_reads_a_rule_reason_and_a_reason_with_values_in_french():
    # given a screen that fires the autoimmune rule and the BMI rule, stored in English
    found = _findings(weight_kg=Decimal(100), height_cm=Decimal(160))
    assert "none is a validated standard" in str(found["AUTOIMMUNE"]["reason"])
    # when a French reader opens it
    with translation.override("fr"):
        autoimmune = reason_text(found["AUTOIMMUNE"])
        bmi = reason_text(found["BMI_OVER_30"])
    # then each reason is the whole French sentence, with its value filled in
    assert autoimmune.startswith("Une maladie auto-immune figure parmi les contre-indications")
    assert bmi.startswith("IMC 39.1 : un IMC supérieur à 30")


def test_it_counts_unanswered_questions_with_the_languages_plural():
    # given a screen with every question left open
    found = _findings()
    missing = found["MISSING_ANSWERS"]
    # when an Italian reader opens it
    with translation.override("it"):
        text = reason_text(missing)
    # then the count and the plural are Italian, and no English is left
    assert text.startswith(f"{len(missing['questions'])} domande senza risposta")  # type: ignore[arg-type]
    assert "question" not in text
