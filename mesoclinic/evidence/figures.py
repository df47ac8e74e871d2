"""The report of one indication with the extras its page draws (pure Python, no Django).

``evidence_report`` wraps the engine's ``build_report`` (../shared/spec/evidence-report.md)
with the ``--protocol`` filter and two added keys the spec allows ("more may be added"):
``protocol`` and ``decomposition`` — the naive change split into the part explained by
weight change (γ_W × mean weight change) and the treatment part (τ × mean sessions), the
rest being residual (evidence-analytics.md §4 R4). ``page_figures`` adds what only the page
draws: course trajectories and the effect by protocol.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd

from mesoclinic.clinical_codes import MEASUREMENT_KINDS
from mesoclinic.evidence.engine.cost import cost_figures
from mesoclinic.evidence.engine.course_sessions import finite_or_none
from mesoclinic.evidence.engine.courses import Dataset, build_dataset
from mesoclinic.evidence.engine.dose_response import dose_response
from mesoclinic.evidence.engine.report import check_codes, report_and_dataset
from mesoclinic.evidence.engine.tables import Rows, normalise
from mesoclinic.evidence.engine.tables import Tables as EngineTables


class Tables:
    """The four registry-bundle tables (as a CSV reader, a ``values()`` query or a frame gives
    them), normalised for the engine once; each protocol's subset is cut from that, once.

    The command, the pages and ``bench/evidence_bench.py`` all hand their rows to this class
    and compute on what it holds: one path, one conversion of the rows."""

    def __init__(
        self,
        patients: Rows = None,
        sessions: Rows = None,
        measurements: Rows = None,
        adverse_events: Rows = None,
        injections: Rows = None,
    ) -> None:
        self._rows: tuple[Rows, Rows, Rows, Rows, Rows] | None = (
            patients,
            sessions,
            measurements,
            adverse_events,
            injections,
        )
        self._scoped: dict[str | None, EngineTables] = {}
        # The dose in mg of one substance, where the caller knows each product's
        # concentration (the web app, from the formulary): (substance, {product: mg/mL}).
        self.dose_mg: tuple[str, dict[str, float]] | None = None
        self._datasets: dict[tuple[str | None, str, str | None, str], Dataset] = {}

    def normalised(self, protocol: str | None = None) -> EngineTables:
        """The engine's tables, all protocols (None) or one protocol's sessions and events."""
        if None not in self._scoped:
            assert self._rows is not None
            self._scoped[None] = normalise(*self._rows)
            self._rows = None  # the rows are no longer needed: the frames hold them
        if protocol not in self._scoped:
            whole = self._scoped[None]
            sessions = whole.sessions
            sessions = sessions[sessions["protocol"].to_numpy() == protocol].reset_index(drop=True)
            events = whole.adverse_events
            # Events of other protocols' sessions go; events without a session stay (the
            # engine attributes them to the patient's latest session in scope, or counts them
            # as lost).
            linked = events["session_id"].to_numpy()
            keep = (linked < 0) | np.isin(linked, sessions["session_id"].to_numpy())
            self._scoped[protocol] = replace(
                whole, sessions=sessions, adverse_events=events[keep].reset_index(drop=True)
            )
        return self._scoped[protocol]

    def dataset(self, protocol: str | None, indication: str, area: str | None, outcome: str) -> Dataset:  # fmt: skip
        """The analysed dataset of one report, built once for the report and its figures."""
        key = (protocol, indication, area, outcome)
        if key not in self._datasets:
            self._datasets[key] = build_dataset(self.normalised(protocol), indication, area, outcome)  # fmt: skip
        return self._datasets[key]

    def _in_scope(self, indication: str, area: str | None) -> pd.DataFrame:
        sessions = self.normalised().sessions
        scope = sessions["indication"].to_numpy() == indication
        if area is not None:
            scope &= sessions["area"].to_numpy() == area
        return sessions[scope]

    def protocols(self, indication: str, area: str | None = None) -> list[str]:
        found = self._in_scope(indication, area)["protocol"].unique()
        return sorted(str(p) for p in found if p)

    def areas(self, indication: str) -> list[str]:
        return sorted(str(a) for a in self._in_scope(indication, None)["area"].unique() if a)


def _last_reading(series: npt.NDArray[np.int64], day: npt.NDArray[np.int64], rows: npt.NDArray[np.bool_]) -> npt.NDArray[np.intp]:  # fmt: skip
    """Positions of each series' last reading among ``rows``, in the order that
    ``frame[rows].sort_values("day").groupby("series").tail(1)`` gives them: pandas' default
    quicksort of the days, whose order among readings of one day is kept so that the means
    per course below add up in the same order (to the last digit)."""
    chosen = np.flatnonzero(rows)
    order = chosen[np.argsort(day[chosen], kind="quicksort")]
    if not len(order):
        return order
    in_order = series[order]
    last = np.full(int(in_order.max()) + 1, -1, dtype=np.intp)
    np.maximum.at(last, in_order, np.arange(len(order)))
    keep = np.zeros(len(order), dtype=bool)
    keep[last[last >= 0]] = True
    return order[keep]


def _decomposition(dataset: Dataset, report: dict[str, Any]) -> dict[str, Any] | None:
    naive, effect, weight = report["naive_change"], report["per_session_effect"], report["weight_effect_per_kg"]  # fmt: skip
    if naive is None or effect is None or weight is None:
        return None
    rows = dataset.rows
    treated = rows["treated"].to_numpy()
    days = rows["days"].to_numpy()
    series = rows["series"].to_numpy()
    weight_kg = rows["weight_kg"].to_numpy(dtype=np.float64)
    base = _last_reading(series, rows["day"].to_numpy(), treated & (days <= 0))
    last = _last_reading(series, rows["day"].to_numpy(), treated & (days > 0))
    # Each series' baseline weight (series codes are small integers), then the inner join
    # of the last readings with it, in the last readings' order.
    base_weight = np.full(int(series.max()) + 1 if len(series) else 0, np.nan)
    has_base = np.zeros(len(base_weight), dtype=bool)
    base_weight[series[base]], has_base[series[base]] = weight_kg[base], True
    last = last[has_base[series[last]]]
    dw = weight_kg[last] - base_weight[series[last]]
    ok = np.isfinite(dw)
    if not ok.any():
        return None
    pair = pd.DataFrame({"course": rows["course"].to_numpy()[last][ok], "dw": dw[ok], "sess_before": rows["sess_before"].to_numpy()[last][ok]})  # fmt: skip
    per_course = pair.groupby("course").agg(dw=("dw", "mean"), sessions=("sess_before", "mean"))
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


def evidence_report(tables: Tables, *, indication: str, area: str | None, outcome: str, protocol: str | None = None, decomposition: bool = True) -> dict[str, Any]:  # fmt: skip
    """The spec's report (plus ``protocol`` and ``decomposition``); ValueError on bad codes.
    ``decomposition=False``: left out (None), as the pooled report, which shows none, asks."""
    if protocol is not None and protocol not in tables.protocols(indication, area):
        known = ", ".join(repr(p) for p in tables.protocols(indication, area)) or "none recorded"
        raise ValueError(f"protocol: {protocol!r} has no session for {indication}; known: {known}")
    check_codes(indication, area, outcome)
    dataset = tables.dataset(protocol, indication, area, outcome)
    report, _ = report_and_dataset(tables.normalised(protocol), indication=indication, area=area, outcome=outcome, dataset=dataset)  # fmt: skip
    report["protocol"] = protocol
    report["decomposition"] = _decomposition(dataset, report) if decomposition else None
    # Optional sections beside the spec's keys ("more may be added"): what the courses cost
    # and the dose-response view (issue 16 part 3; engine/cost.py, engine/dose_response.py).
    engine_tables = tables.normalised(protocol)
    report["cost"] = finite_or_none(cost_figures(engine_tables, dataset, report, indication=indication, area=area, outcome=outcome, unit=MEASUREMENT_KINDS[outcome].unit))  # fmt: skip
    substance, mg_per_ml = tables.dose_mg if tables.dose_mg else (None, None)
    report["dose_response"] = finite_or_none(dose_response(engine_tables, dataset, report, indication=indication, area=area, outcome=outcome, mg_per_ml=mg_per_ml, substance=substance))  # fmt: skip
    return report


def trajectories(tables: Tables, *, indication: str, area: str | None, outcome: str, protocol: str | None) -> list[list[tuple[float, float]]]:  # fmt: skip
    """Per treated site series: (sessions before the reading, change from baseline)."""
    rows = tables.dataset(protocol, indication, area, outcome).rows
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
        report, _ = report_and_dataset(tables.normalised(protocol), indication=indication, area=area, outcome=outcome)  # fmt: skip
        out.append({"protocol": protocol, "courses": report["courses"], "per_session_effect": report["per_session_effect"], "naive_change": report["naive_change"]})  # fmt: skip
    return out
