"""What the session page shows of the dose check (docs/dose-rules.md, "In the app").

A draft shows the live check (treatments.dose_input.check_session_dose). A signed session shows
the check kept at signing (``TreatmentSession.dose_check_at_signing``, dosing.snapshot), never
a recomputation, with a note when today's rules, limits or weight would give another result.
A session signed before checks were kept says so, and so does an imported one; both show
today's computation, labelled as such, since nothing else is known.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext

from mesoclinic.dosing import phrases
from mesoclinic.dosing.rules import cap_text
from mesoclinic.dosing.services import WEIGHT_ORIGINS, DoseCheck
from mesoclinic.dosing.snapshot import Comparison, compare, verdict_record
from mesoclinic.dosing.wording import dose_words
from mesoclinic.treatments.dose_input import check_session_dose
from mesoclinic.treatments.models import Injection, TreatmentSession


@dataclass(frozen=True)
class TotalLine:
    """One row of the session page's per-substance table."""

    substance: str
    mg: Decimal
    limit_mg: Decimal | None
    basis: str
    source: str | None
    over: bool


def snapshot_lines(verdict: dict[str, Any]) -> list[TotalLine]:
    """The totals of a verdict record for the page: names in words, and whether over."""
    flagged = {v["substance"] for v in verdict["violations"]}
    lines = []
    for row in verdict["totals"]:
        in_mixture = bool(row["extra"].get("in_phosphatidylcholine_mixture"))
        name = row["substance"].replace("_", " ")
        mg = Decimal(row["mg"])
        limit_mg = None if row["limit_mg"] is None else Decimal(row["limit_mg"])
        lines.append(
            TotalLine(
                substance=dose_words(
                    phrases.IN_PC_MIXTURE % {"substance": name} if in_mixture else name
                ),
                mg=mg,
                limit_mg=limit_mg,
                basis=row["limit_basis"],
                source=row["source"],
                over=(limit_mg is not None and mg > limit_mg)
                or (row["substance"] in flagged and not in_mixture),
            )
        )
    return lines


def total_lines(check: DoseCheck) -> list[TotalLine]:
    """The live check's totals for the page."""
    return snapshot_lines(verdict_record(check.verdict))


@dataclass
class SignedDose:
    """The dose check of a signed session as the page shows it.

    ``state``: "stored" (kept at signing), "not_stored" (signed before checks were kept) or
    "imported" (from a registry bundle; never checked here).
    """

    state: str
    rows: list[TotalLine]
    weight_text: str
    rules_text: str
    violations: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    limits: list[str] = field(default_factory=list)
    engine_text: str = ""
    comparison: Comparison | None = None

    @property
    def ok(self) -> bool:
        return not self.violations


def _limit_words(limit: dict[str, Any]) -> str:
    """A practice limit kept at signing, in the reader's language."""
    cap = dose_words(
        cap_text(
            Decimal(limit["max_mg"]) if limit["max_mg"] is not None else None,
            Decimal(limit["mg_per_kg"]) if limit["mg_per_kg"] is not None else None,
        )
    )
    values = {
        "substance": limit["substance"].replace("_", " "),
        "cap": cap,
        "protocol": limit["protocol"],
        "source": limit["source"],
    }
    if limit["protocol"]:
        return gettext("%(substance)s: %(cap)s, protocol %(protocol)s (source: %(source)s)") % values  # fmt: skip
    return gettext("%(substance)s: %(cap)s (source: %(source)s)") % values


def _rules_words(snapshot: dict[str, Any]) -> str:
    protocol = snapshot["protocol"]
    # the snapshot is stored JSON (typed Any); its rule_set is the rule set's name, a str
    rule_set: str = snapshot["verdict"]["rule_set"]
    return _rules_text(rule_set, protocol["name"] if protocol else None)


def _rules_text(rule_set: str, protocol: str | None) -> str:
    """A rule set's name in the reader's language, with its protocol's name."""
    words = dose_words(rule_set)
    return gettext("%(rules)s (%(protocol)s)") % {"rules": words, "protocol": protocol} if protocol else words  # fmt: skip


def _weight_words(weight: dict[str, Any]) -> str:
    """The weight kept at signing in the reader's language: written again from its values
    (the stored text is in the signer's language), else the stored text."""
    if weight.get("origin") in WEIGHT_ORIGINS and weight.get("weight_kg") and weight.get("on"):
        return gettext("%(weight)s kg, %(origin)s of %(date)s") % {
            "weight": weight["weight_kg"],
            "origin": gettext(weight["origin"]),
            "date": weight["on"],
        }
    return gettext(weight["text"]) if weight.get("text") else ""


def signed_dose(session: TreatmentSession, lines: list[Injection]) -> SignedDose:
    """The check kept at signing, compared with the same check run today."""
    today = check_session_dose(session, lines)
    stored: dict[str, Any] | None = session.dose_check_at_signing
    if stored is None:
        return SignedDose(
            state="imported" if session.imported else "not_stored",
            rows=total_lines(today),
            weight_text=today.weight_text,
            rules_text=_rules_text(
                today.verdict.rule_set, today.plan.protocol.name if today.plan.protocol else None
            ),
            violations=[v.message for v in today.violations],
            warnings=[w.message for w in today.verdict.warnings],
            notes=today.notes,
        )
    engine = stored["engine"]
    return SignedDose(
        state="stored",
        rows=snapshot_lines(stored["verdict"]),
        weight_text=_weight_words(stored["weight"]),
        rules_text=_rules_words(stored),
        violations=[v["message"] for v in stored["verdict"]["violations"]],
        warnings=[w["message"] for w in stored["verdict"]["warnings"]],
        notes=list(stored["notes"]),
        limits=[_limit_words(limit) for limit in stored["practice_limits"]],
        engine_text=gettext(
            "engine version %(version)s, default rules fingerprint %(default)s, rule set "
            "fingerprint %(rules)s"
        )
        % {
            "version": engine["version"],
            "default": engine["default_rules_fingerprint"],
            "rules": stored["rules"]["fingerprint"],
        },
        comparison=compare(stored, today.snapshot()),
    )
