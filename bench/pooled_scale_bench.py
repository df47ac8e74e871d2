"""The pooled evidence report at the scale of issue 16 (100 sites, 10,000,000 measurements),
end to end from the bundles on disk, beside statsmodels MixedLM on a subsample.

    .venv/bin/python bench/pooled_scale_bench.py [--sites 100] [--measurements 10000000]
        [--workers 1] [--folder DIR] [--mixedlm-sites 5] [--mixedlm-rows 200000] [--seed S]

1. Draws ``--sites`` synthetic practices (``pooled_synthetic``: the single-site mechanism,
   one arm, a planted per-site effect θ_site ~ N(−0.5, 0.15²) cm/session), sized at random
   (0.6–1.4 × the mean) so that they hold about ``--measurements`` measurements in all, and
   writes each as a .zip registry bundle under ``--folder`` (kept: a second run with the same
   sizes and seed reuses them; generating is not timed).
2. In a fresh process (so that nothing of the generation is in its memory): the pooled report
   as ``evidence-report --bundle … --bundle …`` computes it — each site read by
   ``site_reader.read_site`` (DuckDB, the report's checks in SQL), reduced to its report, then
   pooled — timed end to end: wall time, CPU time (this process and its workers), peak RSS
   (``getrusage``: this process, and the largest worker), and the peak of the summed RSS of
   the process and its workers sampled every 20 ms; the machine's load average before and
   after; the pooled estimates beside the planted truth.
3. On the first ``--mixedlm-sites`` sites, each cut to its first patients so that the model
   rows total about ``--mixedlm-rows``: each site's mixed model fitted by the engine's REML
   solver and by statsmodels MixedLM (REML, random intercept, same design), the per-session
   effects side by side, and the time ratio.

Prints what it measured; asserts nothing about time (CONTRIBUTING.md).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import threading
import time
import warnings
import zipfile
from functools import partial
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from mesoclinic.evidence.pooled_report import pooled_report  # noqa: E402  (needs ROOT on the path)
from mesoclinic.evidence.site_reader import read_site  # noqa: E402

INDICATION, OUTCOME = "localized_fat", "circumference_cm"
MEAN_CM, TAU_CM = -0.5, 0.15
# Measurements per patient of one synthetic site (one arm, the default schedule), measured.
MEASUREMENTS_PER_PATIENT = 14.6


def generate(args: argparse.Namespace, folder: Path) -> None:
    """Step 1: the sites' bundles and the planted truth (truth.json), unless already there."""
    from mesoclinic.evidence.pooled_synthetic import site_config, write_bundle_csv
    from mesoclinic.evidence.synthetic import generate as draw

    if (folder / "truth.json").exists():
        return
    folder.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(args.seed)
    effects = rng.normal(MEAN_CM, TAU_CM, args.sites)
    weights = rng.uniform(0.6, 1.4, args.sites)
    patients = np.maximum(20, np.round(args.measurements * weights / weights.sum() / MEASUREMENTS_PER_PATIENT)).astype(int)  # fmt: skip
    start, total = time.perf_counter(), 0
    for i, (effect, n) in enumerate(zip(effects, patients, strict=True), start=1):
        bundle = draw(site_config(float(effect), int(n)), rng)
        total += len(bundle.measurements)
        staging = folder / f"site-{i:03d}"
        write_bundle_csv(bundle, staging)
        with zipfile.ZipFile(folder / f"site-{i:03d}.zip", "w", zipfile.ZIP_DEFLATED) as archive:
            for csv_file in sorted(staging.iterdir()):
                archive.write(csv_file, csv_file.name)
                csv_file.unlink()
        staging.rmdir()
        print(f"\r  generated {i}/{args.sites} sites, {total:,} measurements", end="", file=sys.stderr)  # fmt: skip
    print(file=sys.stderr)
    truth = {"effects": effects.tolist(), "patients": patients.tolist(), "measurements": total}
    (folder / "truth.json").write_text(json.dumps(truth))
    print(f"generated {args.sites} site bundles, {total:,} measurements, in {time.perf_counter() - start:.0f} s ({folder})")  # fmt: skip


def _rss_kb(pid: int) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def _children(pid: int) -> list[int]:
    try:
        return [int(p) for p in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    except OSError:
        return []


class RssSampler(threading.Thread):
    """The peak of this process's RSS plus its children's, sampled every 20 ms."""

    def __init__(self) -> None:
        super().__init__(daemon=True)
        self.peak_kb, self.running = 0, True

    def run(self) -> None:
        me = os.getpid()
        while self.running:
            self.peak_kb = max(self.peak_kb, _rss_kb(me) + sum(_rss_kb(c) for c in _children(me)))  # fmt: skip
            time.sleep(0.02)


def measure(args: argparse.Namespace, folder: Path) -> None:
    """Step 2, in a fresh process: the pooled report end to end, timed."""
    truth = json.loads((folder / "truth.json").read_text())
    paths = sorted(folder.glob("site-*.zip"))
    sites = [(p.stem, partial(read_site, p)) for p in paths]
    load_before = os.getloadavg()
    rss_start = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    sampler = RssSampler()
    sampler.start()
    cpu, start = time.process_time(), time.perf_counter()
    report = pooled_report(sites, indication=INDICATION, area=None, outcome=OUTCOME, workers=args.workers)  # fmt: skip
    wall = time.perf_counter() - start
    cpu_self = time.process_time() - cpu
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    sampler.running = False
    sampler.join()
    own = resource.getrusage(resource.RUSAGE_SELF)
    load_after = os.getloadavg()
    effect = report["per_session_effect"]
    print(f"pooled report, {len(paths)} sites, {report['measurements']:,} outcome measurements analysed of {truth['measurements']:,} in the bundles, workers={args.workers}:")  # fmt: skip
    print(f"  wall {wall:.1f} s; CPU {cpu_self + children.ru_utime + children.ru_stime:.1f} s (this process {cpu_self:.1f} s, workers {children.ru_utime + children.ru_stime:.1f} s)")  # fmt: skip
    print(f"  peak RSS: this process {own.ru_maxrss / 1024:.0f} MB (at start {rss_start:.0f} MB), largest worker {children.ru_maxrss / 1024:.0f} MB; sampled peak of the sum {sampler.peak_kb / 1024:.0f} MB")  # fmt: skip
    print(f"  load average (1, 5, 15 min) before {load_before[0]:.1f} {load_before[1]:.1f} {load_before[2]:.1f}, after {load_after[0]:.1f} {load_after[1]:.1f} {load_after[2]:.1f}; {os.cpu_count()} cores")  # fmt: skip
    planted = np.array(truth["effects"])
    print(f"  pooled per-session effect {effect['estimate']} cm, 95% CI {effect['ci95']} (planted mean {MEAN_CM}; mean of the sites' planted effects {planted.mean():.4f})")  # fmt: skip
    print(f"  τ {effect['tau']} (planted {TAU_CM}; SD of the sites' planted effects {planted.std(ddof=1):.4f}), τ² 95% CI {effect['tau2_ci95']} (planted τ² {TAU_CM**2:.4f}); I² {effect['i2']}")  # fmt: skip
    held = [s["per_session_effect"]["ci95"][0] <= t <= s["per_session_effect"]["ci95"][1] for s, t in zip(report["sites"], planted, strict=True) if s["per_session_effect"]]  # fmt: skip
    errors = [abs(s["per_session_effect"]["estimate"] - t) for s, t in zip(report["sites"], planted, strict=True) if s["per_session_effect"]]  # fmt: skip
    print(f"  sites whose 95% CI holds their planted effect: {sum(held)}/{len(held)}; largest |site estimate − planted| {max(errors):.4f} cm")  # fmt: skip


def mixedlm(args: argparse.Namespace, folder: Path) -> None:
    """Step 3: the engine's REML fit beside statsmodels MixedLM, site by site."""
    from statsmodels.regression.mixed_linear_model import MixedLM

    from mesoclinic.evidence.engine.estimates import design, model_frame
    from mesoclinic.evidence.engine.lmm import fit_random_intercept

    truth = json.loads((folder / "truth.json").read_text())
    per_site = args.mixedlm_rows // args.mixedlm_sites
    ours_s = ref_s = read_s = 0.0
    rows_total, largest = 0, 0.0
    for i, path in enumerate(sorted(folder.glob("site-*.zip"))[: args.mixedlm_sites]):
        start = time.perf_counter()
        tables = read_site(path)
        frame, _ = model_frame(tables.dataset(None, INDICATION, None, OUTCOME))
        read_s += time.perf_counter() - start
        # The first patients whose rows fit the site's share of the subsample.
        patients = frame["patient"].to_numpy()
        counts = np.cumsum(np.bincount(patients))
        cap = int(np.searchsorted(counts, per_site, side="right"))
        frame = frame[patients < max(cap, 2)]
        x, names = design(frame)
        y, groups, clusters = (frame[c].to_numpy() for c in ("y", "group", "patient"))
        rows_total += len(frame)
        start = time.perf_counter()
        ours = fit_random_intercept(y, x, groups, names, clusters)
        ours_s += time.perf_counter() - start
        start = time.perf_counter()
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            reference = MixedLM(y, x, groups=groups).fit(reml=True)
        ref_s += time.perf_counter() - start
        k = names.index("sess")
        fe = float(np.asarray(reference.fe_params)[k])
        largest = max(largest, abs(fe - float(ours.params[k])))
        print(f"  {path.stem}: {len(frame):,} rows; per-session effect engine {ours.params[k]: .6f}, MixedLM {fe: .6f} (planted {truth['effects'][i]: .4f}; MixedLM converged={reference.converged})")  # fmt: skip
    print(f"mixed model on {args.mixedlm_sites} sites, {rows_total:,} model rows: engine REML {ours_s:.2f} s, statsmodels MixedLM {ref_s:.1f} s: ratio MixedLM / engine fit {ref_s / ours_s:,.0f}x; largest |difference| of the per-session effect {largest:.1e}")  # fmt: skip
    print(f"  (reading those {args.mixedlm_sites} whole sites and building their datasets: {read_s:.1f} s)")  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sites", type=int, default=100)
    parser.add_argument("--measurements", type=int, default=10_000_000)
    parser.add_argument("--workers", type=int, default=1, help="sites reduced at once (worker processes)")  # fmt: skip
    parser.add_argument("--folder", default=None, help="where the bundles are kept (default: /tmp/pooled-scale-SITES-MEASUREMENTS-SEED)")  # fmt: skip
    parser.add_argument("--mixedlm-sites", type=int, default=5, help="0 = skip")
    parser.add_argument("--mixedlm-rows", type=int, default=200_000)
    parser.add_argument("--seed", type=int, default=20261204)
    parser.add_argument("--step", choices=("all", "measure", "mixedlm"), default="all", help=argparse.SUPPRESS)  # fmt: skip
    args = parser.parse_args()
    folder = Path(args.folder or f"/tmp/pooled-scale-{args.sites}-{args.measurements}-{args.seed}")

    if args.step == "measure":
        measure(args, folder)
        return
    if args.step == "mixedlm":
        mixedlm(args, folder)
        return
    generate(args, folder)
    for step in ("measure", "mixedlm") if args.mixedlm_sites else ("measure",):
        # Each step in a fresh process: its peak memory is its own, not the generation's.
        command = [sys.executable, __file__, "--step", step, *sys.argv[1:]]
        subprocess.run(command, check=True)  # noqa: S603 (our own script, our own arguments)


if __name__ == "__main__":
    main()
