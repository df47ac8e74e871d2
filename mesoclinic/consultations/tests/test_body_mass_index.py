"""The one body-mass index: weight (kg) over height (m) squared, to one decimal."""

from __future__ import annotations

from decimal import Decimal

import pytest

from mesoclinic.clinical_codes import body_mass_index
from mesoclinic.consultations.models import Consultation
from mesoclinic.consultations.questions import Questionnaire

D = Decimal


@pytest.mark.parametrize(
    ("weight_kg", "height_cm", "bmi"),
    [
        (D("68.0"), D("168"), D("24.1")),  # 68 / 1.68² = 24.093…
        (D("90"), D("170"), D("31.1")),  # 31.141…: over the PC/DC relative limit of 30
        (D("45.5"), D("152.5"), D("19.6")),  # 19.564…
        (D("120"), D("200"), D("30.0")),  # exactly 30: not over 30
        # no rounding is sourced: a half goes to the even digit (the decimal default)
        (D("120.2"), D("200"), D("30.0")),  # 30.05
        (D("120.6"), D("200"), D("30.2")),  # 30.15
        (D("100.2"), D("200"), D("25.0")),  # 25.05
        (D("120.16"), D("200"), D("30.0")),  # 30.04 shows, and screens, as 30.0
        # a missing or zero weight or height gives no BMI rather than a division error
        (None, D("170"), None),
        (D("70"), None, None),
        (D("0"), D("170"), None),
        (D("70"), D("0"), None),
        (None, None, None),
    ],
)
def test_it_computes_the_body_mass_index(weight_kg, height_cm, bmi):
    # given a weight and a height, when the BMI is computed, then it is kg/m² to one decimal
    assert body_mass_index(weight_kg, height_cm) == bmi
    # and the consultation record and the screening questionnaire read that same value
    assert Consultation(weight_kg=weight_kg, height_cm=height_cm).bmi == bmi
    assert Questionnaire(weight_kg=weight_kg, height_cm=height_cm).bmi == bmi
