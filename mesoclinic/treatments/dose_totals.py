"""Per-substance totals of a session: mg = mg/mL × mL, summed over every syringe.

Pure Python, no Django: the dose engine (issue #3) will compare these totals with its
limits, and the session page shows them live while the lines are entered. The rule is the
first item of the design checklist in ../shared/reference/mesotherapy-clinical.md §9 ("total
mg of each active ingredient from concentration × volume"). No limits are applied here.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal


@dataclass(frozen=True)
class Syringe:
    """One injection line as the dose arithmetic sees it: a volume and what each mL holds."""

    volume_ml: Decimal
    ingredients: tuple[tuple[str, Decimal], ...]  # (substance code, mg_per_ml)


def syringe_mg(syringe: Syringe) -> dict[str, Decimal]:
    """The mg of each substance delivered by one syringe."""
    return {
        substance: mg_per_ml * syringe.volume_ml for substance, mg_per_ml in syringe.ingredients
    }


def substance_totals(syringes: Iterable[Syringe]) -> dict[str, Decimal]:
    """Total mg of every substance across all syringes, sorted by substance code.

    Decimal addition is exact, so the result does not depend on the order of the syringes.
    """
    totals: dict[str, Decimal] = {}
    for syringe in syringes:
        for substance, mg in syringe_mg(syringe).items():
            totals[substance] = totals.get(substance, Decimal(0)) + mg
    return dict(sorted(totals.items()))
