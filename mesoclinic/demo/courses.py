"""One patient's course, simulated in plain Python: visits, injections, measurements.

The outcome model is deliberately modest and noisy (reference §6: the evidence for most
indications is thin): each patient has a personal response, some lose weight on a diet
(the confounder the evidence report adjusts for), some stop early, and a share of the
localized-fat patients keep one side untreated as a control site.
"""

from __future__ import annotations

import datetime as dt
import random
import zoneinfo
from dataclasses import dataclass, field
from decimal import Decimal

from mesoclinic.demo.catalogue import (
    DCA_MAX_POINTS,
    DCA_ML_PER_POINT,
    DUTASTERIDE_WEEKS,
    PC_MAX_MG_PER_SESSION,
    PROTOCOLS,
    Protocol,
)
from mesoclinic.demo.lots import LotDraft
from mesoclinic.demo.outcome_model import MeasureDraft, OutcomeModel
from mesoclinic.demo.people import PersonDraft
from mesoclinic.demo.reactions import AEDraft, session_reactions

D = Decimal


@dataclass
class InjectionDraft:
    product: str
    area: str
    side: str
    volume_ml: Decimal
    points: int | None
    depth_mm: Decimal
    technique: str
    lot: LotDraft | None = None


@dataclass
class VisitDraft:
    at: dt.datetime
    day: dt.date
    number: int
    practitioner: int
    signed: bool
    drafted_by_nurse: bool
    areas: list[tuple[str, str]]
    injections: list[InjectionDraft] = field(default_factory=list)
    measures: list[MeasureDraft] = field(default_factory=list)
    reactions: list[AEDraft] = field(default_factory=list)
    pk: int | None = None


@dataclass
class CourseDraft:
    person: PersonDraft
    protocol: Protocol
    consult_at: dt.datetime
    consultant: int
    areas: list[tuple[str, str]]
    control: tuple[str, str] | None
    main_product: str
    visits: list[VisitDraft]
    follow_up: tuple[dt.date, list[MeasureDraft]] | None
    status: str  # active / completed / stopped
    lot_hint: str = ""
    # Answers that override the simulated questionnaire, and the assessment written for them
    # (the demo patient whose screening blocks signing, demo.generator).
    screen_answers: dict[str, object] = field(default_factory=dict)
    assessment: str = ""


@dataclass(frozen=True)
class CourseOptions:
    start_day: dt.date
    practitioner: int
    today_session_after: int | None = None  # put session N+1 on today (drafted)
    cluster: bool = False  # first session on the cluster lot, late nodule after it
    force_events: tuple[str, ...] = ()


def _offsets(protocol: Protocol, rng: random.Random, exact: bool) -> list[int]:
    if protocol.indication == "hair_loss":
        return [w * 7 for w in DUTASTERIDE_WEEKS]
    days, offsets = 0, []
    for _ in range(protocol.planned_sessions):
        offsets.append(days)
        jitter = 0 if exact else rng.randint(0, 7)
        days += max(protocol.min_interval_days, protocol.interval_days + jitter)
    return offsets


def _at(day: dt.date, rng: random.Random, tz: zoneinfo.ZoneInfo) -> dt.datetime:
    at = dt.datetime.combine(day, dt.time(rng.randint(9, 16), rng.choice((0, 15, 30, 45))), tz)
    # Today's sessions have taken place already, whatever the hour the demo is built at: a
    # session in the future cannot be signed (treatments.readiness), and the demo's drafts
    # are there to be signed.
    now = dt.datetime.now(tz)
    if at > now:
        at = max(dt.datetime.combine(day, dt.time(0), tz), now - dt.timedelta(minutes=10))
    return at


def simulate_course(
    rng: random.Random,
    person: PersonDraft,
    indication: str,
    options: CourseOptions,
    today: dt.date,
    tz: zoneinfo.ZoneInfo,
    practitioners: int,
) -> CourseDraft:
    protocol = PROTOCOLS[indication]
    # Cluster patients have a paired limb area, so the split-body control is always shown.
    area_sets = (
        [s for s in protocol.area_sets if len(s) == 2] if options.cluster else protocol.area_sets
    )
    areas = list(rng.choice(area_sets))
    control = None
    exact = options.today_session_after is not None or options.cluster
    offsets = _offsets(protocol, rng, exact)
    if options.today_session_after is not None:
        first = today - dt.timedelta(days=offsets[options.today_session_after])
    elif options.cluster:
        first = options.start_day
    else:
        first = options.start_day + dt.timedelta(days=rng.randint(3, 14))
    # Consent at the consultation, at least 48 hours before the first session (reference §7).
    consult_day = first - dt.timedelta(days=rng.randint(3, 14))
    paired = indication == "localized_fat" and len(areas) == 2 and areas[0][1] == "left"
    if paired and (rng.random() < 0.4 or options.cluster):
        # Split-body design: treat one side, measure the other as an untreated control.
        treated_side = rng.choice(("left", "right"))
        control = (areas[0][0], "right" if treated_side == "left" else "left")
        areas = [(areas[0][0], treated_side)]
    main = {
        "localized_fat": "pcdc25" if options.cluster or rng.random() < 0.5 else "pcdc50",
        "submental_fat": "dca",
        "cellulite": "dermaheal",
        "skin_rejuvenation": "ha",
        "hair_loss": "dutasteride" if rng.random() < 0.65 else "minoxidil",
    }[indication]
    stop_after = None
    if not exact and rng.random() < 0.12:
        stop_after = rng.randint(1, protocol.planned_sessions - 1)
    response = max(0.0, rng.gauss(1.0, 0.6))
    slope = -rng.uniform(0.8, 1.6) if person.diet else rng.gauss(0, 0.15)  # kg per 30 days
    course = CourseDraft(
        person,
        protocol,
        _at(consult_day, rng, tz),
        options.practitioner,
        areas,
        control,
        main,
        [],
        None,
        "active",
        "cluster" if options.cluster else "",
    )
    model = OutcomeModel(rng, person, course, response, slope, consult_day)
    for number, offset in enumerate(offsets, start=1):
        day = first + dt.timedelta(days=offset)
        if day > today or (stop_after is not None and number > stop_after):
            break
        practitioner = options.practitioner if rng.random() < 0.8 else rng.randrange(practitioners)
        recent = (today - day).days
        # A week's sessions may still await the practitioner's signature; today's are drafts.
        signed = recent > 7 or (recent > 0 and rng.random() < 0.7)
        visit = VisitDraft(
            _at(day, rng, tz),
            day,
            number,
            practitioner,
            signed,
            not signed and rng.random() < 0.5,
            areas,
        )
        visit.injections = _injections(rng, protocol, main, areas, person)
        visit.measures = model.at_visit(day, number)
        visit.reactions = session_reactions(rng, indication, day, today, main, options, number)
        course.visits.append(visit)
    done = len(course.visits)
    if stop_after is not None and done == stop_after:
        course.status = "stopped"
    elif done == len(offsets):
        follow_day = course.visits[-1].day + dt.timedelta(days=protocol.follow_up_days)
        if follow_day <= today:
            course.follow_up = (follow_day, model.at_follow_up(follow_day, done))
            course.status = "completed"
    return course


def _injections(
    rng: random.Random,
    protocol: Protocol,
    main: str,
    areas: list[tuple[str, str]],
    person: PersonDraft,
) -> list[InjectionDraft]:
    shots: list[InjectionDraft] = []
    depth, technique = protocol.depth_mm, protocol.technique
    if protocol.indication == "submental_fat":
        # Lidocaine before the deoxycholic acid, then 0.2 mL per point, at most 50 points.
        shots.append(InjectionDraft("lido1", "submental", "midline", D(1), 5, D(4), "point"))
        points = min(DCA_MAX_POINTS, rng.randint(15, 35))
        shots.append(
            InjectionDraft(
                main, "submental", "midline", DCA_ML_PER_POINT * points, points, depth, technique
            )
        )
        return shots
    if protocol.indication == "localized_fat":
        # US series volumes: 20-30 mL per flank or saddlebag, 40-60 mL per abdomen, at
        # PC 25 mg/mL (jcadonline.com, reference §1.2); halved for the 50 mg/mL formula.
        pc_mg_per_ml = D(25) if main == "pcdc25" else D(50)
        for area, side in areas:
            volume = D(rng.randint(40, 60)) if area == "abdomen" else D(rng.randint(20, 30))
            volume = volume if main == "pcdc25" else volume / 2
            # At most 0.3 mL per prick (Indian series, https://pmc.ncbi.nlm.nih.gov/articles/PMC6371720)
            pricks = int(-(-volume // D("0.3")))
            shots.append(InjectionDraft(main, area, side, volume, pricks, depth, technique))
        total_pc = sum(s.volume_ml for s in shots) * pc_mg_per_ml
        if total_pc > PC_MAX_MG_PER_SESSION:
            scale = PC_MAX_MG_PER_SESSION / total_pc
            for shot in shots:
                shot.volume_ml = (shot.volume_ml * scale).quantize(D("0.1"), rounding="ROUND_DOWN")
        return shots
    for area, side in areas:
        if protocol.indication == "cellulite":
            volume = D(rng.choice(("2.5", "3", "3.5", "4")))
            shots.append(
                InjectionDraft(main, area, side, volume, rng.randint(30, 50), depth, technique)
            )
            if rng.random() < 0.3:
                shots.append(InjectionDraft("procaine", area, side, D("0.5"), 10, D(2), "papule"))
        elif protocol.indication == "skin_rejuvenation":
            volume = D("3") if area == "face" else D("1.5")
            shots.append(InjectionDraft(main, area, side, volume, None, depth, technique))
        else:
            shots.append(InjectionDraft(main, area, side, D(2), None, depth, technique))
            if rng.random() < 0.15:
                shots.append(InjectionDraft("lido2", area, side, D("0.5"), 4, D(2), "point"))
    return shots
