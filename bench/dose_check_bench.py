"""Dose check of a 30-syringe session: median microseconds per check over many runs.

Run: .venv/bin/python -m bench.dose_check_bench  (prints figures; never asserts a time)
"""

from __future__ import annotations

import json
import statistics
import time
from collections.abc import Callable
from decimal import Decimal

from mesoclinic.dosing.engine import check_session
from mesoclinic.dosing.input_schema import load_session_json

RUNS = 2000
WARMUP = 100


def session_json(syringe_count: int = 30) -> str:
    """A busy but realistic session: anaesthesia, PC/DC, labelled DCA, cocktails, collagenase."""
    kinds: list[tuple[str, str | None, int | None, list[tuple[str, str, bool | None]], str]] = [
        ("submental", None, None, [("lidocaine", "10", False)], "2"),
        ("submental", None, 5, [("deoxycholic_acid", "10", None)], "1"),
        (
            "abdomen",
            None,
            40,
            [("phosphatidylcholine", "25", None), ("deoxycholic_acid", "21", None)],
            "2",
        ),
        (
            "face",
            None,
            50,
            [("hyaluronic_acid", "5", None), ("vitamin_c", "20", None), ("lidocaine", "3", True)],
            "1",
        ),
        ("buttock", "left", 6, [("collagenase", "0.23", None)], "0.5"),
        ("scalp", None, 80, [("procaine", "5", None), ("biotin", "0.5", None)], "1.5"),
    ]
    syringes = []
    for index in range(syringe_count):
        area, side, points, ingredients, volume = kinds[index % len(kinds)]
        syringe: dict[str, object] = {
            "label": f"syringe {index + 1}",
            "area": area,
            "volume_ml": float(Decimal(volume)),
            "ingredients": [
                {"substance": s, "mg_per_ml": float(Decimal(c))}
                | ({} if epi is None else {"with_epinephrine": epi})
                for s, c, epi in ingredients
            ],
        }
        if side:
            syringe["side"] = side
        if points:
            syringe["points"] = points
        syringes.append(syringe)
    return json.dumps(
        {
            "patient": {"weight_kg": 72.5, "sex": "f", "birth_date": "1985-04-02"},
            "date": "2026-11-20",
            "history": [
                {"date": "2026-09-01", "substances": ["deoxycholic_acid"], "area": "submental"},
                {"date": "2026-10-01", "substances": ["collagenase"], "area": "buttock"},
                {"date": "2026-10-10", "substances": ["phosphatidylcholine", "deoxycholic_acid"]},
            ],
            "syringes": syringes,
        }
    )


def median_microseconds(action: Callable[[], object]) -> float:
    for _ in range(WARMUP):
        action()
    samples = []
    for _ in range(RUNS):
        start = time.perf_counter_ns()
        action()
        samples.append(time.perf_counter_ns() - start)
    return statistics.median(samples) / 1000


def main() -> None:
    text = session_json(30)
    plan = load_session_json(text)
    verdict = check_session(plan)
    check_us = median_microseconds(lambda: check_session(plan))
    full_us = median_microseconds(lambda: check_session(load_session_json(text)).to_json())
    print(
        f"dose check, 30 syringes, {RUNS} runs ({len(verdict.totals)} substance totals, "
        f"{len(verdict.violations)} violations, {len(verdict.warnings)} warnings)"
    )
    print(f"  engine only (check_session):         median {check_us:8.1f} µs")
    print(f"  parse + validate + check + to_json:  median {full_us:8.1f} µs")


if __name__ == "__main__":
    main()
