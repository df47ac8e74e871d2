"""A session row without a price takes the clinic's price list's, row by row."""

from __future__ import annotations

from decimal import Decimal

import numpy as np
import pandas as pd
import pytest

from mesoclinic.billing.models import PriceItem
from mesoclinic.clinics.models import Clinic
from mesoclinic.evidence.prices import fill_from_price_list

pytestmark = pytest.mark.django_db


def test_each_unpriced_row_takes_the_closest_price_of_the_list(riverside: Clinic) -> None:
    # given prices for cellulite on the outer thigh, for any flank, and for any localized fat,
    # a package and an item no longer on sale (neither a session's price)
    for name, indication, area, price, extra in (
        ("thigh", "cellulite", "thigh_outer", "95.00", {}),
        ("flank", "", "flank", "80.00", {}),
        ("fat", "localized_fat", "", "70.00", {}),
        ("package", "cellulite", "abdomen", "300.00", {"sessions": 5}),
        ("old", "cellulite", "abdomen", "60.00", {"is_active": False}),
    ):
        PriceItem.objects.create(clinic=riverside, name=name, indication=indication, area=area, unit_price=Decimal(price), **extra)  # fmt: skip
    rows = [
        ("cellulite", "thigh_outer", np.nan, ""),  # its own (indication, area)
        ("cellulite", "flank", np.nan, ""),  # the area's price
        ("localized_fat", "flank", np.nan, ""),  # the area's price before the indication's
        ("localized_fat", "abdomen", np.nan, ""),  # the indication's price
        ("cellulite", "abdomen", np.nan, ""),  # none: a package and an item off sale
        ("cellulite", "thigh_outer", 120.0, "USD"),  # priced with the session: kept
        ("cellulite", "thigh_outer", np.nan, ""),  # the same pair again
    ]
    sessions = pd.DataFrame(rows, columns=["indication", "area", "price", "currency"])
    # when the unpriced rows are filled from the price list
    filled = fill_from_price_list(sessions, riverside)
    # then each row has the price of its closest match, in the clinic's currency, or none
    currency = riverside.currency
    assert filled["price"].tolist()[:4] == [95.0, 80.0, 80.0, 70.0]
    assert np.isnan(filled["price"].iloc[4])
    assert filled["price"].tolist()[5:] == [120.0, 95.0]
    assert filled["currency"].tolist() == [currency] * 4 + ["", "USD", currency]
