"""Side effects after a session, with their usual course from reference §4.

Durations follow the sources: PC/DC swelling and bruising mostly gone within 10 days,
swelling up to 3 weeks, nodules 2-4 weeks; after submental deoxycholic acid, bruising and
numbness for weeks 2-4 and marginal mandibular nerve injury resolving with a median of
44 days (range 1-298), dysphagia median 3 days (range 1-81); pain during and shortly
after hair mesotherapy. Late nodules 4-8 weeks after a session on one multi-dose lot make
the non-tuberculous mycobacterial pattern the cluster detector looks for (reference §4.3).
"""

from __future__ import annotations

import datetime as dt
import math
import random
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from mesoclinic.demo.courses import CourseOptions


@dataclass
class AEDraft:
    event_type: str
    onset: dt.date
    resolved: dt.date | None
    last_seen_unresolved: dt.date | None
    severity: str
    serious: bool
    causality: str
    notes: str
    product: str  # the product it is attributed to (its lot is the session's lot of it)


@dataclass(frozen=True)
class Reaction:
    event_type: str
    chance: float  # per session
    days: tuple[int, int]  # duration range
    moderate_share: float = 0.0
    onset_day: int = 0
    note: str = ""


# Sources: http://jcadonline.com/lipodissolve-for-body-sculpting-safety-effectiveness-and-patient-satisfaction/
# (swelling and bruising mostly gone within 10 days); https://www.pepeverde.com.pl/lipoliza/
# (swelling up to 3 weeks, nodules 2-4 weeks); https://www.artemedis.com/en/treatments/surgical-procedures/body/lipolysis
# (inflamed and itchy about 1 week).
PCDC = (
    Reaction("swelling", 0.35, (4, 21), 0.3),
    Reaction("bruising", 0.3, (3, 10)),
    Reaction("pain", 0.15, (0, 1)),
    Reaction("pruritus", 0.06, (5, 8)),
    Reaction("erythema", 0.1, (1, 4)),
    Reaction("nodule", 0.03, (14, 28), 0.2, 2),
)
# https://buffaloaesthetics.com/blog/mesotherapy-kybella/ (swelling days 3-7; bruising and
# numbness weeks 2-4); median AE duration <=16 days
# (https://user-vvhbxcd.cld.bz/April-2020-HSC-Section-4-Plastic-and-Reconstructive-Problems/84)
SUBMENTAL = (
    Reaction("swelling", 0.55, (3, 16), 0.4),
    Reaction("bruising", 0.35, (14, 28)),
    Reaction("numbness", 0.3, (14, 28)),
    Reaction("pain", 0.35, (1, 2), 0.3),
    Reaction("induration", 0.12, (14, 28)),
    Reaction("nodule", 0.05, (14, 28), 0.0, 3),
)
CELLULITE = (
    Reaction("bruising", 0.25, (3, 10)),
    Reaction("erythema", 0.15, (1, 3)),
    Reaction("swelling", 0.1, (3, 10)),
    Reaction("nodule", 0.02, (14, 28), 0.0, 2),
)
SKIN = (Reaction("bruising", 0.2, (2, 7)), Reaction("erythema", 0.2, (1, 2)))
# Pain in 45.5% of dutasteride hair patients: https://searchworks.jioinstitute.edu.in/?f%5Beds_subject_topic_facet%5D%5B%5D=male&q=%22Sergio+Va%C3%B1%C3%B3-Galv%C3%A1n%22&search_field=author
HAIR = (Reaction("pain", 0.3, (0, 0)), Reaction("erythema", 0.1, (0, 1)))
BY_INDICATION = {
    "localized_fat": PCDC,
    "submental_fat": SUBMENTAL,
    "cellulite": CELLULITE,
    "skin_rejuvenation": SKIN,
    "hair_loss": HAIR,
}

# Kybella label: nerve injury 4% of patients, dysphagia 2% (pooled trials; per session here).
# https://mdtodate.com/kybella-side-effects-2 ; https://www.refineaestheticsllc.com/injectables/kybella-safety-info/
NERVE_INJURY_PER_SESSION = 0.012
DYSPHAGIA_PER_SESSION = 0.006


def _lognormal_days(rng: random.Random, median: int, low: int, high: int) -> int:
    return min(high, max(low, round(rng.lognormvariate(math.log(median), 0.8))))


def _course(
    rng: random.Random,
    event: str,
    onset: dt.date,
    days: int,
    today: dt.date,
    severity: str,
    product: str,
    notes: str = "",
    causality: str = "probable",
    serious: bool = False,
) -> AEDraft | None:
    if onset > today:
        return None
    resolved = onset + dt.timedelta(days=days)
    if resolved <= today:
        return AEDraft(event, onset, resolved, None, severity, serious, causality, notes, product)
    seen = min(today, onset + dt.timedelta(days=rng.randint(2, 14)))
    return AEDraft(event, onset, None, seen, severity, serious, causality, notes, product)


def session_reactions(
    rng: random.Random,
    indication: str,
    day: dt.date,
    today: dt.date,
    product: str,
    options: CourseOptions,
    number: int,
) -> list[AEDraft]:
    out: list[AEDraft | None] = []
    for r in BY_INDICATION[indication]:
        if rng.random() < r.chance:
            severity = "moderate" if rng.random() < r.moderate_share else "mild"
            onset = day + dt.timedelta(days=r.onset_day)
            out.append(
                _course(rng, r.event_type, onset, rng.randint(*r.days), today, severity, product)
            )
    forced = set(options.force_events) if number == 1 else set()
    if indication == "submental_fat":
        if "nerve_injury" in forced or rng.random() < NERVE_INJURY_PER_SESSION:
            note = "Asymmetric smile (marginal mandibular nerve paresis); expected to resolve spontaneously."
            days = _lognormal_days(rng, 44, 1, 298)
            out.append(
                _course(
                    rng,
                    "nerve_injury",
                    day + dt.timedelta(days=1),
                    days,
                    today,
                    "moderate",
                    product,
                    note,
                )
            )
        if rng.random() < DYSPHAGIA_PER_SESSION:
            days = _lognormal_days(rng, 3, 1, 81)
            out.append(_course(rng, "dysphagia", day, days, today, "moderate", product))
    if "ulceration" in forced:
        # Ulceration is rare after PC/DC (2 of 1,616 patients in the US series above).
        note = "Superficial ulceration at two injection points; wound care and review."
        out.append(
            _course(
                rng, "ulceration", day + dt.timedelta(days=3), 42, today, "severe", product, note
            )
        )
    if options.cluster and number == 1:
        # Late tender nodule 4-8 weeks after the session, as in NTM outbreaks (1-12 weeks,
        # median about 4; reference §4.4): still open, culture pending.
        onset = day + dt.timedelta(days=rng.randint(28, 42))
        note = "Tender nodule at an injection site, not settling with oral antibiotics; punch biopsy sent for mycobacterial culture."
        out.append(_course(rng, "nodule", onset, 400, today, "moderate", product, note, "possible"))
    return [ae for ae in out if ae is not None]
