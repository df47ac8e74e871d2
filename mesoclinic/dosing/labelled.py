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
            f"deoxycholic acid volume {amount(volume_ml)} mL is above the label's "
            f"{amount(label.max_volume_ml)} mL per treatment",
            src,
        )
    injections = 0
    for index, syringe in used:
        where = _where(index, syringe)
        if syringe.points is None:
            findings.warning(
                "points_not_recorded",
                DEOXYCHOLIC_ACID,
                f"{where}: no number of injection points, so the label's "
                f"{amount(label.ml_per_injection)} mL per injection and "
                f"{label.max_injections} injections per treatment were not checked",
                src,
            )
        else:
            injections += syringe.points
            labelled_ml = label.ml_per_injection * syringe.points
            per_point = f"{amount(syringe.volume_ml)} mL over {syringe.points} points"
            if syringe.volume_ml > labelled_ml:
                findings.violation(
                    "volume_per_point",
                    DEOXYCHOLIC_ACID,
                    f"{where}: {per_point} is more than the label's "
                    f"{amount(label.ml_per_injection)} mL per injection",
                    src,
                )
            elif syringe.volume_ml < labelled_ml:
                findings.warning(
                    "volume_per_point",
                    DEOXYCHOLIC_ACID,
                    f"{where}: {per_point} is less than the label's "
                    f"{amount(label.ml_per_injection)} mL per injection",
                    src,
                )
        others = sorted(syringe.substances - {DEOXYCHOLIC_ACID})
        if others:
            findings.warning(
                "admixture",
                DEOXYCHOLIC_ACID,
                f"{where}: deoxycholic acid mixed with {', '.join(others)}; the label says "
                '"dilution or admixture with other compounds is not recommended"',
                src,
            )
        if syringe.area != label.area:
            findings.warning(
                "off_label_area",
                DEOXYCHOLIC_ACID,
                f"{where}: deoxycholic acid in the {syringe.area} area; use outside the "
                'submental region is "not established and is not recommended"',
                src,
            )
    if injections > label.max_injections:
        findings.violation(
            "max_injections",
            DEOXYCHOLIC_ACID,
            f"{injections} deoxycholic acid injections; the label allows at most "
            f"{label.max_injections} per treatment",
            src,
        )
    birth = plan.patient.birth_date
    if birth is not None and age_years(birth, plan.date) < ADULT_AGE_YEARS:
        findings.warning(
            "age_under_18",
            DEOXYCHOLIC_ACID,
            f"the patient is {age_years(birth, plan.date)}; safety and efficacy of deoxycholic "
            f"acid under {ADULT_AGE_YEARS} years are not established",
            SOURCE_DEOXYCHOLIC_ACID_AGE,
        )
    _deoxycholic_acid_history(plan, rules, findings)
    return [
        Limit(
            label.max_mg,
            f"label: at most {amount(label.max_volume_ml)} mL ({amount(label.max_mg)} mg), "
            f"{label.max_injections} injections of {amount(label.ml_per_injection)} mL, "
            "per treatment",
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
                f"the session of {past.date.isoformat()} lists deoxycholic acid with "
                "phosphatidylcholine; it is taken as a PC/DC session and not counted toward the "
                "deoxycholic acid label's interval and course; check it was not a separate "
                "labelled treatment",
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
                f"{(plan.date - last).days} days since the last deoxycholic acid session on "
                f"{last.isoformat()}; the label requires no less than "
                f"{label.min_interval_months} month(s) between treatments, so not before "
                f"{earliest.isoformat()}",
                label.source,
            )
    sessions = len(dates | {plan.date})
    if sessions > label.max_sessions:
        findings.violation(
            "max_course",
            DEOXYCHOLIC_ACID,
            f"this would be deoxycholic acid treatment {sessions}; the label allows up to "
            f"{label.max_sessions} treatments",
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
                        f"{_where(index, syringe)}: collagenase in the {syringe.area} area; "
                        "the label is for buttock cellulite",
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
            named = f"{area} ({side})" if side else area
            findings.violation(
                "max_dose_per_area",
                COLLAGENASE,
                f"collagenase {amount(mg)} mg in {named}; the label allows "
                f"{amount(label.mg_per_area)} mg per treatment area"
                + (" (bilateral counts as two areas)" if areas == 2 else ""),
                src,
            )
    if area_count > label.max_areas:
        findings.violation(
            "max_areas",
            COLLAGENASE,
            f"collagenase in {area_count} treatment areas; the label allows at most "
            f"{label.max_areas} per visit",
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
                f"{days} days since the last collagenase visit on {last.isoformat()}; the label "
                f"schedules visits every {label.min_interval_days} days",
                src,
            )
    visits = len(dates | {plan.date})
    if visits > label.max_visits:
        findings.violation(
            "max_course",
            COLLAGENASE,
            f"this would be collagenase visit {visits}; the label gives {label.max_visits} visits",
            src,
        )
    session_max = label.mg_per_area * min(area_count, label.max_areas)
    basis = (
        f"label: {amount(label.mg_per_area)} mg per treatment area × "
        f"{min(area_count, label.max_areas)} area(s) treated (at most {label.max_areas} per visit)"
    )
    return [Limit(session_max, basis, src)], {"per_area": rows}
