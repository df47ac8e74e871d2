"""The practice's own prices and product concentrations, for the cost and dose figures of its
evidence report (issue 16 part 3).

A session row's price is, in this order:

1. the price recorded with the session's area (``SessionArea.price`` + ``currency``: what a
   registry bundle's sessions.csv carries, and what the export writes back out);
2. else the clinic's price list (``billing.PriceItem``, active single-session items, matched
   as the desk's invoice draft matches them: indication and area, then area, then
   indication), before VAT, in the clinic's currency.

Invoices are not read: a session paid from a package is invoiced at nothing and a discount
is the desk's business, so an invoice's amount is not the price of the treatment. The
price list is before VAT, as ``SessionArea`` prices entered by the desk are.

The dose in mg: every product whose ingredients are recorded (``formulary.Ingredient``) has a
known amount of each substance per mL (none of a substance it does not list); a product with
no ingredient recorded has none known. The substance is the one that most products list.
"""

from __future__ import annotations

from collections import Counter

import numpy as np
import pandas as pd

from mesoclinic.billing.models import PriceItem
from mesoclinic.clinics.models import Clinic
from mesoclinic.formulary.models import Ingredient


def fill_from_price_list(sessions: pd.DataFrame, clinic: Clinic) -> pd.DataFrame:
    """``sessions`` with each unpriced row priced from the clinic's price list, where it
    has one for that indication and area."""
    missing = ~np.isfinite(sessions["price"].to_numpy(dtype=np.float64)) if len(sessions) else np.zeros(0, bool)  # fmt: skip
    if not missing.any():
        return sessions
    items = PriceItem.objects.for_clinic(clinic).filter(is_active=True, sessions=1).order_by("pk")
    table: dict[tuple[str, str], float] = {}
    for indication, area, price in items.values_list("indication", "area", "unit_price"):
        table.setdefault((indication, area), float(price))

    def lookup(indication: str, area: str) -> float:
        for key in ((indication, area), ("", area), (indication, "")):
            if key in table:
                return table[key]
        return float("nan")

    prices = sessions["price"].to_numpy(dtype=np.float64).copy()
    currencies = sessions["currency"].to_numpy(dtype=object).copy()
    rows = np.flatnonzero(missing)
    # One look-up per distinct (indication, area), not per row: a registry has hundreds of
    # thousands of session rows and a few dozen such pairs.
    indication, indications = pd.factorize(sessions["indication"].to_numpy(dtype=object)[rows], use_na_sentinel=False)  # fmt: skip
    area, areas = pd.factorize(sessions["area"].to_numpy(dtype=object)[rows], use_na_sentinel=False)  # fmt: skip
    pair, pairs = pd.factorize(indication * len(areas) + area)
    price_of_pair = [lookup(str(indications[p // len(areas)]), str(areas[p % len(areas)])) for p in pairs]  # fmt: skip
    found = np.array(price_of_pair, dtype=np.float64)[pair]
    priced = np.isfinite(found)
    prices[rows[priced]] = found[priced]
    currencies[rows[priced]] = clinic.currency
    return sessions.assign(price=prices, currency=currencies)


def dose_concentrations(clinic: Clinic) -> tuple[str, dict[str, float]] | None:
    """(substance, {product name: mg of it per mL}) over the products with ingredients."""
    rows = list(
        Ingredient.objects.filter(product__clinic=clinic).values_list(
            "product__name", "substance", "mg_per_ml"
        )  # fmt: skip
    )
    if not rows:
        return None
    counts = Counter(substance for _p, substance, _mg in rows)
    substance = min(counts, key=lambda s: (-counts[s], s))
    products = {product for product, _s, _mg in rows}
    mg = dict.fromkeys(products, 0.0)
    for product, name, per_ml in rows:
        if name == substance:
            mg[product] = float(per_ml)
    return substance, mg
