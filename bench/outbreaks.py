"""A synthetic two-year registry with co-administered lots and one contaminated lot.

Synthetic test data, not clinical facts: the rates below are knobs of the simulation, chosen
to cover a range (several background rates, clinic sizes), not figures the app uses.

- A clinic open 5 days a week for two years, ``per_day`` sessions a day, a patient pool
  of a quarter of the sessions (patients come back), three practitioners.
- Every session is a cocktail: lidocaine with one or two of phosphatidylcholine (PC),
  deoxycholic acid (DC), a vitamin mix and hyaluronic acid. Each product's lots are used in
  runs of a product-specific number of sessions, two lots of a product open side by side,
  so a lidocaine lot shares its sessions with several lots of the other products, each
  partly (co-exposure).
- Background late lesions (nodule, infection or ulceration 7–84 days later) at
  ``background`` per session, doubled for PC and DC sessions (products differ in their usual
  rate of late nodules), and early reactions that are never cases.
- One lidocaine lot in the middle of the registry is contaminated: ``attack`` of the
  sessions that used it (about 10 %) are followed by a late lesion 14–60 days later.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass

from mesoclinic.safety.signals import EventRow, SessionRow

START = dt.date(2024, 1, 1)
YEARS = 2
PRODUCTS = {"lido": 240, "pc": 150, "dc": 180, "vit": 300, "ha": 90}  # sessions per lot
COCKTAILS = [("pc",), ("dc",), ("vit",), ("ha",), ("pc", "vit"), ("dc", "ha"), ("pc", "dc")]
PRACTITIONERS = ("ana", "ben", "cleo")


@dataclass
class Registry:
    """Generated sessions and events, and the planted lot."""

    sessions: list[SessionRow]
    events: list[EventRow]
    planted: str
    as_of: dt.date
    clinic_years: float = YEARS


class _LotRun:
    """Two lots of a product open side by side; each is replaced after its run of sessions."""

    def __init__(self, product: str, run: int, rng: random.Random) -> None:
        self.product, self.run, self.rng = product, run, rng
        self.serial = 0
        self.open = [self._new(offset) for offset in (0, run // 2)]

    def _new(self, used: int = 0) -> list[object]:
        self.serial += 1
        return [f"{self.product}-{self.serial:03d}", used]

    def take(self) -> str:
        slot = self.rng.randrange(2)
        lot = self.open[slot]
        lot[1] = int(str(lot[1])) + 1
        if int(str(lot[1])) >= self.run:
            self.open[slot] = self._new()
        return str(lot[0])


def generate(
    seed: int, per_day: int = 20, background: float = 0.01, attack: float = 0.10
) -> Registry:
    rng = random.Random(seed)
    runs = {p: _LotRun(p, n, rng) for p, n in PRODUCTS.items()}
    patients = max(50, per_day * 130)
    days = [
        START + dt.timedelta(days=d)
        for d in range(365 * YEARS)
        if (START + dt.timedelta(days=d)).weekday() < 5
    ]
    # The contaminated lot: the lidocaine lot open at the middle of the registry.
    sessions: list[SessionRow] = []
    events: list[EventRow] = []
    planted = ""
    middle = len(days) // 2
    for index, day in enumerate(days):
        for _ in range(rng.randint(per_day // 2, per_day * 3 // 2)):
            cocktail = ("lido", *rng.choice(COCKTAILS))
            lots = tuple(sorted(runs[p].take() for p in cocktail))
            lido = next(x for x in lots if x.startswith("lido"))
            if index == middle and not planted:
                planted = lido
            sid = len(sessions) + 1
            row = SessionRow(
                sid,
                f"P{rng.randrange(patients):05d}",
                day,
                rng.choice(PRACTITIONERS),
                lots,
                tuple(sorted(cocktail)),
            )
            sessions.append(row)
            risk = background * (2 if ("pc" in cocktail or "dc" in cocktail) else 1)
            if rng.random() < risk:
                kind = rng.choice(("nodule", "nodule", "infection", "ulceration"))
                events.append(
                    _event(len(events), row, kind, day + dt.timedelta(days=rng.randint(7, 84)))
                )
            if rng.random() < 0.2:
                events.append(
                    _event(len(events), row, "bruising", day + dt.timedelta(days=rng.randint(0, 3)))
                )
    # Mark the contaminated lot's lesions (it is known only once the lots are laid out).
    for row in sessions:
        if planted in row.lots and rng.random() < attack:
            onset = row.day + dt.timedelta(days=rng.randint(14, 60))
            events.append(_event(len(events), row, rng.choice(("nodule", "infection")), onset))
    as_of = days[-1] + dt.timedelta(days=1)
    return Registry(sessions, events, planted, as_of)


def _event(n: int, row: SessionRow, kind: str, onset: dt.date) -> EventRow:
    return EventRow(f"e{n}", row.patient_id, kind, onset, row.session_id)
