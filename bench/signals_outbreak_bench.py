"""Sensitivity and false signals of the outbreak analysis on synthetic co-exposure outbreaks.

    .venv/bin/python bench/signals_outbreak_bench.py [--seeds 200] [--null]

For each seed, a two-year registry from ``bench/outbreaks.py`` (cocktails of co-administered
lots, one contaminated lidocaine lot with about 10 % late lesions), the clinic size and
background rate taken in turn from ``SCENARIOS``; the pure pipeline that the command runs on
the database (``signal_analysis.detect_outbreaks``: attribution, sentinel alerts, attack-rate
table, co-exposure, Holm) is run on it. Prints, per scenario and in all: sensitivity (the
planted lot among the signals), runs with exactly the planted lot, false signals per 100
clinic-years, and the sentinel alerts per 100 clinic-years for comparison. ``--null`` also
runs registries with no contaminated lot (every signal is false there).
"""

from __future__ import annotations

import argparse
import sys
import time
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.outbreaks import generate  # noqa: E402
from mesoclinic.safety.signal_analysis import detect_outbreaks  # noqa: E402

# (sessions a day, background late lesions per session)
SCENARIOS = [(8, 0.005), (15, 0.01), (30, 0.02), (15, 0.03), (30, 0.005)]


def run(seeds: int, attack: float) -> dict[str, float]:
    by_scenario: dict[tuple[int, float], list[tuple[bool, bool, int, int]]] = defaultdict(list)
    years = 0.0
    began = time.perf_counter()
    for seed in range(seeds):
        per_day, background = SCENARIOS[seed % len(SCENARIOS)]
        registry = generate(seed, per_day, background, attack)
        found = detect_outbreaks(registry.events, registry.sessions, registry.as_of)
        keys = [(s.kind, s.key) for s in found.signals]
        planted = ("lot", registry.planted)
        hit = planted in keys
        false = sum(1 for k in keys if k != planted or attack == 0)
        by_scenario[(per_day, background)].append(
            (hit, keys == [planted], false, len(found.alerts))
        )
        years += registry.clinic_years
    elapsed = time.perf_counter() - began
    label = "outbreak registries" if attack else "null registries (no contaminated lot)"
    print(f"{label}: {seeds} seeds, {years:.0f} clinic-years, {elapsed:.1f} s")
    print(
        "  sessions/day  background  runs  sensitivity  exactly-planted  false/100cy  alerts/100cy"
    )
    total = [0, 0, 0, 0, 0]
    for (per_day, background), results in sorted(by_scenario.items()):
        n = len(results)
        hits = sum(r[0] for r in results)
        exact = sum(r[1] for r in results)
        false = sum(r[2] for r in results)
        alerts = sum(r[3] for r in results)
        cy = n * 2
        print(
            f"  {per_day:12d}  {background:10.3f}  {n:4d}  {hits / n:11.1%}  {exact / n:15.1%}"
            f"  {100 * false / cy:11.2f}  {100 * alerts / cy:12.1f}"
        )
        for i, v in enumerate((n, hits, exact, false, alerts)):
            total[i] += v
    n, hits, exact, false, alerts = total
    print(
        f"  {'all':>12}  {'':10}  {n:4d}  {hits / n:11.1%}  {exact / n:15.1%}"
        f"  {100 * false / years:11.2f}  {100 * alerts / years:12.1f}"
    )
    return {"sensitivity": hits / n, "exact": exact / n, "false_per_100cy": 100 * false / years}


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--seeds", type=int, default=200)
    parser.add_argument("--attack", type=float, default=0.10)
    parser.add_argument("--null", action="store_true", help="also run registries with no outbreak")
    args = parser.parse_args()
    run(args.seeds, args.attack)
    if args.null:
        run(args.seeds, 0.0)


if __name__ == "__main__":
    main()
