"""The dose engine: one planned session checked against a RuleSet (docs/dose-rules.md).

Pure Python (no Django import); ``check_session`` is the single entry point for the
``dose-check`` command and, later, the session UI.

R1 totals: every substance is summed over all syringes of the session, mg = mg/mL × mL, in
Decimal arithmetic (reference §2.3: "sum the lidocaine (and procaine) mg from all syringes
and cocktails in a session"). Deoxycholic acid is totalled in two rows: outside and inside
phosphatidylcholine mixtures, because only the first is the labelled product (R4).
R7: a substance with no limit is still totalled and shown, with ``limit_mg`` null.
R8: every cap that applies to a substance is checked (defaults, practice, protocol); the row
shows the lowest as ``limit_mg`` and names the others in ``limit_basis``.
"""

from __future__ import annotations

import decimal
from decimal import Decimal
from typing import Any

from mesoclinic.dosing import phrases
from mesoclinic.dosing.anaesthetics import (
    TOXICITY_SIGNS,
    DosingWeight,
    dosing_weight,
    lidocaine_limits,
)
from mesoclinic.dosing.input_schema import SessionPlan, Syringe
from mesoclinic.dosing.labelled import (
    collagenase_limits,
    deoxycholic_acid_limits,
    is_labelled_deoxycholic_acid,
)
from mesoclinic.dosing.rules import (
    COLLAGENASE,
    DEOXYCHOLIC_ACID,
    LIDOCAINE,
    PROCAINE,
    RuleSet,
    SessionCap,
)
from mesoclinic.dosing.verdict import Findings, Limit, TotalRow, Verdict, amount

# (substance, inside a phosphatidylcholine mixture); the flag is only ever True for
# deoxycholic acid.
TotalKey = tuple[str, bool]

# The engine's version, stored with every verdict kept at signing (dosing.snapshot). Raise it
# whenever the way a rule is applied changes (the numbers and sources are fingerprinted apart).
ENGINE_VERSION = "1.0"

# Enough digits that sums of inputs within input_schema's bounds are exact in any order.
_PRECISION = 60


def total_key(substance: str, syringe: Syringe) -> TotalKey:
    in_mixture = substance == DEOXYCHOLIC_ACID and not is_labelled_deoxycholic_acid(
        syringe.substances
    )
    return (substance, in_mixture)


def substance_totals(syringes: tuple[Syringe, ...]) -> dict[TotalKey, Decimal]:
    """R1: mg of each substance over all syringes (mg/mL × mL), keyed and sorted by substance."""
    totals: dict[TotalKey, Decimal] = {}
    with decimal.localcontext() as context:
        context.prec = _PRECISION
        for syringe in syringes:
            for ingredient in syringe.ingredients:
                key = total_key(ingredient.substance, syringe)
                totals[key] = totals.get(key, Decimal(0)) + syringe.mg(ingredient)
    return dict(sorted(totals.items()))


def check_session(
    plan: SessionPlan,
    rules: RuleSet | None = None,
    *,
    ideal_weight_kg: Decimal | None = None,
) -> Verdict:
    """Check one planned session; the plan's protocol (if any) is applied on top of ``rules``.

    ``ideal_weight_kg`` is the clinician's ideal body weight for the patient, used only when
    ``rules.weight_basis`` is "ideal" (R2).
    """
    rules = rules or RuleSet.defaults()
    if plan.protocol is not None:
        rules = rules.with_protocol(plan.protocol)
    weight = dosing_weight(plan.patient, rules, ideal_weight_kg)
    findings = Findings()
    rows: list[TotalRow] = []
    with decimal.localcontext() as context:
        context.prec = _PRECISION
        for (substance, in_mixture), total_mg in substance_totals(plan.syringes).items():
            if in_mixture:
                rows.append(_mixture_deoxycholate_row(total_mg))
                continue
            limits, extra = _special_limits(substance, plan, rules, weight, findings)
            for cap in rules.caps_for(substance):
                limits += _cap_limits(cap, weight, findings)
            rows.append(_row(substance, total_mg, limits, extra, findings))
    return Verdict(
        totals=rows,
        violations=findings.violations,
        warnings=findings.warnings,
        rule_set=rules.description,
        weight_basis=weight.basis,
    )


def _special_limits(
    substance: str,
    plan: SessionPlan,
    rules: RuleSet,
    weight: DosingWeight,
    findings: Findings,
) -> tuple[list[Limit], dict[str, Any]]:
    """The label limits of substances whose rules are more than a per-session mg cap."""
    if substance == LIDOCAINE:
        return lidocaine_limits(plan.syringes, weight, rules, findings)
    if substance == DEOXYCHOLIC_ACID:
        extra: dict[str, Any] = {"in_phosphatidylcholine_mixture": False}
        return deoxycholic_acid_limits(plan, rules, findings), extra
    if substance == COLLAGENASE:
        return collagenase_limits(plan, rules, findings)
    return [], {}


def _cap_limits(cap: SessionCap, weight: DosingWeight, findings: Findings) -> list[Limit]:
    """The mg limit(s) of one cap. A weight-based cap (practice or protocol mg/kg) becomes mg
    with the dosing weight; with no weight it cannot be verified, which is a violation (R9),
    and only its absolute part (if any) is checked."""
    origin = "" if cap.origin == "default" else f"{cap.origin}: "
    basis = cap.basis if cap.basis.startswith(cap.origin) else f"{origin}{cap.basis}"
    max_mg = cap.max_mg
    if cap.mg_per_kg is not None:
        if weight.weight_kg is None:
            findings.violation(
                "weight_required",
                cap.substance,
                (phrases.WEIGHT_REQUIRED_OF if origin else phrases.WEIGHT_REQUIRED)
                % {
                    "origin": cap.origin,
                    "mg_per_kg": amount(cap.mg_per_kg),
                    "substance": _name(cap.substance),
                    "weight": weight.basis,
                },
                cap.source,
            )
        else:
            by_weight = cap.mg_per_kg * weight.weight_kg
            basis = phrases.BY_WEIGHT % {
                "basis": basis,
                "mg_per_kg": amount(cap.mg_per_kg),
                "weight_kg": amount(weight.weight_kg),
                "mg": amount(by_weight),
            }
            max_mg = by_weight if max_mg is None else min(max_mg, by_weight)
    if max_mg is None:
        return []
    return [
        Limit(
            max_mg=max_mg,
            basis=basis,
            source=cap.source,
            warn_above_mg=cap.warn_above_mg,
            warn_basis=cap.basis,
        )
    ]


def _row(
    substance: str,
    total_mg: Decimal,
    limits: list[Limit],
    extra: dict[str, Any],
    findings: Findings,
) -> TotalRow:
    """Check ``total_mg`` against every limit; the row shows the lowest one."""
    anaesthetic = substance in (LIDOCAINE, PROCAINE)
    for limit in limits:
        if total_mg > limit.max_mg:
            findings.violation(
                limit.rule,
                substance,
                (phrases.ABOVE_LIMIT_TOXIC if anaesthetic else phrases.ABOVE_LIMIT)
                % {
                    "substance": _name(substance),
                    "mg": amount(total_mg),
                    "limit_mg": amount(limit.max_mg),
                    "basis": limit.basis,
                    "toxicity": TOXICITY_SIGNS,
                },
                limit.source,
            )
        elif limit.warn_above_mg is not None and total_mg > limit.warn_above_mg:
            findings.warning(
                "above_usual_dose",
                substance,
                phrases.ABOVE_USUAL
                % {
                    "substance": _name(substance),
                    "mg": amount(total_mg),
                    "warn_mg": amount(limit.warn_above_mg),
                    "basis": limit.warn_basis,
                    "limit_mg": amount(limit.max_mg),
                },
                limit.source,
            )
    if not limits:
        return TotalRow(
            substance,
            total_mg,
            None,
            phrases.NO_DEFAULT_LIMIT,
            None,
            extra,
        )
    binding = min(limits, key=lambda limit: limit.max_mg)
    others = [limit for limit in limits if limit is not binding]
    basis = binding.basis
    if others:
        basis = phrases.ALSO_CHECKED % {
            "basis": basis,
            "others": "; ".join(
                phrases.OTHER_LIMIT % {"mg": amount(limit.max_mg), "basis": limit.basis}
                for limit in others
            ),
        }
    return TotalRow(substance, total_mg, binding.max_mg, basis, binding.source, extra)


def _mixture_deoxycholate_row(total_mg: Decimal) -> TotalRow:
    return TotalRow(
        DEOXYCHOLIC_ACID,
        total_mg,
        None,
        phrases.MIXTURE_DEOXYCHOLATE,
        None,
        {"in_phosphatidylcholine_mixture": True},
    )


def _name(substance: str) -> str:
    return substance.replace("_", " ")
