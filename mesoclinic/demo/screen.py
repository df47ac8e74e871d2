"""The contraindication screen of a demo consultation, computed by the consultations app.

The demo never writes findings of its own: it asks ``consultations.screening`` (the same
pure-Python rules the consultation form runs) and stores what they return, so the demo
charts show exactly what a clinician would have seen.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any


def screening_for(
    answers: dict[str, Any],
    indication: str,
    areas: list[str],
    *,
    age_years: int,
    weight_kg: Decimal,
    height_cm: Decimal,
    weight_stable_6_months: bool,
    body_image_concern: bool,
) -> dict[str, Any]:
    """``Consultation.screening`` for these answers and this plan."""
    from mesoclinic.consultations.questions import Questionnaire
    from mesoclinic.consultations.screening import screening_json

    questionnaire = Questionnaire.from_json(
        answers,
        age_years=age_years,
        weight_kg=weight_kg,
        height_cm=height_cm,
        weight_stable_6_months=weight_stable_6_months,
        body_image_concern=body_image_concern,
    )
    return screening_json(questionnaire, [indication], areas)
