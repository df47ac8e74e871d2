"""The dose engine's practice side: the clinic's DoseLimit rows become its RuleSet, the
substance vocabulary of its products, and ``DoseCheck``, the verdict as the app keeps and shows
it (docs/dose-rules.md, "In the app").

Turning a treatment session into the engine's ``SessionPlan`` (its lines, the weight, the
history) is ``treatments.dose_input``: it reads sessions, consultations and measurements,
which sit above dosing in the layer order (CONTRIBUTING.md).
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext, gettext_noop, pgettext

from mesoclinic.clinics.models import Clinic
from mesoclinic.dosing import phrases
from mesoclinic.dosing.input_schema import SessionPlan
from mesoclinic.dosing.models import DoseLimit
from mesoclinic.dosing.rules import (
    BUILTIN_PROTOCOLS,
    SUBSTANCE_ALIASES,
    Protocol,
    ProtocolLimit,
    RuleSet,
    SessionCap,
    cap_text,
)
from mesoclinic.dosing.snapshot import LimitApplied, WeightUsed, build
from mesoclinic.dosing.verdict import Finding, Verdict
from mesoclinic.dosing.vocabulary import (
    EPINEPHRINE_NAMES,
    SubstanceVocabulary,
    counted_as,
    normalise,
)
from mesoclinic.formulary.models import Ingredient as ProductIngredient
from mesoclinic.formulary.models import Product

# Where a weight came from, as the dose check names it (translated where shown).
WEIGHT_ORIGINS = (gettext_noop("measurement"), gettext_noop("consultation"))

# How old a recorded weight may be and still be used for mg/kg limits. The reference asks
# for weight "at every visit" (../shared/reference/mesotherapy-clinical.md §9, "record weight
# and BMI at every visit"); it gives no validity period, so this is the project's policy,
# not a clinical figure: a weight from the last 90 days, otherwise weigh the patient again.
WEIGHT_MAX_AGE_DAYS = 90
EPINEPHRINE_CODES = EPINEPHRINE_NAMES


@dataclass(frozen=True)
class RecordedWeight:
    """A body weight found in the record, where it came from and when it was taken."""

    weight_kg: Decimal
    on: dt.date
    origin: str  # "measurement" or "consultation"


@dataclass
class DoseCheck:
    """The engine's verdict on one session, with how its input was found."""

    verdict: Verdict
    plan: SessionPlan
    weight: RecordedWeight | None
    stale_weight: RecordedWeight | None
    notes: list[str] = field(default_factory=list)
    rules: RuleSet = field(default_factory=RuleSet.defaults)
    limits: list[DoseLimit] = field(default_factory=list)

    @property
    def digest(self) -> str:
        """A fingerprint of the violations, so an override covers exactly what was shown."""
        text = "\n".join(sorted(f"{v.rule}|{v.substance}|{v.message}" for v in self.violations))
        return hashlib.sha256(text.encode()).hexdigest()[:16]

    @property
    def violations(self) -> list[Finding]:
        return self.verdict.violations

    def violations_json(self) -> list[dict[str, Any]]:
        return [finding.to_json() for finding in self.violations]

    @property
    def weight_text(self) -> str:
        if self.weight is not None:
            return gettext("%(weight)s kg, %(origin)s of %(date)s") % {
                "weight": f"{self.weight.weight_kg.normalize():f}",
                "origin": gettext(self.weight.origin),
                "date": f"{self.weight.on:%Y-%m-%d}",
            }
        if self.stale_weight is not None:
            return gettext(
                "none usable: the last weight (%(weight)s kg, %(date)s) is older than %(days)s days"
            ) % {
                "weight": f"{self.stale_weight.weight_kg.normalize():f}",
                "date": f"{self.stale_weight.on:%Y-%m-%d}",
                "days": WEIGHT_MAX_AGE_DAYS,
            }
        return pgettext("dosing weight", "none recorded")

    def snapshot(self) -> dict[str, Any]:
        """This check as kept on a session at signing (dosing.snapshot)."""
        return build(
            verdict=self.verdict,
            rules=self.rules,
            protocol=self.plan.protocol,
            limits=[
                LimitApplied(
                    id=str(row.public_id),
                    substance=row.substance,
                    protocol=row.protocol,
                    max_mg=row.max_mg,
                    mg_per_kg=row.mg_per_kg,
                    source=row.source,
                    version=row.version,
                )
                for row in self.limits
            ],
            weight=WeightUsed(
                weight_kg=self.weight.weight_kg if self.weight else None,
                on=self.weight.on if self.weight else None,
                origin=self.weight.origin if self.weight else "",
                text=self.weight_text,
            ),
            notes=self.notes,
            digest=self.digest,
        )


def substance_code(name: str) -> tuple[str, str | None]:
    """The code an ingredient is counted under, and a note when a synonym was mapped."""
    code = counted_as(name)
    if normalise(name) in SUBSTANCE_ALIASES:
        return code, f"“{name}” is counted as {code.replace('_', ' ')} so its limits apply"
    return code, None


def clinic_vocabulary(clinic: Clinic) -> SubstanceVocabulary:
    """The substances a practice limit of ``clinic`` may name: the engine's and the
    ingredients of the clinic's products (active or not: a retired product's lots may still
    be in a drafted session)."""
    names = (
        ProductIngredient.objects.filter(product__in=Product.objects.for_clinic(clinic))
        .values_list("substance", flat=True)
        .distinct()
    )
    return SubstanceVocabulary.of(names)


def clinic_rules(
    clinic: Clinic, protocol_name: str
) -> tuple[RuleSet, Protocol | None, list[DoseLimit]]:
    """The defaults plus the clinic's active limits, the session protocol (if any), and the
    limit rows applied (the practice caps and the matched protocol's limits)."""
    rows = list(DoseLimit.objects.for_clinic(clinic).filter(is_active=True))
    caps = tuple(
        SessionCap(
            substance=row.substance,
            max_mg=row.max_mg,
            mg_per_kg=row.mg_per_kg,
            basis=phrases.PRACTICE_LIMIT % {"cap": cap_text(row.max_mg, row.mg_per_kg)},
            source=row.source,
            origin="practice",
        )
        for row in rows
        if not row.protocol
    )
    rules = RuleSet.defaults()
    if caps:
        rules = rules.with_practice_caps(caps)
    name = protocol_name.strip()
    protocol: Protocol | None = None
    matched = [row for row in rows if row.protocol and row.protocol.lower() == name.lower()]
    if name and matched:
        protocol = Protocol(
            name=name,
            limits=tuple(
                ProtocolLimit(row.substance, row.max_mg, row.source, row.mg_per_kg)
                for row in matched
            ),
        )
    elif name in BUILTIN_PROTOCOLS:
        protocol = BUILTIN_PROTOCOLS[name]
    applied = [row for row in rows if not row.protocol]
    if name and matched:
        applied += matched
    return rules, protocol, applied
