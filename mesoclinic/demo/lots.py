"""The demo's stock book: lots received as they are needed, used first-expiry-first-out.

Lots are handed out in one chronological pass over every injection of a clinic, so a lot
is never used before it was received, after its expiry, after it is used up, after its
recall, or while quarantined: the demo data obey the rules the app enforces.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field
from decimal import Decimal

from mesoclinic.demo.catalogue import PRODUCT_BY_KEY
from mesoclinic.formulary.choices import LotStatus

# Vials or ampoules per delivery: illustrative stock sizes, not clinical numbers.
ORDER_SIZE: dict[str, int] = {
    "dca": 20,
    "pcdc50": 40,
    "pcdc25": 10,
    "dermaheal": 30,
    "lido1": 40,
    "lido2": 40,
    "procaine": 50,
    "dutasteride": 30,
    "minoxidil": 30,
    "ha": 20,
}


@dataclass
class LotDraft:
    product_key: str
    lot_number: str
    received_on: dt.date
    expiry_date: dt.date
    quantity_received: int
    status: str = LotStatus.AVAILABLE
    status_reason: str = ""
    recalled_on: dt.date | None = None
    # Special lots keep stock on the shelf (an expired or recalled lot with vials left).
    limit_ml: Decimal | None = None
    used_ml: Decimal = field(default_factory=lambda: Decimal(0))
    # Of used_ml, what drafts awaiting signature hold: still on the shelf, since signing is
    # what takes a session's volume out of stock (treatments.services.sign_session).
    reserved_ml: Decimal = field(default_factory=lambda: Decimal(0))
    pk: int | None = None

    @property
    def capacity_ml(self) -> Decimal:
        return self.quantity_received * PRODUCT_BY_KEY[self.product_key].vial_volume_ml

    @property
    def remaining_ml(self) -> Decimal:
        """What no session, signed or drafted, has yet been given from this lot."""
        return self.capacity_ml - self.used_ml

    @property
    def shelf_ml(self) -> Decimal:
        """The lot's stock as the app counts it: drafts have not taken theirs yet."""
        return self.remaining_ml + self.reserved_ml

    def usable(self, day: dt.date, volume_ml: Decimal) -> bool:
        if self.status == LotStatus.QUARANTINED:
            return False
        if self.recalled_on is not None and day >= self.recalled_on:
            return False
        if self.limit_ml is not None and self.used_ml + volume_ml > self.limit_ml:
            return False
        return self.received_on <= day <= self.expiry_date and self.remaining_ml >= volume_ml


class LotBook:
    def __init__(self, rng: random.Random, prefix: str) -> None:
        self.rng = rng
        self.prefix = prefix
        self.lots: list[LotDraft] = []
        self._counter = 0
        self._recalls: dict[str, tuple[dt.date, str]] = {}
        self._last_used: dict[str, LotDraft] = {}

    def schedule_recall(self, product_key: str, on: dt.date, reason: str) -> None:
        """On ``on``, the lot of this product then in use is recalled (no use from that day)."""
        self._recalls[product_key] = (on, reason)

    def _apply_recall(self, product_key: str, day: dt.date) -> None:
        pending = self._recalls.get(product_key)
        target = self._last_used.get(product_key)
        if pending is None or day < pending[0] or target is None:
            return
        target.recalled_on, target.status_reason = pending
        target.status = LotStatus.RECALLED
        del self._recalls[product_key]

    def add(
        self, product_key: str, received_on: dt.date, expiry_date: dt.date, quantity: int
    ) -> LotDraft:
        self._counter += 1
        code = product_key[:3].upper()
        lot = LotDraft(
            product_key,
            f"{self.prefix}{code}{received_on:%y%m}-{self._counter:03d}",
            received_on,
            expiry_date,
            quantity,
        )
        self.lots.append(lot)
        return lot

    def pick(
        self,
        product_key: str,
        day: dt.date,
        volume_ml: Decimal,
        hint: LotDraft | None,
        *,
        signed: bool = True,
    ) -> LotDraft:
        self._apply_recall(product_key, day)
        if hint is not None and hint.usable(day, volume_ml):
            lot = hint
        else:
            usable = [
                lot
                for lot in self.lots
                if lot.product_key == product_key and lot is not hint and lot.usable(day, volume_ml)
            ]
            if usable:
                lot = min(usable, key=lambda x: (x.expiry_date, x.received_on))
            else:
                spec = PRODUCT_BY_KEY[product_key]
                received = day - dt.timedelta(days=self.rng.randint(3, 20))
                lot = self.add(
                    product_key,
                    received,
                    received + dt.timedelta(days=spec.shelf_life_days),
                    ORDER_SIZE[product_key],
                )
        lot.used_ml += volume_ml
        if not signed:
            lot.reserved_ml += volume_ml
        self._last_used[product_key] = lot
        return lot

    def close(self, today: dt.date) -> None:
        """At the end of the pass: a lot with less than one vial left has been used up.

        An ordinary lot that expired was ordered to match its use (its unused vials would
        otherwise show as a shelf of expired stock); only the special expired lot keeps some.
        """
        for product_key in list(self._recalls):
            # No use on or after the recall day: the last lot used is the one recalled.
            self._apply_recall(product_key, self._recalls[product_key][0])
        for lot in self.lots:
            vial = PRODUCT_BY_KEY[lot.product_key].vial_volume_ml
            ordinary = lot.limit_ml is None and lot.status == LotStatus.AVAILABLE
            if ordinary and lot.expiry_date < today:
                lot.quantity_received = int(-(-lot.used_ml // vial))
            # A lot a draft still needs stays available, so that the draft can be signed.
            if (
                lot.status == LotStatus.AVAILABLE
                and lot.remaining_ml < vial
                and not lot.reserved_ml
            ):
                lot.status = LotStatus.USED_UP
                lot.status_reason = "Last vial used."


def seed_special_lots(book: LotBook, today: dt.date) -> dict[str, LotDraft]:
    """The lots the safety screens are shown with: an expired lot with stock left, a
    quarantined delivery, the multi-dose PC/DC lot behind the late-nodule cluster, and a
    recall of whichever lidocaine lot is in use 75 days ago."""
    days = dt.timedelta
    expired = book.add("lido2", today - days(400), today - days(30), 10)
    expired.limit_ml = Decimal(5)
    expired.status_reason = "Expired: awaiting return to the pharmacy for destruction."
    recall_on = today - days(75)
    book.schedule_recall(
        "lido1",
        recall_on,
        f"Manufacturer recall notice of {recall_on:%Y-%m-%d}: possible loss of sterility. "
        "Remaining stock isolated.",
    )
    quarantined = book.add("ha", today - days(4), today + days(700), 20)
    quarantined.status = LotStatus.QUARANTINED
    quarantined.status_reason = "Cold-chain excursion on delivery; awaiting the supplier's advice."
    cluster = book.add("pcdc25", today - days(80), today + days(280), 10)
    return {
        "expired": expired,
        "quarantined": quarantined,
        "cluster": cluster,
    }
