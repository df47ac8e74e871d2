"""The earliest day a course's next session may be booked: pure Python, no Django.

The later of: the plan's interval after the last session, and the label minimum intervals of
the dose rules for what was given (deoxycholic acid: no less than 1 month between treatments,
reference §2.1, https://fda.report/DailyMed/fe431ed4-ea6f-4e99-b4bc-ec25ae7b8553/; collagenase:
visits every 21 days, §2.4, https://globalrph.com/rx-list/qwo-drug). The numbers come from the
dose rules (``dosing.rules``), so a practice's tightened interval is the one applied here too.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from mesoclinic.dosing.labelled import add_months, is_labelled_deoxycholic_acid
from mesoclinic.dosing.rules import COLLAGENASE, RuleSet

PLAN_INTERVAL = "plan_interval"
DEOXYCHOLIC_ACID_INTERVAL = "deoxycholic_acid_interval"
COLLAGENASE_INTERVAL = "collagenase_interval"


@dataclass(frozen=True)
class PastVisit:
    """A signed session's day and the substances given in it."""

    day: dt.date
    substances: frozenset[str]


@dataclass(frozen=True)
class Earliest:
    """The earliest day, and which rule sets it (a code, translated where shown); None when
    nothing limits it (no session yet)."""

    day: dt.date | None
    rule: str = ""


def earliest_next(
    course_last_day: dt.date | None,
    interval_days: int,
    history: Iterable[PastVisit],
    rules: RuleSet | None = None,
) -> Earliest:
    """The earliest day for a course's next session: ``course_last_day`` is its last signed
    session (None before the first), ``history`` every signed session of the patient (the dose
    rules count them all, whichever course they belonged to)."""
    rules = rules or RuleSet.defaults()
    visits = list(history)
    candidates: list[tuple[dt.date, str]] = []
    if course_last_day is not None:
        candidates.append((course_last_day + dt.timedelta(days=interval_days), PLAN_INTERVAL))
    dca = [v.day for v in visits if is_labelled_deoxycholic_acid(v.substances)]
    if dca:
        months = rules.deoxycholic_acid.min_interval_months
        candidates.append((add_months(max(dca), months), DEOXYCHOLIC_ACID_INTERVAL))
    collagenase = [v.day for v in visits if COLLAGENASE in v.substances]
    if collagenase:
        days = rules.collagenase.min_interval_days
        candidates.append((max(collagenase) + dt.timedelta(days=days), COLLAGENASE_INTERVAL))
    if not candidates:
        return Earliest(None)
    # The latest wins; on a tie, a dose rule names the reason rather than the plan.
    day, rule = max(candidates, key=lambda c: (c[0], c[1] != PLAN_INTERVAL))
    return Earliest(day, rule)
