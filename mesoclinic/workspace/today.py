"""What Today shows besides the day's sessions: the open red flags, the check-ins whose window
closed unanswered, and the recalled lots with patients still to tell, each with its count.

Each list is limited to ``TODAY_LIMIT`` rows with the full count beside it, and every list
is one query plus its count (the recalls three), so Today costs the same number of queries
whatever the clinic holds. Who sees what follows the role table: red flags and check-ins
are clinical (practitioners and nurses); recalls also go to the clinic admin, who manages
lots and may open the recall page (view_demographics with manage_formulary).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from mesoclinic.aftercare.models import CheckIn, Escalation
from mesoclinic.clinics.models import Membership
from mesoclinic.clinics.roles import Perm
from mesoclinic.formulary.models import Lot
from mesoclinic.safety.recall_status import LotRecall, active_recalls
from mesoclinic.treatments import readiness
from mesoclinic.treatments.gates import Gate
from mesoclinic.treatments.models import TreatmentSession

TODAY_LIMIT = 10


@dataclass
class Attention:
    """Today's follow-up lists; a list is None when the role may not see it."""

    red_flags: list[Escalation] | None = None
    red_flag_count: int = 0
    overdue: list[CheckIn] | None = None
    overdue_count: int = 0
    recalls: list[LotRecall] | None = None
    limit: int = TODAY_LIMIT
    to_contact: int = field(init=False, default=0)

    def __post_init__(self) -> None:
        self.to_contact = sum(r.to_contact for r in self.recalls or [])

    @property
    def shown(self) -> bool:
        return any(x is not None for x in (self.red_flags, self.overdue, self.recalls))

    @property
    def more_red_flags(self) -> int:
        return self.red_flag_count - len(self.red_flags or [])

    @property
    def more_overdue(self) -> int:
        return self.overdue_count - len(self.overdue or [])

    @property
    def patients_listed(self) -> int:
        """Rows that name a patient (for the audit entry: counts only)."""
        return len(self.red_flags or []) + len(self.overdue or [])


@dataclass(frozen=True)
class DaySession:
    """A session on Today's list, with the signing gates that block it while it is a draft."""

    session: TreatmentSession
    blocking: tuple[Gate, ...] = ()

    @property
    def blocking_titles(self) -> str:
        return "; ".join(gate.title for gate in self.blocking)


def day_sessions(membership: Membership, sessions: list[TreatmentSession]) -> list[DaySession]:
    """The day's sessions; for the clinical roles, each draft with the signing gates not met
    (treatments.readiness), read for all the drafts at once: the same queries for 1 or 50."""
    drafts = [s for s in sessions if not s.is_signed]
    if not drafts or not membership.has(Perm.VIEW_CLINICAL):
        return [DaySession(s) for s in sessions]
    found = readiness.for_sessions(membership.clinic, drafts)
    return [DaySession(s, found[s.pk].blocking if s.pk in found else ()) for s in sessions]


def recall_perm(membership: Membership) -> Perm | None:
    """The permission through which this role reads recalls, or None (as the recall page)."""
    if not membership.has(Perm.VIEW_DEMOGRAPHICS):
        return None
    for perm in (Perm.VIEW_CLINICAL, Perm.MANAGE_FORMULARY):
        if membership.has(perm):
            return perm
    return None


def attention(membership: Membership, now: dt.datetime) -> Attention:
    red_flags = overdue = recalls = None
    red_flag_count = overdue_count = 0
    if membership.has(Perm.VIEW_CLINICAL) and membership.has(Perm.VIEW_DEMOGRAPHICS):
        flags = Escalation.objects.restrict(membership, Perm.VIEW_CLINICAL).open_red_flags()
        red_flags = list(
            flags.select_related("patient", "session").order_by("created_at")[:TODAY_LIMIT]
        )
        red_flag_count = flags.count()
        late = CheckIn.objects.restrict(membership, Perm.VIEW_CLINICAL).overdue(now)
        overdue = list(late.select_related("patient").order_by("window_end")[:TODAY_LIMIT])
        overdue_count = late.count()
    perm = recall_perm(membership)
    if perm is not None:
        recalls = active_recalls(membership.clinic, Lot.objects.restrict(membership, perm))
    return Attention(red_flags, red_flag_count, overdue, overdue_count, recalls)
