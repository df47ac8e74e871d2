"""Coverage of the cost and dose-response figures over seeded synthetic practices (issue 16
part 3): the planted cost per cm, cost per responder and dose slope against the 95% intervals
of the estimates and of their naive counterparts.

    .venv/bin/python bench/cost_dose_coverage.py [--seeds 40] [--patients 400]

Prints what it measured; asserts nothing (CONTRIBUTING.md). The figures in
docs/evidence-cost-dose.md were measured with the defaults.
"""

from __future__ import annotations

import argparse
import time
from typing import Any

import numpy as np

from mesoclinic.evidence.cost_synthetic import (
    PricedScaleConfig,
    generate_priced_scale,
    planted_cost_per_responder,
)
from mesoclinic.evidence.figures import Tables, evidence_report
from mesoclinic.evidence.synthetic import Arm, SyntheticConfig, generate

ARM = (Arm("localized_fat", "flank", "synthetic PC/DC", -0.5, 0.2, 1.0),)
PRICE, SLOPE = 150.0, -0.1


def holds(ci: list[float | None], value: float) -> bool:
    return ci[0] is not None and ci[1] is not None and ci[0] <= value <= ci[1]


def fat(config: SyntheticConfig, seed: int) -> dict[str, Any]:
    bundle = generate(config, np.random.default_rng(seed))
    return evidence_report(Tables(**bundle.tables()), indication="localized_fat", area=None, outcome="circumference_cm")  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seeds", type=int, default=40)
    parser.add_argument("--patients", type=int, default=400)
    args = parser.parse_args()
    seeds, started = range(args.seeds), time.perf_counter()

    per_cm = [fat(SyntheticConfig(n_patients=args.patients, arms=ARM, session_price=PRICE), s)["cost"]["by_currency"][0]["cost_per_unit"] for s in seeds]  # fmt: skip
    truth = PRICE / 0.5
    print(f"cost per cm (planted {truth:.0f}): mean {np.mean([c['estimate'] for c in per_cm]):.1f}, coverage {np.mean([holds(c['ci95'], truth) for c in per_cm]):.3f}, naive coverage {np.mean([holds(c['naive']['ci95'], truth) for c in per_cm]):.3f}")  # fmt: skip

    config = PricedScaleConfig(n_patients=args.patients)
    truth, naive_truth = planted_cost_per_responder(config)
    figures = []
    for s in seeds:
        tables = generate_priced_scale(config, np.random.default_rng(s))
        report = evidence_report(Tables(**tables), indication="cellulite", area=None, outcome="hexsel_css")  # fmt: skip
        figures.append(report["cost"]["by_currency"][0]["cost_per_responder"])
    print(f"cost per responder (planted {truth:.0f}, a responder's own course {naive_truth:.1f}): mean {np.mean([f['estimate'] for f in figures]):.1f}, coverage {np.mean([holds(f['ci95'], truth) for f in figures]):.3f}, naive coverage of the planted cost per responder {np.mean([holds(f['naive']['ci95'], truth) for f in figures]):.3f}")  # fmt: skip

    for extra in (0.5, 1.5):
        dosed = SyntheticConfig(n_patients=args.patients, arms=ARM, dose_ml=4.0, dieter_extra_ml=extra, dose_slope_cm_per_ml=SLOPE)  # fmt: skip
        sections = [fat(dosed, s)["dose_response"] for s in seeds]
        print(f"dose slope, dieters +{extra} mL (planted {SLOPE}): mean {np.mean([d['slope']['estimate'] for d in sections]):.4f}, coverage {np.mean([holds(d['slope']['ci95'], SLOPE) for d in sections]):.3f}, naive mean {np.mean([d['naive_slope']['estimate'] for d in sections]):.4f}, naive coverage {np.mean([holds(d['naive_slope']['ci95'], SLOPE) for d in sections]):.3f}")  # fmt: skip
    print(f"{args.seeds} seeds × {args.patients} patients in {time.perf_counter() - started:.0f} s")


if __name__ == "__main__":
    main()
