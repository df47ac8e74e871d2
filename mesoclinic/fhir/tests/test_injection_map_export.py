"""The injection map in the FHIR export: each line's marks in effect as extensions of its
MedicationAdministration's dosage site."""

from __future__ import annotations

from decimal import Decimal

import pytest

from mesoclinic.fhir.context import ExportContext
from mesoclinic.fhir.procedure import MAP_MARK_EXTENSION, administration_rows, to_administration
from mesoclinic.fhir.tests.helpers import r4_errors
from mesoclinic.treatments.injection_map import Mark, amend_line_map, place_point
from mesoclinic.treatments.models import TreatmentSession
from mesoclinic.treatments.tests.conftest import draft, pcdc, pcdc_lot  # noqa: F401 (fixtures)
from mesoclinic.treatments.tests.correction_helpers import add_line, sign

pytestmark = pytest.mark.django_db


def _marks(resource: dict) -> list[tuple[str, float, float, str]]:  # type: ignore[type-arg]
    out = []
    for ext in resource["dosage"]["site"].get("extension", []):
        if ext["url"] != MAP_MARK_EXTENSION:
            continue
        parts = {e["url"]: e for e in ext["extension"]}
        out.append(
            (
                parts["diagram"]["valueCoding"]["code"],
                parts["x"]["valueDecimal"],
                parts["y"]["valueDecimal"],
                parts["kind"]["valueCode"],
            )
        )
    return out


def test_it_exports_the_map_in_effect_of_each_line(riverside, draft, alice, pcdc_lot):  # noqa: F811
    # given a signed line with one point, whose map was then amended to two
    line = add_line(draft, pcdc_lot)
    place_point(draft, line, Mark("abdomen", Decimal("0.4"), Decimal("0.5"), "point"))
    sign(draft, alice)
    amend_line_map(
        TreatmentSession.objects.get(pk=draft.pk),
        alice,
        line,
        "Second point left out",
        [
            Mark("abdomen", Decimal("0.4"), Decimal("0.5"), "point"),
            Mark("abdomen", Decimal("0.6"), Decimal("0.5"), "zone"),
        ],
    )
    # when the line is exported
    ctx = ExportContext(riverside)
    (row,) = administration_rows(ctx)
    resource = to_administration(ctx, row)
    # then its site carries the amended marks, after the laterality
    assert _marks(resource) == [
        ("diagram-abdomen", 0.4, 0.5, "point"),
        ("diagram-abdomen", 0.6, 0.5, "zone"),
    ]
    assert resource["dosage"]["site"]["extension"][0]["url"].endswith("laterality")
    assert r4_errors(resource) is None
