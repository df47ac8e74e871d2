"""R4 and R6: the labelled products whose labels limit more than mg (reference §2.1, §2.4).

Pure Python (no Django import).

R4, deoxycholic acid (Kybella/Belkyra label,
https://fda.report/DailyMed/fe431ed4-ea6f-4e99-b4bc-ec25ae7b8553/): 0.2 mL per injection,
at most 50 injections = 10 mL = 100 mg per treatment, no less than 1 month apart, up to 6
treatments, submental only, no admixture. It applies to deoxycholic acid in every syringe
that does NOT also contain phosphatidylcholine; deoxycholate inside a phosphatidylcholine
mixture is an off-label PC/DC lipolysis solution governed by the phosphatidylcholine limit.
"One month" is a calendar month: the next session may be on the same day of the next month
or later, and when that month is shorter, on its last day (31 Jan → 28/29 Feb).

R6, collagenase (QWO label, https://globalrph.com/rx-list/qwo-drug): 0.84 mg per treatment
area, at most 2 areas per visit, every 21 days, 3 visits. A treatment area is an area code
and side; a syringe recorded as "bilateral" counts as two areas.
"""

from __future__ import annotations

import calendar
import datetime as dt
from decimal import Decimal
from typing import Any

from mesoclinic.dosing import phrases
from mesoclinic.dosing.input_schema import SessionPlan, Syringe
from mesoclinic.dosing.rules import (
    COLLAGENASE,
    DEOXYCHOLIC_ACID,
    PHOSPHATIDYLCHOLINE,
    SOURCE_DEOXYCHOLIC_ACID_AGE,
    RuleSet,
)
from mesoclinic.dosing.verdict import Findings, Limit, amount

ADULT_AGE_YEARS = (
    18  # "Safety and efficacy under 18 years not established" (edrugswiki label summary)
)
COLLAGENASE_LABELLED_AREA = "buttock"  # QWO is labelled for buttock cellulite (§2.4)


def add_months(day: dt.date, months: int) -> dt.date:
    """The same day ``months`` calendar months later, clamped to the end of a shorter month."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    last = calendar.monthrange(year, month + 1)[1]
    return dt.date(year, month + 1, min(day.day, last))


def age_years(birth: dt.date, on: dt.date) -> int:
    return on.year - birth.year - ((on.month, on.day) < (birth.month, birth.day))


def is_labelled_deoxycholic_acid(substances: frozenset[str]) -> bool:
    """Deoxycholic acid to which the label's limits apply: not in a phosphatidylcholine mix."""
    return DEOXYCHOLIC_ACID in substances and PHOSPHATIDYLCHOLINE not in substances


def _where(index: int, syringe: Syringe) -> str:
    return f'syringes[{index}] "{syringe.label}"' if syringe.label else f"syringes[{index}]"


def deoxycholic_acid_limits(plan: SessionPlan, rules: RuleSet, findings: Findings) -> list[Limit]:
    """Check R4 for the session's labelled deoxycholic acid; returns its mg limit."""
    label = rules.deoxycholic_acid
    src = label.source
    used = [
        (index, syringe)
        for index, syringe in enumerate(plan.syringes)
        if is_labelled_deoxycholic_acid(syringe.substances)
    ]
    volume_ml = sum((syringe.volume_ml for _, syringe in used), Decimal(0))
    if volume_ml > label.max_volume_ml:
        findings.violation(
            "max_volume",
            DEOXYCHOLIC_ACID,
            phrases.DCA_VOLUME_ABOVE
            % {"ml": amount(volume_ml), "max_ml": amount(label.max_volume_ml)},
            src,
        )
    injections = 0
    for index, syringe in used:
        where = _where(index, syringe)
        if syringe.points is None:
            findings.warning(
                "points_not_recorded",
                DEOXYCHOLIC_ACID,
                phrases.DCA_POINTS_NOT_RECORDED
                % {
                    "where": where,
                    "ml_per_injection": amount(label.ml_per_injection),
                    "max_injections": label.max_injections,
                },
                src,
            )
        else:
            injections += syringe.points
            labelled_ml = label.ml_per_injection * syringe.points
            per_point = {
                "where": where,
                "ml": amount(syringe.volume_ml),
                "points": syringe.points,
                "ml_per_injection": amount(label.ml_per_injection),
            }
            if syringe.volume_ml > labelled_ml:
                findings.violation(
                    "volume_per_point",
                    DEOXYCHOLIC_ACID,
                    phrases.DCA_PER_POINT_ABOVE % per_point,
                    src,
                )
            elif syringe.volume_ml < labelled_ml:
                findings.warning(
                    "volume_per_point",
                    DEOXYCHOLIC_ACID,
                    phrases.DCA_PER_POINT_BELOW % per_point,
                    src,
                )
        others = sorted(syringe.substances - {DEOXYCHOLIC_ACID})
        if others:
            findings.warning(
                "admixture",
                DEOXYCHOLIC_ACID,
                phrases.DCA_ADMIXTURE % {"where": where, "others": ", ".join(others)},
                src,
            )
        if syringe.area != label.area:
            findings.warning(
                "off_label_area",
                DEOXYCHOLIC_ACID,
                phrases.DCA_OFF_LABEL_AREA % {"where": where, "area": syringe.area},
                src,
            )
    if injections > label.max_injections:
        findings.violation(
            "max_injections",
            DEOXYCHOLIC_ACID,
            phrases.DCA_INJECTIONS_ABOVE
            % {"injections": injections, "max_injections": label.max_injections},
            src,
        )
    birth = plan.patient.birth_date
    if birth is not None and age_years(birth, plan.date) < ADULT_AGE_YEARS:
        findings.warning(
            "age_under_18",
            DEOXYCHOLIC_ACID,
            phrases.DCA_UNDER_AGE
            % {"age": age_years(birth, plan.date), "adult_age": ADULT_AGE_YEARS},
            SOURCE_DEOXYCHOLIC_ACID_AGE,
        )
    _deoxycholic_acid_history(plan, rules, findings)
    return [
        Limit(
            label.max_mg,
            phrases.DCA_LABEL
            % {
                "max_ml": amount(label.max_volume_ml),
                "max_mg": amount(label.max_mg),
                "max_injections": label.max_injections,
                "ml_per_injection": amount(label.ml_per_injection),
            },
            src,
        )
    ]


def _deoxycholic_acid_history(plan: SessionPlan, rules: RuleSet, findings: Findings) -> None:
    label = rules.deoxycholic_acid
    for past in plan.history:
        if DEOXYCHOLIC_ACID in past.substances and PHOSPHATIDYLCHOLINE in past.substances:
            findings.warning(
                "history_ambiguous",
                DEOXYCHOLIC_ACID,
                phrases.DCA_HISTORY_AMBIGUOUS % {"date": past.date.isoformat()},
                label.source,
            )
    dates = {p.date for p in plan.history if is_labelled_deoxycholic_acid(p.substances)}
    if dates:
        last = max(dates)
        earliest = add_months(last, label.min_interval_months)
        if plan.date < earliest:
            findings.violation(
                "minimum_interval",
                DEOXYCHOLIC_ACID,
                phrases.DCA_INTERVAL
                % {
                    "days": (plan.date - last).days,
                    "last": last.isoformat(),
                    "months": label.min_interval_months,
                    "earliest": earliest.isoformat(),
                },
                label.source,
            )
    sessions = len(dates | {plan.date})
    if sessions > label.max_sessions:
        findings.violation(
            "max_course",
            DEOXYCHOLIC_ACID,
            phrases.DCA_COURSE % {"number": sessions, "max_sessions": label.max_sessions},
            label.source,
        )


def collagenase_limits(
    plan: SessionPlan, rules: RuleSet, findings: Findings
) -> tuple[list[Limit], dict[str, Any]]:
    """Check R6 for the session's collagenase; returns its session mg limit and per-area rows."""
    label = rules.collagenase
    src = label.source
    per_area: dict[tuple[str, str | None], Decimal] = {}
    for index, syringe in enumerate(plan.syringes):
        for ingredient in syringe.ingredients:
            if ingredient.substance == COLLAGENASE:
                key = (syringe.area, syringe.side)
                per_area[key] = per_area.get(key, Decimal(0)) + syringe.mg(ingredient)
                if syringe.area != COLLAGENASE_LABELLED_AREA:
                    findings.warning(
                        "off_label_area",
                        COLLAGENASE,
                        phrases.COLLAGENASE_OFF_LABEL_AREA
                        % {"where": _where(index, syringe), "area": syringe.area},
                        src,
                    )
    area_count = 0
    rows: list[dict[str, Any]] = []
    for (area, side), mg in sorted(
        per_area.items(), key=lambda item: (item[0][0], item[0][1] or "")
    ):
        areas = 2 if side == "bilateral" else 1
        area_count += areas
        allowed = label.mg_per_area * areas
        rows.append({"area": area, "side": side, "mg": mg, "limit_mg": allowed})
        if mg > allowed:
            findings.violation(
                "max_dose_per_area",
                COLLAGENASE,
                (
                    phrases.COLLAGENASE_PER_AREA_ABOVE_BILATERAL
                    if areas == 2
                    else phrases.COLLAGENASE_PER_SIDE_ABOVE
                    if side
                    else phrases.COLLAGENASE_PER_AREA_ABOVE
                )
                % {
                    "mg": amount(mg),
                    "area": area,
                    "side": side,
                    "mg_per_area": amount(label.mg_per_area),
                },
                src,
            )
    if area_count > label.max_areas:
        findings.violation(
            "max_areas",
            COLLAGENASE,
            phrases.COLLAGENASE_AREAS_ABOVE % {"areas": area_count, "max_areas": label.max_areas},
            src,
        )
    dates = {p.date for p in plan.history if COLLAGENASE in p.substances}
    if dates:
        last = max(dates)
        days = (plan.date - last).days
        if days < label.min_interval_days:
            findings.violation(
                "minimum_interval",
                COLLAGENASE,
                phrases.COLLAGENASE_INTERVAL
                % {"days": days, "last": last.isoformat(), "interval": label.min_interval_days},
                src,
            )
    visits = len(dates | {plan.date})
    if visits > label.max_visits:
        findings.violation(
            "max_course",
            COLLAGENASE,
            phrases.COLLAGENASE_COURSE % {"number": visits, "max_visits": label.max_visits},
            src,
        )
    session_max = label.mg_per_area * min(area_count, label.max_areas)
    basis = phrases.COLLAGENASE_LABEL % {
        "mg_per_area": amount(label.mg_per_area),
        "areas": min(area_count, label.max_areas),
        "max_areas": label.max_areas,
    }
    return [Limit(session_max, basis, src)], {"per_area": rows}
