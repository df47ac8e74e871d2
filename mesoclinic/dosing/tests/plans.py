"""Builders for dose-check plans in tests: a plan is the spec's JSON, as a dict."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from mesoclinic.dosing.engine import check_session
from mesoclinic.dosing.input_schema import parse_session
from mesoclinic.dosing.rules import RuleSet
from mesoclinic.dosing.verdict import Verdict

SESSION_DATE = "2026-11-20"


def ingredient(
    substance: str, mg_per_ml: Any, *, epinephrine: bool | None = None
) -> dict[str, Any]:
    data: dict[str, Any] = {"substance": substance, "mg_per_ml": Decimal(str(mg_per_ml))}
    if epinephrine is not None:
        data["with_epinephrine"] = epinephrine
    return data


def syringe(
    *ingredients: dict[str, Any], volume_ml: Any, area: str = "face", **more: Any
) -> dict[str, Any]:
    return {
        "area": area,
        "volume_ml": Decimal(str(volume_ml)),
        "ingredients": list(ingredients),
        **more,
    }


def plan(
    *syringes: dict[str, Any],
    weight_kg: Any = 70,
    date: str = SESSION_DATE,
    history: list[dict[str, Any]] | None = None,
    **more: Any,
) -> dict[str, Any]:
    patient: dict[str, Any] = {"sex": "f", "birth_date": "1985-04-02"}
    if weight_kg is not None:
        patient["weight_kg"] = Decimal(str(weight_kg))
    return {
        "patient": patient,
        "date": date,
        "history": history or [],
        "syringes": list(syringes),
        **more,
    }


def past(date: str, *substances: str, area: str = "submental") -> dict[str, Any]:
    return {"date": date, "substances": list(substances), "area": area}


def check(data: dict[str, Any], rules: RuleSet | None = None, **options: Any) -> Verdict:
    return check_session(parse_session(data), rules, **options)


def rules_broken(verdict: Verdict) -> set[tuple[str, str | None]]:
    return {(v.rule, v.substance) for v in verdict.violations}


def warned(verdict: Verdict) -> set[tuple[str, str | None]]:
    return {(w.rule, w.substance) for w in verdict.warnings}


def total(verdict: Verdict, substance: str, *, in_mixture: bool = False) -> dict[str, Any]:
    rows = [
        row.to_json()
        for row in verdict.totals
        if row.substance == substance
        and row.extra.get("in_phosphatidylcholine_mixture", False) == in_mixture
    ]
    assert len(rows) == 1, rows
    return rows[0]


def lidocaine(mg: Any, *, epinephrine: bool = False, area: str = "face") -> dict[str, Any]:
    """A syringe of 1% (10 mg/mL) lidocaine holding ``mg`` mg."""
    return syringe(
        ingredient("lidocaine", 10, epinephrine=epinephrine),
        volume_ml=Decimal(str(mg)) / 10,
        area=area,
    )
