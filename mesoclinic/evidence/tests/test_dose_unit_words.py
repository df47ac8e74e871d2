"""The dose-response's unit as a reader writes it: mL, or milligrams of a substance named in
the reader's language (the report's JSON keeps the engine's code words)."""

from __future__ import annotations

import pytest
from django.utils import translation

from mesoclinic.evidence.cost_dose_figures import cost_dose_figures
from mesoclinic.evidence.figure_data import FigureSet
from mesoclinic.evidence.wording import dose_unit_words


@pytest.mark.parametrize(
    ("language", "unit", "shown"),
    [
        ("en", "ml", "mL"),
        ("en", "mg deoxycholic acid", "mg of deoxycholic acid"),
        ("fr", "mg deoxycholic acid", "mg d’acide désoxycholique"),
        ("it", "mg phosphatidylcholine", "mg di fosfatidilcolina"),
        ("es", "mg lidocaine", "mg de lidocaína"),
        ("fr", "mg some_new_substance", "mg some_new_substance"),
    ],
)
def test_it_names_the_dose_unit_in_the_readers_language(language, unit, shown):
    # given the engine's dose unit
    # when a reader of the language sees it
    with translation.override(language):
        words = dose_unit_words(unit)
    # then it is written as that reader writes it
    assert words == shown


def test_it_labels_dose_groups_with_readable_bounds_and_the_unit_in_the_title():
    # given a report whose dose groups have edges with three decimals, in mg of a substance
    bins = [
        {"low": 283.333, "high": 538.125, "courses": 11, "mean_effect": -0.4, "ci95": [-0.6, -0.2]},
        {"low": 0.125, "high": 2.5, "courses": 9, "mean_effect": -0.5, "ci95": [-0.7, -0.3]},
    ]
    report = {"dose_response": {"dose_unit": "mg deoxycholic acid", "bins": bins}, "cost": {}}
    out = FigureSet()
    # when the figures are drawn for a French reader
    with translation.override("fr"):
        cost_dose_figures(out, report, "cm")
    # then the groups read as whole milligrams (or one decimal below 100) and the unit, in
    # French, is in the title rather than cut off at the end of each label
    dose = next(f for f in out.figures if f.key == "dose")
    assert [row.label for row in dose.intervals] == ["283–538 (n=11)", "0.1–2.5 (n=9)"]
    assert dose.title == "Variation par séance selon la dose (mg d’acide désoxycholique)"
