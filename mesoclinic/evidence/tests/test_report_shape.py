"""The report dict has exactly the shape of ../shared/spec/evidence-report.md."""

from __future__ import annotations

import ast
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from mesoclinic.evidence.engine.report import build_report
from mesoclinic.evidence.synthetic import SyntheticConfig, generate

ENGINE = Path(__file__).resolve().parents[1] / "engine"
REQUIRED = {
    "indication", "area", "outcome", "patients", "courses", "measurements", "naive_change",
    "per_session_effect", "weight_effect_per_kg", "control_difference_per_session",
    "responders", "adverse_events", "limitations",
}  # fmt: skip
AE_KEYS = {
    "type", "sessions_with_event", "sessions", "rate_per_session", "ci95",
    "patients_with_event", "patients", "median_days_to_resolution",
}  # fmt: skip


def intervals(value: Any, path: str = "report") -> Iterator[tuple[str, Any]]:
    """Every (path, value) whose key is 'ci95' anywhere in the report."""
    if isinstance(value, dict):
        for key, inner in value.items():
            if key == "ci95":
                yield f"{path}.{key}", inner
            yield from intervals(inner, f"{path}.{key}")
    elif isinstance(value, list):
        for i, inner in enumerate(value):
            yield from intervals(inner, f"{path}[{i}]")


def test_it_has_every_required_key_and_two_element_intervals(bundle):
    # given a synthetic bundle
    # when the report is built
    report = build_report(**bundle.tables(), indication="localized_fat", area="flank")
    # then every key of the spec is there, JSON-serialisable without NaN
    assert set(report) >= REQUIRED
    json.dumps(report, allow_nan=False)
    assert report["area"] == "flank"
    assert report["outcome"] == "circumference_cm"
    assert {"estimate", "ci95", "definition"} <= set(report["naive_change"])
    assert {"estimate", "ci95", "method", "adjusted_for"} <= set(report["per_session_effect"])
    assert {"weight_within", "weight_between"} <= set(report["per_session_effect"]["adjusted_for"])  # fmt: skip
    assert {"estimate", "ci95", "patients"} <= set(report["control_difference_per_session"])
    assert all(set(entry) >= AE_KEYS for entry in report["adverse_events"])
    assert all(isinstance(item, str) for item in report["limitations"])
    # and every ci95 is a [low, high] pair
    found = list(intervals(report))
    assert len(found) >= 6
    for path, ci in found:
        assert isinstance(ci, list), path
        assert len(ci) == 2, path
        assert ci[0] <= ci[1], path


def test_it_gives_the_same_report_from_rows_as_from_frames(bundle):
    # given the same bundle as lists of dicts with ISO date strings and '' for empty cells
    rows = bundle.rows()
    # when both are reported
    from_rows = build_report(**rows, indication="cellulite")
    from_frames = build_report(**bundle.tables(), indication="cellulite")
    # then the reports are identical
    assert from_rows == from_frames


def test_it_reports_null_figures_with_their_reasons_when_data_are_too_few():
    # given only 12 patients, no control sites
    bundle = generate(SyntheticConfig(n_patients=12, control_share=0.0), np.random.default_rng(1))
    # when the report is built
    report = build_report(**bundle.tables(), indication="localized_fat")
    # then the model figures are null and the limitations say why
    assert report["per_session_effect"] is None
    assert report["weight_effect_per_kg"] is None
    assert report["control_difference_per_session"] is None
    assert report["responders"] is None
    text = " ".join(report["limitations"])
    assert "per-session effect not computed" in text
    assert "no untreated control site" in text
    assert "responder rate not reported" in text
    json.dumps(report, allow_nan=False)


def test_it_reports_an_empty_indication_without_failing():
    # given a bundle with no hair-loss sessions
    bundle = generate(SyntheticConfig(n_patients=50), np.random.default_rng(2))
    # when the report for hair loss is built
    report = build_report(**bundle.tables(), indication="hair_loss")
    # then it is empty, every figure null, and says there were no sessions
    assert report["patients"] == 0
    assert report["naive_change"] is None
    assert report["adverse_events"] == []
    assert any(
        "no sessions recorded for this indication (Hair loss)" in item
        for item in report["limitations"]
    )


def test_it_names_the_table_row_and_column_of_a_malformed_value(bundle):
    # given a measurement whose date cannot be read
    rows = bundle.rows()
    rows["measurements"][3]["date"] = "2023-13-45"
    # when / then the error names measurements:line:column and the value
    with pytest.raises(ValueError, match=r"measurements:5:date: '2023-13-45' is not a date"):
        build_report(**rows, indication="cellulite")


def test_it_rejects_an_unknown_indication_by_name():
    # given / when / then
    with pytest.raises(ValueError, match="indication: 'botox'"):
        build_report([], [], [], [], indication="botox")


def test_it_rejects_a_missing_required_column():
    # given sessions without a date column
    sessions = [{"session_id": "S1", "patient_id": "P1", "indication": "cellulite", "area": "buttock", "side": "left"}]  # fmt: skip
    # when / then
    with pytest.raises(ValueError, match="sessions: missing column 'date'"):
        build_report([], sessions, [], [], indication="cellulite")


def test_it_keeps_the_engine_apart_from_the_apps():
    # (that it imports no Django is the "pure" contract of lint-imports, pyproject.toml)
    # given the engine's modules and the synthetic generator
    sources = [*ENGINE.glob("*.py"), ENGINE.parent / "synthetic.py"]
    # when their imports are read
    imported = set()
    for path in sources:
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Import):
                imported |= {alias.name for alias in node.names}
            elif isinstance(node, ast.ImportFrom) and node.module:
                imported.add(node.module)
    # then the only project imports are the engine and clinical codes
    assert len(sources) >= 10
    project = {name for name in imported if name.startswith("mesoclinic")}
    assert all(n.startswith("mesoclinic.evidence.engine") or n == "mesoclinic.clinical_codes" for n in project)  # fmt: skip


def test_it_reports_nulls_not_a_crash_when_no_course_has_a_baseline():
    # given sessions, weights and follow-up hair densities but no reading before time zero
    sessions = [
        {"session_id": f"s{p}", "patient_id": f"p{p}", "date": "2025-01-10",
         "indication": "hair_loss", "area": "scalp", "side": "midline"}
        for p in range(3)
    ]  # fmt: skip
    measurements = [
        {"patient_id": f"p{p}", "date": "2025-03-10", "kind": k, "value": v,
         "area": "scalp" if k != "weight_kg" else "", "side": "midline" if k != "weight_kg" else ""}
        for p in range(3) for k, v in (("hair_density_cm2", 150), ("weight_kg", 70))
    ]  # fmt: skip
    # when the report is built
    report = build_report(None, sessions, measurements, None, indication="hair_loss", outcome="hair_density_cm2")  # fmt: skip
    # then the figures are null and the exclusion is said
    assert report["naive_change"] is None
    assert report["courses"] == 0
    assert any("no baseline reading" in text for text in report["limitations"])
