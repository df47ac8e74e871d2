"""Stock alerts: lots expiring within 30 days, expired lots still marked available, and
opened multi-dose vials past their beyond-use date."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from mesoclinic.formulary.models import EXPIRY_ALERT_DAYS, Lot, LotQuerySet


@dataclass(frozen=True)
class ExpiryAlerts:
    """The three lists shown on the lots page; ``count`` is the number on the Today page."""

    expiring: list[Lot]
    expired: list[Lot]
    past_beyond_use: list[Lot]
    days_ahead: int = EXPIRY_ALERT_DAYS

    @property
    def count(self) -> int:
        return len({lot.pk for lot in self.expiring + self.expired + self.past_beyond_use})


def expiry_alerts(lots: LotQuerySet, today: dt.date) -> ExpiryAlerts:
    """The alerts among ``lots`` (already scoped to the clinic), soonest first."""
    lots = lots.select_related("product")
    return ExpiryAlerts(
        expiring=list(lots.expiring_soon(today).order_by("expiry_date", "lot_number")),
        expired=list(lots.expired_but_available(today).order_by("expiry_date", "lot_number")),
        past_beyond_use=list(lots.past_beyond_use(today).order_by("beyond_use_date", "lot_number")),
    )


def alert_count(lots: LotQuerySet, today: dt.date) -> int:
    """How many distinct lots need attention (one query)."""
    return (
        (
            lots.expiring_soon(today)
            | lots.expired_but_available(today)
            | lots.past_beyond_use(today)
        )
        .distinct()
        .count()
    )
