"""The dose rules as data: the sourced defaults and how a practice or protocol adjusts them.

Pure Python (no Django import): the command, the session UI and the tests share it.

Every number here is from ../shared/reference/mesotherapy-clinical.md, with its source URL;
docs/dose-rules.md numbers the rules (R1–R9) and explains each choice.

A ``RuleSet`` is immutable. Build one from the defaults, then layer adjustments on it:

* ``with_practice_caps(caps)``: a practice's extra per-session mg caps. Caps only ever add:
  every cap for a substance is checked, so a practice can tighten a labelled limit or give a
  limit to a substance that has none, and can never loosen one.
* ``with_protocol(protocol)``: a protocol's per-session mg limits, each with its source text.
  A protocol limit *replaces* a default that the reference marks as configurable by protocol
  (phosphatidylcholine: "make the per-session limit configurable by protocol and show which
  source it comes from", §2.2); for every other substance it is one more cap (tighten only).
* ``with_label_limits(...)``: tightened structural label limits (e.g. fewer deoxycholic acid
  sessions); a looser value is refused with ``ValueError``.
* ``with_weight_basis("ideal")``: weight-based limits use ideal body weight (see R2).
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from decimal import Decimal
from typing import Literal

from mesoclinic.dosing import phrases

WeightBasis = Literal["actual", "ideal"]

LIDOCAINE = "lidocaine"
PROCAINE = "procaine"
DEOXYCHOLIC_ACID = "deoxycholic_acid"
PHOSPHATIDYLCHOLINE = "phosphatidylcholine"
COLLAGENASE = "collagenase"

# Sources, as given in ../shared/reference/mesotherapy-clinical.md.
SOURCE_LIDOCAINE_PLAIN = "https://www.recallguide.org/manufacturer/roxane-laboratoriesinc/"
SOURCE_LIDOCAINE_EPINEPHRINE = "https://www.recallguide.org/manufacturer/henry-schein-inc/"
SOURCE_IDEAL_WEIGHT = (
    "https://www.droracle.ai/articles/537887/what-are-the-maximum-doses-symptoms-of-toxicity-and"
)
SOURCE_ANAESTHETIC_TOXICITY = (
    "https://www.droracle.ai/articles/352897/what-is-the-maximum-safe-dose-of-lidocaine-lido"
)
SOURCE_PROCAINE = "https://www.druglib.com/druginfo/novocain/indications_dosage/"
SOURCE_DEOXYCHOLIC_ACID = "https://fda.report/DailyMed/fe431ed4-ea6f-4e99-b4bc-ec25ae7b8553/"
SOURCE_DEOXYCHOLIC_ACID_AGE = "http://edrugswiki.com/drug/kybella"
SOURCE_PC_NETWORK_LIPOLYSIS = "http://eacs-international.com/php/Hasengschwandtner_article.htm"
SOURCE_PC_INDIA = "https://pmc.ncbi.nlm.nih.gov/articles/PMC5054992"
SOURCE_COLLAGENASE = "https://globalrph.com/rx-list/qwo-drug"

# Other names clinicians type for the substances that have limits. An ingredient given under
# one of these is refused (not silently mapped) so that a synonym can never slip past a limit.
# Brand names and synonyms as they appear in the reference (§2.1–2.4).
SUBSTANCE_ALIASES: dict[str, str] = {
    "lignocaine": LIDOCAINE,
    "lidocaine_hcl": LIDOCAINE,
    "lidocaine_hydrochloride": LIDOCAINE,
    "xylocaine": LIDOCAINE,
    "novocain": PROCAINE,
    "novocaine": PROCAINE,
    "procaine_hcl": PROCAINE,
    "kybella": DEOXYCHOLIC_ACID,
    "belkyra": DEOXYCHOLIC_ACID,
    "atx_101": DEOXYCHOLIC_ACID,
    "deoxycholate": DEOXYCHOLIC_ACID,
    "sodium_deoxycholate": DEOXYCHOLIC_ACID,
    "lecithin": PHOSPHATIDYLCHOLINE,
    "lipostabil": PHOSPHATIDYLCHOLINE,
    "qwo": COLLAGENASE,
}


@dataclass(frozen=True)
class SessionCap:
    """A maximum total mg of one substance in one session, with where it comes from.

    ``max_mg`` is an absolute cap; ``mg_per_kg`` (practice and protocol limits only) is a
    weight-based cap that the engine turns into mg with the patient's dosing weight, and that
    is a "cannot verify" violation when no weight is recorded (R9). At least one is set.
    """

    substance: str
    max_mg: Decimal | None
    basis: str
    source: str
    origin: str = "default"  # "default", "practice" or "protocol <name>"
    warn_above_mg: Decimal | None = None
    protocol_may_replace: bool = False
    mg_per_kg: Decimal | None = None


@dataclass(frozen=True)
class LidocaineLimits:
    """R2: weight-based lidocaine limits, each with an absolute cap (§2.3)."""

    plain_mg_per_kg: Decimal = Decimal("4.5")
    plain_cap_mg: Decimal = Decimal("300")
    epinephrine_mg_per_kg: Decimal = Decimal("7")
    epinephrine_cap_mg: Decimal = Decimal("500")
    plain_source: str = SOURCE_LIDOCAINE_PLAIN
    epinephrine_source: str = SOURCE_LIDOCAINE_EPINEPHRINE


@dataclass(frozen=True)
class DeoxycholicAcidLabel:
    """R4: the labelled submental deoxycholic acid product (Kybella/Belkyra), §2.1."""

    ml_per_injection: Decimal = Decimal("0.2")
    max_injections: int = 50
    max_volume_ml: Decimal = Decimal("10")
    max_mg: Decimal = Decimal("100")
    min_interval_months: int = 1
    max_sessions: int = 6
    area: str = "submental"
    source: str = SOURCE_DEOXYCHOLIC_ACID


@dataclass(frozen=True)
class CollagenaseLabel:
    """R6: collagenase for buttock cellulite (QWO label), §1.2 and §2.4."""

    mg_per_area: Decimal = Decimal("0.84")
    max_areas: int = 2
    min_interval_days: int = 21
    max_visits: int = 3
    source: str = SOURCE_COLLAGENASE


# Which fields of each label limit may only go down ("max") or only go up ("min") when a
# practice tightens it. ml_per_injection is the labelled volume per point: it may go down.
_TIGHTEN_DOWN = {
    "plain_mg_per_kg",
    "plain_cap_mg",
    "epinephrine_mg_per_kg",
    "epinephrine_cap_mg",
    "ml_per_injection",
    "max_injections",
    "max_volume_ml",
    "max_mg",
    "max_sessions",
    "mg_per_area",
    "max_areas",
    "max_visits",
}
_TIGHTEN_UP = {"min_interval_months", "min_interval_days"}


@dataclass(frozen=True)
class ProtocolLimit:
    """One per-session limit a protocol sets (mg and/or mg/kg), with its source text."""

    substance: str
    max_mg: Decimal | None
    source: str
    mg_per_kg: Decimal | None = None


@dataclass(frozen=True)
class Protocol:
    """A named treatment protocol whose per-session limits override or add to the defaults."""

    name: str
    limits: tuple[ProtocolLimit, ...]


def default_caps() -> tuple[SessionCap, ...]:
    """R3 (procaine) and R5 (phosphatidylcholine): the default per-session mg caps."""
    return (
        SessionCap(
            substance=PROCAINE,
            max_mg=Decimal("600"),
            warn_above_mg=Decimal("350"),
            basis=phrases.PROCAINE_LABEL,
            source=SOURCE_PROCAINE,
        ),
        SessionCap(
            substance=PHOSPHATIDYLCHOLINE,
            max_mg=Decimal("2500"),
            basis=phrases.PC_NETWORK_LIPOLYSIS,
            source=SOURCE_PC_NETWORK_LIPOLYSIS,
            protocol_may_replace=True,
        ),
    )


# Protocols that ship with the software, selectable by code ("protocol": "india_pcdc").
BUILTIN_PROTOCOLS: dict[str, Protocol] = {
    "network_lipolysis": Protocol(
        name="network_lipolysis",
        limits=(
            ProtocolLimit(
                PHOSPHATIDYLCHOLINE,
                Decimal("2500"),
                phrases.PC_NETWORK_LIPOLYSIS_SOURCED % {"source": SOURCE_PC_NETWORK_LIPOLYSIS},
            ),
        ),
    ),
    # The Indian series gives "5 g PC-DC per sitting (units as given)"; it is applied to the
    # phosphatidylcholine total, as the reference offers it as the alternative PC limit.
    "india_pcdc": Protocol(
        name="india_pcdc",
        limits=(
            ProtocolLimit(
                PHOSPHATIDYLCHOLINE,
                Decimal("5000"),
                f"Indian series (1,269 patients): maximum 5 g PC-DC per sitting, units as given ({SOURCE_PC_INDIA})",
            ),
        ),
    ),
}


@dataclass(frozen=True)
class RuleSet:
    """Everything the engine checks a session against; build with ``RuleSet.defaults()``."""

    lidocaine: LidocaineLimits
    deoxycholic_acid: DeoxycholicAcidLabel
    collagenase: CollagenaseLabel
    caps: tuple[SessionCap, ...]
    weight_basis: WeightBasis = "actual"
    description: str = phrases.DEFAULT_RULES

    @classmethod
    def defaults(cls) -> RuleSet:
        return cls(
            lidocaine=LidocaineLimits(),
            deoxycholic_acid=DeoxycholicAcidLabel(),
            collagenase=CollagenaseLabel(),
            caps=default_caps(),
        )

    def caps_for(self, substance: str) -> tuple[SessionCap, ...]:
        return tuple(cap for cap in self.caps if cap.substance == substance)

    def with_practice_caps(self, caps: tuple[SessionCap, ...]) -> RuleSet:
        """Add a practice's caps. They are checked alongside the defaults, never instead."""
        added = tuple(
            dataclasses.replace(cap, origin="practice", protocol_may_replace=False) for cap in caps
        )
        return dataclasses.replace(
            self,
            caps=self.caps + added,
            description=phrases.RULES_WITH_PRACTICE_LIMITS % {"rules": self.description},
        )

    def with_protocol(self, protocol: Protocol) -> RuleSet:
        """Apply a protocol: it replaces configurable defaults and adds caps elsewhere."""
        replaced = {limit.substance for limit in protocol.limits}
        kept = tuple(
            cap for cap in self.caps if not (cap.protocol_may_replace and cap.substance in replaced)
        )
        added = tuple(
            SessionCap(
                substance=limit.substance,
                max_mg=limit.max_mg,
                mg_per_kg=limit.mg_per_kg,
                basis=phrases.PROTOCOL_LIMIT
                % {
                    "protocol": protocol.name,
                    "cap": cap_text(limit.max_mg, limit.mg_per_kg),
                },  # fmt: skip
                source=limit.source,
                origin=f"protocol {protocol.name}",
            )
            for limit in protocol.limits
        )
        return dataclasses.replace(
            self,
            caps=kept + added,
            description=phrases.RULES_WITH_PROTOCOL
            % {"rules": self.description, "protocol": protocol.name},  # fmt: skip
        )

    def with_label_limits(
        self,
        *,
        lidocaine: LidocaineLimits | None = None,
        deoxycholic_acid: DeoxycholicAcidLabel | None = None,
        collagenase: CollagenaseLabel | None = None,
    ) -> RuleSet:
        """Tighten label limits; raises ValueError if any value is looser than the current one."""
        for name, current, new in (
            ("lidocaine", self.lidocaine, lidocaine),
            ("deoxycholic_acid", self.deoxycholic_acid, deoxycholic_acid),
            ("collagenase", self.collagenase, collagenase),
        ):
            if new is not None:
                _require_tighter(name, current, new)
        return dataclasses.replace(
            self,
            lidocaine=lidocaine or self.lidocaine,
            deoxycholic_acid=deoxycholic_acid or self.deoxycholic_acid,
            collagenase=collagenase or self.collagenase,
            description=phrases.RULES_WITH_TIGHTENED_LABEL % {"rules": self.description},
        )

    def with_weight_basis(self, basis: WeightBasis) -> RuleSet:
        if basis not in ("actual", "ideal"):
            raise ValueError(f"weight basis must be 'actual' or 'ideal', got {basis!r}")
        return dataclasses.replace(self, weight_basis=basis)


def cap_text(max_mg: Decimal | None, mg_per_kg: Decimal | None) -> str:
    """A cap in words: "250 mg per session", "3 mg/kg per session", or both."""
    values = {
        "mg": f"{max_mg.normalize():f}" if max_mg is not None else None,
        "mg_per_kg": f"{mg_per_kg.normalize():f}" if mg_per_kg is not None else None,
    }
    if max_mg is not None and mg_per_kg is not None:
        return phrases.CAP_BOTH % values
    if mg_per_kg is not None:
        return phrases.CAP_MG_PER_KG % values
    return phrases.CAP_MG % values


def loosening_problems(
    rules: RuleSet,
    substance: str,
    max_mg: Decimal | None,
    mg_per_kg: Decimal | None,
    *,
    for_protocol: bool = False,
) -> dict[str, str]:
    """Why a practice limit would loosen a label limit, by field name (empty: it does not).

    Every cap is checked alongside the defaults, so a looser one would have no effect; it is
    refused so that nobody believes they raised a label limit. A value above the most
    permissive label figure is refused (lidocaine: the with-epinephrine 500 mg and 7 mg/kg; a
    value between the plain and the with-epinephrine figures still tightens sessions with
    epinephrine). A protocol may replace the phosphatidylcholine default (R5), so a protocol
    limit for phosphatidylcholine is not compared with it.
    """
    problems: dict[str, str] = {}
    ceilings_mg: list[tuple[Decimal, str]] = []
    ceilings_per_kg: list[tuple[Decimal, str]] = []
    if substance == LIDOCAINE:
        lido = rules.lidocaine
        ceilings_mg.append((lido.epinephrine_cap_mg, "lidocaine with epinephrine, never above"))
        ceilings_per_kg.append((lido.epinephrine_mg_per_kg, "lidocaine with epinephrine"))
    elif substance == DEOXYCHOLIC_ACID:
        ceilings_mg.append((rules.deoxycholic_acid.max_mg, "deoxycholic acid label, at most"))
    elif substance == COLLAGENASE:
        label = rules.collagenase
        ceilings_mg.append(
            (label.mg_per_area * label.max_areas, "collagenase label, per visit at most")
        )
    for cap in rules.caps_for(substance):
        if cap.max_mg is None or (for_protocol and cap.protocol_may_replace):
            continue
        ceilings_mg.append((cap.max_mg, cap.basis))
    if max_mg is not None and ceilings_mg:
        ceiling, basis = max(ceilings_mg, key=lambda item: item[0])
        if max_mg > ceiling:
            problems["max_mg"] = (
                f"{max_mg.normalize():f} mg would loosen the label limit "
                f"({basis} {ceiling.normalize():f} mg); a practice may only tighten it"
            )
    if mg_per_kg is not None and ceilings_per_kg:
        ceiling, basis = max(ceilings_per_kg, key=lambda item: item[0])
        if mg_per_kg > ceiling:
            problems["mg_per_kg"] = (
                f"{mg_per_kg.normalize():f} mg/kg would loosen the label limit "
                f"({basis}: {ceiling.normalize():f} mg/kg); a practice may only tighten it"
            )
    return problems


def _require_tighter(name: str, current: object, new: object) -> None:
    for field in dataclasses.fields(current):  # type: ignore[arg-type]
        old_value = getattr(current, field.name)
        new_value = getattr(new, field.name)
        if field.name in _TIGHTEN_DOWN and new_value > old_value:
            raise ValueError(f"{name}.{field.name}: {new_value} would loosen the limit {old_value}")
        if field.name in _TIGHTEN_UP and new_value < old_value:
            raise ValueError(f"{name}.{field.name}: {new_value} would loosen the limit {old_value}")
        if (
            field.name not in _TIGHTEN_DOWN | _TIGHTEN_UP
            and not field.name.endswith("source")
            and new_value != old_value
        ):
            raise ValueError(f"{name}.{field.name}: cannot be changed by a practice")
