"""R2: lidocaine against its weight-based limits and absolute caps (reference §2.3).

Pure Python (no Django import).

* Plain lidocaine: never above 4.5 mg/kg, and below 300 mg.
  https://www.recallguide.org/manufacturer/roxane-laboratoriesinc/
* Lidocaine with epinephrine: never above 7 mg/kg, and below 500 mg.
  https://www.recallguide.org/manufacturer/henry-schein-inc/
* Both in one session: the combined total is checked against the with-epinephrine limit AND
  the plain portion against the plain limit, so neither label is exceeded (conservative).
* Weight: the patient's actual weight by default. With the "ideal" weight basis ("use ideal
  body weight in obese patients", [SECONDARY] https://www.droracle.ai/articles/537887/what-are-the-maximum-doses-symptoms-of-toxicity-and)
  the lower of the ideal and the actual weight is used. The reference gives no formula for
  ideal body weight, so the engine never computes one: the clinician supplies it.
* R9: no weight (or no ideal weight when that basis is chosen): the mg/kg limit cannot be
  verified, which is a violation (never a pass), and the absolute cap is still checked.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from mesoclinic.dosing.input_schema import Patient, Syringe
from mesoclinic.dosing.rules import LIDOCAINE, SOURCE_ANAESTHETIC_TOXICITY, RuleSet
from mesoclinic.dosing.verdict import Findings, Limit, amount

TOXICITY_SIGNS = (
    "watch for local-anaesthetic toxicity (perioral numbness, tinnitus, light-headedness, "
    f"seizures or arrhythmia; {SOURCE_ANAESTHETIC_TOXICITY})"
)


@dataclass(frozen=True)
class DosingWeight:
    """The weight the mg/kg limits use (None: none recorded) and how it was chosen."""

    weight_kg: Decimal | None
    basis: str


def dosing_weight(
    patient: Patient, rules: RuleSet, ideal_weight_kg: Decimal | None
) -> DosingWeight:
    actual = patient.weight_kg
    if rules.weight_basis == "actual":
        if actual is None:
            return DosingWeight(None, "no weight recorded")
        return DosingWeight(actual, f"actual weight {amount(actual)} kg")
    if ideal_weight_kg is None:
        return DosingWeight(None, "ideal body weight chosen as the basis but none given")
    if actual is None:
        return DosingWeight(
            ideal_weight_kg,
            f"ideal body weight {amount(ideal_weight_kg)} kg (no actual weight recorded)",
        )
    if ideal_weight_kg < actual:
        return DosingWeight(
            ideal_weight_kg,
            f"ideal body weight {amount(ideal_weight_kg)} kg (actual {amount(actual)} kg)",
        )
    return DosingWeight(
        actual,
        f"actual weight {amount(actual)} kg (not above the ideal body weight "
        f"{amount(ideal_weight_kg)} kg, so the lower value is used)",
    )


def weight_limit(mg_per_kg: Decimal, cap_mg: Decimal, weight: DosingWeight) -> tuple[Decimal, str]:
    """The limit for one lidocaine form and its basis text, e.g. 4.5 mg/kg (315 mg) capped at 300 mg."""
    if weight.weight_kg is None:
        return cap_mg, (
            f"{amount(cap_mg)} mg cap only ({amount(mg_per_kg)} mg/kg cannot be checked: "
            f"{weight.basis})"
        )
    by_weight = mg_per_kg * weight.weight_kg
    if by_weight > cap_mg:
        return (
            cap_mg,
            f"{amount(mg_per_kg)} mg/kg ({amount(by_weight)} mg) capped at {amount(cap_mg)} mg",
        )
    return by_weight, (
        f"{amount(mg_per_kg)} mg/kg × {amount(weight.weight_kg)} kg = {amount(by_weight)} mg "
        f"(under the {amount(cap_mg)} mg cap)"
    )


def lidocaine_limits(
    syringes: tuple[Syringe, ...],
    weight: DosingWeight,
    rules: RuleSet,
    findings: Findings,
) -> tuple[list[Limit], dict[str, Any]]:
    """The limits on the session's lidocaine total, plus the plain-portion check when mixed."""
    limits = rules.lidocaine
    plain_mg = Decimal(0)
    epinephrine_mg = Decimal(0)
    for syringe in syringes:
        for ingredient in syringe.ingredients:
            if ingredient.substance == LIDOCAINE:
                if ingredient.with_epinephrine:
                    epinephrine_mg += syringe.mg(ingredient)
                else:
                    plain_mg += syringe.mg(ingredient)
    plain_limit, plain_text = weight_limit(limits.plain_mg_per_kg, limits.plain_cap_mg, weight)
    epi_limit, epi_text = weight_limit(
        limits.epinephrine_mg_per_kg, limits.epinephrine_cap_mg, weight
    )
    basis_suffix = f"; weight basis: {weight.basis}"
    extra: dict[str, Any] = {}
    if weight.weight_kg is None:
        findings.violation(
            "weight_required",
            LIDOCAINE,
            f"cannot verify the lidocaine mg/kg limit: {weight.basis}; record the patient's "
            "weight before this session",
            limits.plain_source if epinephrine_mg == 0 else limits.epinephrine_source,
        )
    if epinephrine_mg == 0:
        return [
            Limit(plain_limit, f"plain: {plain_text}{basis_suffix}", limits.plain_source)
        ], extra
    if plain_mg == 0:
        return [
            Limit(
                epi_limit, f"with epinephrine: {epi_text}{basis_suffix}", limits.epinephrine_source
            )
        ], extra
    # Both forms in one session: neither label may be exceeded.
    extra = {
        "plain_mg": plain_mg,
        "with_epinephrine_mg": epinephrine_mg,
        "plain_limit_mg": plain_limit,
    }
    if plain_mg > plain_limit:
        findings.violation(
            "max_dose_plain_portion",
            LIDOCAINE,
            f"the plain (no epinephrine) lidocaine portion is {amount(plain_mg)} mg, above "
            f"{amount(plain_limit)} mg ({plain_text}); {TOXICITY_SIGNS}",
            limits.plain_source,
        )
    basis = (
        f"plain and with-epinephrine lidocaine in one session: the combined total is checked "
        f"against the with-epinephrine limit, {epi_text}, and the plain portion "
        f"({amount(plain_mg)} mg) against the plain limit, {plain_text}{basis_suffix}"
    )
    source = f"{limits.epinephrine_source} ; {limits.plain_source}"
    return [Limit(epi_limit, basis, source)], extra
