"""Weight stability: is an outcome change possibly the diet rather than the injections?

Pure Python (no Django import). Trials of injection lipolysis required a stable weight and
asked subjects to stay within 5% (reference §6 "weight-stability rules … within 5%";
source: http://cdek.wustl.edu/trial/NCT03510598/), and the reference's software checklist
asks to "flag a change of more than 5%" from the patient's weight.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

# More than this percentage away from the first recorded weight is flagged.
# Source: http://cdek.wustl.edu/trial/NCT03510598/ (stay "within 5%").
WEIGHT_STABILITY_PERCENT = Decimal(5)


@dataclass(frozen=True)
class WeightChange:
    """One weight compared with the patient's first recorded weight."""

    baseline_kg: Decimal
    baseline_on: dt.date
    weight_kg: Decimal
    measured_on: dt.date

    @property
    def percent(self) -> Decimal:
        """Signed change from the baseline, in percent of the baseline, to one decimal."""
        change = (self.weight_kg - self.baseline_kg) / self.baseline_kg * 100
        return change.quantize(Decimal("0.1"))

    @property
    def flagged(self) -> bool:
        # Compare the exact ratio, not the rounded percent, so 5.04% is flagged too.
        return abs(self.weight_kg - self.baseline_kg) * 100 > (
            WEIGHT_STABILITY_PERCENT * self.baseline_kg
        )


def weight_changes(
    weights: Iterable[tuple[dt.date, Decimal, object]],
) -> dict[object, WeightChange]:
    """Compare each weight with the first recorded one.

    ``weights`` are (date, kg, key) in any order; ties on the first date keep the order given
    (pass them in entry order). The result maps each key, except the baseline's own, to its
    change.
    """
    ordered = sorted(enumerate(weights), key=lambda item: (item[1][0], item[0]))
    if not ordered:
        return {}
    _, (baseline_on, baseline_kg, baseline_key) = ordered[0]
    if baseline_kg <= 0:
        return {}
    return {
        key: WeightChange(baseline_kg, baseline_on, kg, on)
        for _, (on, kg, key) in ordered[1:]
        if key != baseline_key
    }
