"""The report of one indication with the extras its page draws (pure Python, no Django).

``evidence_report`` wraps the engine's ``build_report`` (../shared/spec/evidence-report.md)
with the ``--protocol`` filter and two added keys the spec allows ("more may be added"):
``protocol`` and ``decomposition`` — the naive change split into the part explained by
weight change (γ_W × mean weight change) and the treatment part (τ × mean sessions), the
rest being residual (evidence-analytics.md §4 R4). ``page_figures`` adds what only the page
draws: course trajectories and the effect by protocol.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from mesoclinic.evidence.engine.courses import build_dataset
from mesoclinic.evidence.engine.report import build_report
from mesoclinic.evidence.engine.tables import normalise


@dataclass
class Tables:
    """The four registry-bundle tables as rows of plain values (engine input)."""

    patients: list[dict[str, Any]] = field(default_factory=list)
    sessions: list[dict[str, Any]] = field(default_factory=list)
    measurements: list[dict[str, Any]] = field(default_factory=list)
    adverse_events: list[dict[str, Any]] = field(default_factory=list)

    def protocols(self, indication: str, area: str | None = None) -> list[str]:
        return sorted({s["protocol"] for s in self.sessions if s.get("protocol") and s["indication"] == indication and (area is None or s["area"] == area)})  # fmt: skip

    def only_protocol(self, protocol: str | None) -> Tables:
        if protocol is None:
            return self
        sessions = [s for s in self.sessions if (s.get("protocol") or "") == protocol]
        ids = {s["session_id"] for s in sessions}
        # Events of other protocols' sessions go; events without a session stay (the engine
        # attributes them to the patient's latest session in scope, or counts them as lost).
        events = [e for e in self.adverse_events if not e.get("session_id") or e["session_id"] in ids]  # fmt: skip
        return Tables(self.patients, sessions, self.measurements, events)


def _decomposition(tables: Tables, report: dict[str, Any], indication: str, area: str | None, outcome: str) -> dict[str, Any] | None:  # fmt: skip
    naive, effect, weight = report["naive_change"], report["per_session_effect"], report["weight_effect_per_kg"]  # fmt: skip
    if naive is None or effect is None or weight is None:
        return None
    rows = build_dataset(normalise(*_args(tables)), indication, area, outcome).rows
    treated = rows[rows["treated"].to_numpy()]
    base = treated[treated["days"].to_numpy() <= 0].sort_values("day").groupby("series").tail(1)
    last = treated[treated["days"].to_numpy() > 0].sort_values("day").groupby("series").tail(1)
    pair = last.merge(base[["series", "weight_kg"]], on="series", suffixes=("", "_base"))
    dw = (pair["weight_kg"] - pair["weight_kg_base"]).to_numpy()
    ok = np.isfinite(dw)
    if not ok.any():
        return None
    per_course = pair[ok].assign(dw=dw[ok]).groupby("course").agg(dw=("dw", "mean"), sessions=("sess_before", "mean"))  # fmt: skip
    mean_dw, mean_sessions = float(per_course["dw"].mean()), float(per_course["sessions"].mean())
    weight_part = weight["estimate"] * mean_dw
    treatment_part = effect["estimate"] * mean_sessions
    return {
        "naive_change": naive["estimate"],
        "weight_part": round(weight_part, 6),
        "treatment_part": round(treatment_part, 6),
        "residual": round(naive["estimate"] - weight_part - treatment_part, 6),
        "mean_weight_change_kg": round(mean_dw, 6),
        "mean_sessions": round(mean_sessions, 6),
        "courses": len(per_course),
        "definition": "naive change ≈ weight_effect_per_kg × mean weight change + per_session_effect × mean sessions + residual, over courses with a weight at baseline and last follow-up",  # fmt: skip
    }


def _args(tables: Tables) -> tuple[Any, Any, Any, Any]:
    return tables.patients, tables.sessions, tables.measurements, tables.adverse_events


def evidence_report(tables: Tables, *, indication: str, area: str | None, outcome: str, protocol: str | None = None) -> dict[str, Any]:  # fmt: skip
    """The spec's report (plus ``protocol`` and ``decomposition``); ValueError on bad codes."""
    if protocol is not None and protocol not in tables.protocols(indication, area):
        known = ", ".join(repr(p) for p in tables.protocols(indication, area)) or "none recorded"
        raise ValueError(f"protocol: {protocol!r} has no session for {indication}; known: {known}")
    scoped = tables.only_protocol(protocol)
    report = build_report(*_args(scoped), indication=indication, area=area, outcome=outcome)
    report["protocol"] = protocol
    report["decomposition"] = _decomposition(scoped, report, indication, area, outcome)
    return report


def trajectories(tables: Tables, *, indication: str, area: str | None, outcome: str, protocol: str | None) -> list[list[tuple[float, float]]]:  # fmt: skip
    """Per treated site series: (sessions before the reading, change from baseline)."""
    scoped = tables.only_protocol(protocol)
    rows = build_dataset(normalise(*_args(scoped)), indication, area, outcome).rows
    treated = rows[rows["treated"].to_numpy()]
    out: list[list[tuple[float, float]]] = []
    for _, group in treated.groupby("series", sort=True):
        points = zip(group["sess_before"].to_numpy(), (group["value"] - group["baseline"]).to_numpy(), strict=True)  # fmt: skip
        out.append([(float(s), float(c)) for s, c in points])
    return out


def model_mean(report: dict[str, Any], max_sessions: float) -> list[tuple[float, float, float, float]]:  # fmt: skip
    """τ × sessions with its 95% band, from 0 to the most sessions seen."""
    effect = report["per_session_effect"]
    if effect is None:
        return []
    est, (low, high) = effect["estimate"], effect["ci95"]
    return [(float(s), est * s, min(low * s, high * s), max(low * s, high * s)) for s in range(int(max_sessions) + 1)]  # fmt: skip


def by_protocol(tables: Tables, *, indication: str, area: str | None, outcome: str) -> list[dict[str, Any]]:  # fmt: skip
    """The per-session effect of each protocol (exploratory: not a target-trial emulation)."""
    out = []
    for protocol in tables.protocols(indication, area):
        report = build_report(*_args(tables.only_protocol(protocol)), indication=indication, area=area, outcome=outcome)  # fmt: skip
        out.append({"protocol": protocol, "courses": report["courses"], "per_session_effect": report["per_session_effect"], "naive_change": report["naive_change"]})  # fmt: skip
    return out
