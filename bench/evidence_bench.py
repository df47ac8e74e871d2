"""Evidence report at registry scale, timed beside statsmodels MixedLM on the same data.

    .venv/bin/python bench/evidence_bench.py [--patients 100000] [--mixedlm-patients N]

1. Draws a seeded synthetic bundle (mesoclinic.evidence.synthetic) of ``--patients``
   patients (about 10 measurements each with the settings below).
2. Times the whole report (``build_report``: parsing the tables, courses, baseline, the
   mixed model, control-site difference, adverse events), then once more under
   tracemalloc for the peak of memory allocated during the report.
3. Fits the report's mixed model alone with the engine's REML solver and with statsmodels
   MixedLM (REML, random intercept) on the same design, on the first ``--mixedlm-patients``
   patients (default: all), and prints both times, the speed ratio and the largest
   difference between the estimates.

Prints what it measured; asserts nothing about time (CONTRIBUTING.md).
"""

from __future__ import annotations

import argparse
import resource
import time
import tracemalloc
import warnings

import numpy as np

from mesoclinic.evidence.engine.courses import build_dataset
from mesoclinic.evidence.engine.estimates import design, model_frame
from mesoclinic.evidence.engine.lmm import fit_random_intercept
from mesoclinic.evidence.engine.report import build_report
from mesoclinic.evidence.engine.tables import normalise
from mesoclinic.evidence.synthetic import Arm, SyntheticConfig, generate


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0  # Linux: kB


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--patients", type=int, default=100_000)
    parser.add_argument("--mixedlm-patients", type=int, default=0, help="0 = all")
    parser.add_argument("--seed", type=int, default=20240501)
    args = parser.parse_args()

    # One indication, so that every patient and measurement of the bundle is in the report.
    arm = Arm("localized_fat", "flank", "synthetic PC/DC", -0.5, 0.2, 1.0)
    config = SyntheticConfig(
        n_patients=args.patients, arms=(arm,), planned_sessions=4, control_share=0.2
    )
    start = time.perf_counter()
    bundle = generate(config, np.random.default_rng(args.seed))
    print(f"synthetic bundle: {args.patients:,} patients, {len(bundle.sessions):,} session rows, {len(bundle.measurements):,} measurements, {len(bundle.adverse_events):,} adverse events ({time.perf_counter() - start:.1f} s to generate)")  # fmt: skip

    tables = bundle.tables()
    start = time.perf_counter()
    report = build_report(**tables, indication="localized_fat")
    report_s = time.perf_counter() - start
    effect = report["per_session_effect"]
    print(f"report (localized_fat, all areas): {report_s:.2f} s wall, one process; analysed {report['patients']:,} patients, {report['measurements']:,} outcome measurements")  # fmt: skip
    print(f"  per-session effect {effect['estimate']:.4f} cm, 95% CI {effect['ci95']} (planted {bundle.truth['arms']['localized_fat']['per_session_effect']})")  # fmt: skip
    tracemalloc.start()
    build_report(**tables, indication="localized_fat")
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    print(f"  peak memory allocated during the report (tracemalloc): {peak / 2**20:.0f} MB; process peak RSS so far: {peak_rss_mb():.0f} MB")  # fmt: skip

    dataset = build_dataset(normalise(**tables), "localized_fat", None, "circumference_cm")
    frame, _ = model_frame(dataset)
    if args.mixedlm_patients:
        frame = frame[frame["patient"].to_numpy() < args.mixedlm_patients]
    x, names = design(frame)
    y, groups, patients = (frame[c].to_numpy() for c in ("y", "group", "patient"))
    start = time.perf_counter()
    ours = fit_random_intercept(y, x, groups, names, patients)
    ours_s = time.perf_counter() - start
    print(f"mixed model on {len(frame):,} rows / {int(groups.max()) + 1:,} patients: engine REML {ours_s:.3f} s (converged={ours.converged})")  # fmt: skip

    from statsmodels.regression.mixed_linear_model import MixedLM

    rss_before = peak_rss_mb()
    start = time.perf_counter()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        reference = MixedLM(y, x, groups=groups).fit(reml=True)
    mixedlm_s = time.perf_counter() - start
    print(f"  statsmodels MixedLM {mixedlm_s:.1f} s (converged={reference.converged}, {len(caught)} warnings); process peak RSS {rss_before:.0f} -> {peak_rss_mb():.0f} MB")  # fmt: skip
    fe = np.asarray(reference.fe_params)
    diff = np.abs(fe - ours.params)
    for name, a, b in zip(names, ours.params, fe, strict=True):
        print(f"  {name:>17}: engine {a: .6f}   MixedLM {b: .6f}")
    print(f"  largest |difference| of fixed effects: {diff.max():.2e}; residual variance {ours.scale:.5f} vs {float(reference.scale):.5f}; patient variance {ours.group_var:.5f} vs {float(np.asarray(reference.cov_re)[0, 0]):.5f}")  # fmt: skip
    print(f"  speed ratio MixedLM / engine fit: {mixedlm_s / ours_s:,.0f}x; MixedLM / whole report: {mixedlm_s / report_s:,.1f}x")  # fmt: skip


if __name__ == "__main__":
    main()
