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

from mesoclinic.dosing import phrases
from mesoclinic.dosing.input_schema import Patient, Syringe
from mesoclinic.dosing.rules import LIDOCAINE, SOURCE_ANAESTHETIC_TOXICITY, RuleSet
from mesoclinic.dosing.verdict import Findings, Limit, amount

TOXICITY_SIGNS = phrases.TOXICITY_SIGNS % {"source": SOURCE_ANAESTHETIC_TOXICITY}


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
            return DosingWeight(None, phrases.NO_WEIGHT_RECORDED)
        return DosingWeight(actual, phrases.ACTUAL_WEIGHT % {"kg": amount(actual)})
    if ideal_weight_kg is None:
        return DosingWeight(None, phrases.NO_IDEAL_WEIGHT)
    if actual is None:
        return DosingWeight(
            ideal_weight_kg,
            phrases.IDEAL_WEIGHT_NO_ACTUAL % {"kg": amount(ideal_weight_kg)},
        )
    if ideal_weight_kg < actual:
        return DosingWeight(
            ideal_weight_kg,
            phrases.IDEAL_WEIGHT_BELOW_ACTUAL
            % {"kg": amount(ideal_weight_kg), "actual_kg": amount(actual)},
        )
    return DosingWeight(
        actual,
        phrases.ACTUAL_WEIGHT_NOT_ABOVE_IDEAL
        % {"kg": amount(actual), "ideal_kg": amount(ideal_weight_kg)},
    )


def weight_limit(mg_per_kg: Decimal, cap_mg: Decimal, weight: DosingWeight) -> tuple[Decimal, str]:
    """The limit for one lidocaine form and its basis text, e.g. 4.5 mg/kg (315 mg) capped at 300 mg."""
    if weight.weight_kg is None:
        return cap_mg, phrases.CAP_ONLY % {
            "cap_mg": amount(cap_mg),
            "mg_per_kg": amount(mg_per_kg),
            "weight": weight.basis,
        }
    by_weight = mg_per_kg * weight.weight_kg
    if by_weight > cap_mg:
        return (
            cap_mg,
            phrases.CAPPED
            % {"mg_per_kg": amount(mg_per_kg), "mg": amount(by_weight), "cap_mg": amount(cap_mg)},
        )
    return by_weight, phrases.UNDER_CAP % {
        "mg_per_kg": amount(mg_per_kg),
        "weight_kg": amount(weight.weight_kg),
        "mg": amount(by_weight),
        "cap_mg": amount(cap_mg),
    }


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
    extra: dict[str, Any] = {}
    if weight.weight_kg is None:
        findings.violation(
            "weight_required",
            LIDOCAINE,
            phrases.LIDOCAINE_WEIGHT_REQUIRED % {"weight": weight.basis},
            limits.plain_source if epinephrine_mg == 0 else limits.epinephrine_source,
        )
    if epinephrine_mg == 0:
        return [
            Limit(
                plain_limit,
                phrases.PLAIN_LIDOCAINE % {"limit": plain_text, "weight": weight.basis},
                limits.plain_source,
            )
        ], extra
    if plain_mg == 0:
        return [
            Limit(
                epi_limit,
                phrases.LIDOCAINE_WITH_EPINEPHRINE % {"limit": epi_text, "weight": weight.basis},
                limits.epinephrine_source,
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
            phrases.PLAIN_PORTION_ABOVE
            % {
                "mg": amount(plain_mg),
                "limit_mg": amount(plain_limit),
                "limit": plain_text,
                "toxicity": TOXICITY_SIGNS,
            },
            limits.plain_source,
        )
    basis = phrases.MIXED_LIDOCAINE % {
        "epinephrine_limit": epi_text,
        "mg": amount(plain_mg),
        "plain_limit": plain_text,
        "weight": weight.basis,
    }
    source = f"{limits.epinephrine_source} ; {limits.plain_source}"
    return [Limit(epi_limit, basis, source)], extra
