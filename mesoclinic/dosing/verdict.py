"""What a dose check returns, and its JSON form (../shared/spec/dose-check.md "Output").

Pure Python (no Django import). Amounts stay Decimal inside; the JSON form rounds them to
0.001 mg / 0.001 mL, which is finer than any limit in the rules (the smallest is 0.84 mg).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

_JSON_STEP = Decimal("0.001")
_MESSAGE_STEP = Decimal("0.000001")


@dataclass(frozen=True)
class Limit:
    """One maximum a substance total is checked against, and why."""

    max_mg: Decimal
    basis: str
    source: str
    rule: str = "max_dose"
    warn_above_mg: Decimal | None = None
    warn_basis: str = ""


@dataclass(frozen=True)
class Finding:
    """A violation or a warning: which rule, for which substance, and what to tell the user."""

    rule: str
    substance: str | None
    message: str
    source: str

    def to_json(self) -> dict[str, Any]:
        return {
            "rule": self.rule,
            "substance": self.substance,
            "message": self.message,
            "source": self.source,
        }


@dataclass
class TotalRow:
    """The session total of one substance and the limit that binds it (None: no limit)."""

    substance: str
    mg: Decimal
    limit_mg: Decimal | None
    limit_basis: str
    source: str | None
    extra: dict[str, Any] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        return {
            "substance": self.substance,
            "mg": json_amount(self.mg),
            "limit_mg": None if self.limit_mg is None else json_amount(self.limit_mg),
            "limit_basis": self.limit_basis,
            "source": self.source,
            **{key: _json_value(value) for key, value in self.extra.items()},
        }


@dataclass
class Verdict:
    """The outcome of checking one planned session; ``ok`` when there is no violation."""

    totals: list[TotalRow]
    violations: list[Finding]
    warnings: list[Finding]
    rule_set: str
    weight_basis: str

    @property
    def ok(self) -> bool:
        return not self.violations

    def to_json(self) -> dict[str, Any]:
        return {
            "ok": self.ok,
            "totals": [row.to_json() for row in self.totals],
            "violations": [finding.to_json() for finding in self.violations],
            "warnings": [finding.to_json() for finding in self.warnings],
            "rule_set": self.rule_set,
            "weight_basis": self.weight_basis,
        }


@dataclass
class Findings:
    """Collects violations and warnings while the rules run."""

    violations: list[Finding] = field(default_factory=list)
    warnings: list[Finding] = field(default_factory=list)

    def violation(self, rule: str, substance: str | None, message: str, source: str) -> None:
        self.violations.append(Finding(rule, substance, message, source))

    def warning(self, rule: str, substance: str | None, message: str, source: str) -> None:
        self.warnings.append(Finding(rule, substance, message, source))


def json_amount(value: Decimal) -> float:
    """A Decimal amount as a JSON number rounded to 0.001 (40 stays 40.0)."""
    return float(value.quantize(_JSON_STEP, rounding=ROUND_HALF_UP))


def amount(value: Decimal) -> str:
    """A Decimal amount for a message, without trailing zeros (315, 0.84, 300.0004).

    Up to 6 decimals, so that an amount just over a limit never reads as equal to it.
    """
    rounded = value.quantize(_MESSAGE_STEP, rounding=ROUND_HALF_UP).normalize()
    return f"{rounded:f}"


def _json_value(value: Any) -> Any:
    if isinstance(value, Decimal):
        return json_amount(value)
    if isinstance(value, list):
        return [_json_value(item) for item in value]
    if isinstance(value, dict):
        return {key: _json_value(item) for key, item in value.items()}
    return value
