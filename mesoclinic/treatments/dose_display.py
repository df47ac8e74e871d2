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

from mesoclinic.dosing.services import DoseCheck
from mesoclinic.dosing.snapshot import Comparison, compare, verdict_record
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
        mg = Decimal(row["mg"])
        limit_mg = None if row["limit_mg"] is None else Decimal(row["limit_mg"])
        lines.append(
            TotalLine(
                substance=row["substance"].replace("_", " ")
                + (" (in PC mixture)" if in_mixture else ""),
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
    values = []
    if limit["mg_per_kg"] is not None:
        values.append(f"{limit['mg_per_kg']} mg/kg")
    if limit["max_mg"] is not None:
        values.append(f"{limit['max_mg']} mg")
    where = f", protocol {limit['protocol']}" if limit["protocol"] else ""
    return (
        f"{limit['substance'].replace('_', ' ')}: {' and at most '.join(values)} per session"
        f"{where} (source: {limit['source']})"
    )


def _rules_words(snapshot: dict[str, Any]) -> str:
    protocol = snapshot["protocol"]
    # the snapshot is stored JSON (typed Any); its rule_set is the rule set's name, a str
    rule_set: str = snapshot["verdict"]["rule_set"]
    return rule_set + (f" ({protocol['name']})" if protocol else "")


def signed_dose(session: TreatmentSession, lines: list[Injection]) -> SignedDose:
    """The check kept at signing, compared with the same check run today."""
    today = check_session_dose(session, lines)
    stored: dict[str, Any] | None = session.dose_check_at_signing
    if stored is None:
        return SignedDose(
            state="imported" if session.imported else "not_stored",
            rows=total_lines(today),
            weight_text=today.weight_text,
            rules_text=today.verdict.rule_set
            + (f" ({today.plan.protocol.name})" if today.plan.protocol else ""),
            violations=[v.message for v in today.violations],
            warnings=[w.message for w in today.verdict.warnings],
            notes=today.notes,
        )
    engine = stored["engine"]
    return SignedDose(
        state="stored",
        rows=snapshot_lines(stored["verdict"]),
        weight_text=stored["weight"]["text"],
        rules_text=_rules_words(stored),
        violations=[v["message"] for v in stored["verdict"]["violations"]],
        warnings=[w["message"] for w in stored["verdict"]["warnings"]],
        notes=list(stored["notes"]),
        limits=[_limit_words(limit) for limit in stored["practice_limits"]],
        engine_text=(
            f"engine version {engine['version']}, default rules fingerprint "
            f"{engine['default_rules_fingerprint']}, rule set fingerprint "
            f"{stored['rules']['fingerprint']}"
        ),
        comparison=compare(stored, today.snapshot()),
    )
