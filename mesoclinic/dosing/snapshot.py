"""The dose check as signed: the record kept on a session at signing, and what today's check
would find differently (docs/dose-rules.md, "The verdict at signing").

Pure Python (no Django import). A snapshot is plain JSON: amounts are exact decimal strings
(never floats, never rounded), so the page shows what was checked, digit for digit. It holds
the verdict (totals, violations, warnings), the rules used (the engine's numbers and sources
with the practice and protocol caps, and a fingerprint of them), the practice limits applied,
the weight used (or why none), the engine version, and the digest an override answered.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import json
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from mesoclinic.dosing import phrases
from mesoclinic.dosing.engine import ENGINE_VERSION
from mesoclinic.dosing.rules import Protocol, RuleSet
from mesoclinic.dosing.verdict import Finding, Verdict, amount

SNAPSHOT_FORMAT = 1


def exact(value: Any) -> Any:
    """JSON-safe with exact amounts: Decimal → "300.5", dates → ISO, dataclasses → dicts."""
    if isinstance(value, Decimal):
        return f"{value.normalize():f}"
    if isinstance(value, dt.date):
        return value.isoformat()
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: exact(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, list | tuple):
        return [exact(item) for item in value]
    if isinstance(value, dict):
        return {str(key): exact(item) for key, item in value.items()}
    return value


def fingerprint(data: Any) -> str:
    """A short fingerprint of JSON data (key order does not matter)."""
    text = json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def rules_record(rules: RuleSet) -> dict[str, Any]:
    """Every number of a rule set with its basis and source."""
    record: dict[str, Any] = exact(rules)
    return record


def default_rules_fingerprint() -> str:
    """Changes when a default number or source of the engine changes (rules.py)."""
    return fingerprint(rules_record(RuleSet.defaults()))


def verdict_record(verdict: Verdict) -> dict[str, Any]:
    """The verdict with exact amounts (Verdict.to_json rounds them for the command)."""
    return {
        "ok": verdict.ok,
        "totals": [
            {
                "substance": row.substance,
                "mg": exact(row.mg),
                "limit_mg": exact(row.limit_mg),
                "limit_basis": row.limit_basis,
                "source": row.source,
                "extra": exact(row.extra),
            }
            for row in verdict.totals
        ],
        "violations": [finding.to_json() for finding in verdict.violations],
        "warnings": [finding.to_json() for finding in verdict.warnings],
        "rule_set": verdict.rule_set,
        "weight_basis": verdict.weight_basis,
    }


@dataclass(frozen=True)
class LimitApplied:
    """A practice dose limit as it stood when a session was checked."""

    id: str
    substance: str
    protocol: str
    max_mg: Decimal | None
    mg_per_kg: Decimal | None
    source: str
    version: int


@dataclass(frozen=True)
class WeightUsed:
    """The body weight found for the mg/kg limits, or why none was usable."""

    weight_kg: Decimal | None
    on: dt.date | None
    origin: str  # "measurement", "consultation", or "" when none was usable
    text: str  # in words, e.g. "60 kg, measurement of 2026-05-01" or "none recorded"


def build(
    *,
    verdict: Verdict,
    rules: RuleSet,
    protocol: Protocol | None,
    limits: list[LimitApplied],
    weight: WeightUsed,
    notes: list[str],
    digest: str,
) -> dict[str, Any]:
    """The snapshot of one check; ``rules`` is the clinic's rule set before the protocol."""
    effective = rules.with_protocol(protocol) if protocol is not None else rules
    rules_json = rules_record(effective)
    return {
        "format": SNAPSHOT_FORMAT,
        "engine": {
            "version": ENGINE_VERSION,
            "default_rules_fingerprint": default_rules_fingerprint(),
        },
        "rules": {"fingerprint": fingerprint(rules_json), **rules_json},
        "protocol": exact(protocol),
        "practice_limits": exact(limits),
        "weight": exact(weight),
        "verdict": verdict_record(verdict),
        "notes": list(notes),
        "digest": digest,
    }


def findings(snapshot: dict[str, Any], kind: str) -> list[Finding]:
    """The violations or warnings (``kind``) of a snapshot."""
    return [
        Finding(item["rule"], item["substance"], item["message"], item["source"])
        for item in snapshot["verdict"][kind]
    ]


@dataclass
class Comparison:
    """How today's check of a signed session differs from the one stored at signing."""

    verdict_differs: bool
    differences: list[str]


def _limit_text(limit: dict[str, Any]) -> str:
    values = {
        "substance": limit["substance"].replace("_", " "),
        "max_mg_per_kg": limit["mg_per_kg"],
        "max_mg": limit["max_mg"],
    }
    if limit["mg_per_kg"] is not None and limit["max_mg"] is not None:
        text = phrases.LIMIT_BOTH % values
    elif limit["mg_per_kg"] is not None:
        text = phrases.LIMIT_MG_PER_KG % values
    else:
        text = phrases.LIMIT_MG % values
    if limit["protocol"]:
        return phrases.LIMIT_WITH_PROTOCOL % {"limit": text, "protocol": limit["protocol"]}
    return text


def _name(row: dict[str, Any]) -> str:
    name = str(row["substance"]).replace("_", " ")
    if row["extra"].get("in_phosphatidylcholine_mixture"):
        return phrases.IN_PC_MIXTURE % {"substance": name}
    return name


def _mg(value: str | None) -> str:
    return phrases.NO_LIMIT if value is None else f"{amount(Decimal(value))} mg"


def _weight(weight: dict[str, Any]) -> str:
    """The weight used, from its stored values (so that it reads in the reader's language
    through dose_words), or its words as stored when none was usable."""
    if weight["weight_kg"] is None or not weight["on"] or not weight["origin"]:
        return str(weight["text"])
    return phrases.WEIGHT_ON % {
        "weight": f"{Decimal(weight['weight_kg']).normalize():f}",
        "origin": weight["origin"],
        "date": weight["on"],
    }


# Each difference is written from a whole pattern of dosing.phrases, in English (the pages
# show it in the reader's language with dose_words).
_FINDINGS = (
    ("violations", phrases.NEW_VIOLATION, phrases.NO_LONGER_VIOLATION),
    ("warnings", phrases.NEW_WARNING, phrases.NO_LONGER_WARNING),
)


def _verdict_differences(signed: dict[str, Any], today: dict[str, Any]) -> list[str]:
    found: list[str] = []
    then_rows = {_name(row): row for row in signed["verdict"]["totals"]}
    now_rows = {_name(row): row for row in today["verdict"]["totals"]}
    for name in sorted(then_rows.keys() | now_rows.keys()):
        then, now = then_rows.get(name), now_rows.get(name)
        if then is None or now is None:
            found.append(
                phrases.SINCE_PRESENCE
                % {
                    "substance": name,
                    "then": _mg(then["mg"]) if then else phrases.NONE,
                    "now": _mg(now["mg"]) if now else phrases.NONE,
                }
            )
            continue
        if then["mg"] != now["mg"]:
            values = {"substance": name, "then": _mg(then["mg"]), "now": _mg(now["mg"])}
            found.append(phrases.SINCE_TOTAL % values)
        if then["limit_mg"] != now["limit_mg"]:
            found.append(
                phrases.SINCE_LIMIT
                % {
                    "substance": name,
                    "then": _mg(then["limit_mg"]),
                    "now": _mg(now["limit_mg"]),
                    "basis": now["limit_basis"],
                }
            )
    # Findings are compared by their words, which carry the amounts and limits: the same rule
    # broken against another limit (a lower weight, a new practice cap) is a difference too.
    for kind, new, gone in _FINDINGS:
        then_messages = [f["message"] for f in signed["verdict"][kind]]
        now_messages = [f["message"] for f in today["verdict"][kind]]
        found += [new % {"message": m} for m in now_messages if m not in then_messages]
        found += [gone % {"message": m} for m in then_messages if m not in now_messages]
    return found


def _input_differences(signed: dict[str, Any], today: dict[str, Any]) -> list[str]:
    found: list[str] = []
    if signed["engine"] != today["engine"]:
        found.append(
            phrases.ENGINE_CHANGED
            % {
                "then_version": signed["engine"]["version"],
                "then_rules": signed["engine"]["default_rules_fingerprint"],
                "now_version": today["engine"]["version"],
                "now_rules": today["engine"]["default_rules_fingerprint"],
            }
        )
    then_limits = {item["id"]: item for item in signed["practice_limits"]}
    now_limits = {item["id"]: item for item in today["practice_limits"]}
    for key in sorted(then_limits.keys() | now_limits.keys()):
        then, now = then_limits.get(key), now_limits.get(key)
        if then is None and now is not None:
            found.append(phrases.LIMIT_ADDED % {"limit": _limit_text(now)})
        elif now is None and then is not None:
            found.append(phrases.LIMIT_REMOVED % {"limit": _limit_text(then)})
        elif then is not None and now is not None and then != now:
            values = {"then": _limit_text(then), "now": _limit_text(now)}
            found.append(phrases.LIMIT_CHANGED % values)
    then_protocol = (signed["protocol"] or {}).get("name")
    now_protocol = (today["protocol"] or {}).get("name")
    if signed["protocol"] != today["protocol"]:
        found.append(
            phrases.PROTOCOL_CHANGED
            % {"then": then_protocol or phrases.NONE, "now": now_protocol or phrases.NONE}
            if then_protocol != now_protocol
            else phrases.PROTOCOL_LIMITS_CHANGED % {"protocol": now_protocol}
        )
    then_weight, now_weight = signed["weight"], today["weight"]
    if (then_weight["weight_kg"], then_weight["on"]) != (now_weight["weight_kg"], now_weight["on"]):
        values = {"then": _weight(then_weight), "now": _weight(now_weight)}
        found.append(phrases.WEIGHT_CHANGED % values)
    return found


def compare(signed: dict[str, Any], today: dict[str, Any]) -> Comparison:
    """What differs between the check stored at signing and the same check run today."""
    verdict = _verdict_differences(signed, today)
    return Comparison(
        verdict_differs=bool(verdict), differences=verdict + _input_differences(signed, today)
    )
