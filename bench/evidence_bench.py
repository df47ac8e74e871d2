"""Evidence report at registry scale, on the command's and the pages' own path, beside
statsmodels MixedLM on the same data.

    .venv/bin/python bench/evidence_bench.py [--patients 100000] [--mixedlm-patients N]
                                             [--db-patients 10000] [--seed S]
                                             [--database FILE]

1. Draws a seeded synthetic bundle (mesoclinic.evidence.synthetic) of ``--patients``
   patients (about 10.6 measurements each with the settings below).
2. Times the report as ``evidence-report`` and the evidence pages compute it:
   ``figures.Tables`` (the rows normalised once) then ``figures.evidence_report`` (the
   spec's report plus the decomposition, from one analysed dataset), then once more under
   tracemalloc for the peak of memory allocated.
3. Reading from the database (``--db-patients``, 0 to skip): a bundle of that many patients
   written as CSV, imported with ``import-registry`` into a temporary SQLite clinic, then
   ``services.clinic_tables`` (the rows the command and the pages read) and the same report,
   each timed (CPU and wall); their CPU sum is printed beside the goal (≤ 5 s at 100,000
   patients): measured when ``--db-patients`` equals ``--patients`` (the import then takes
   a few minutes), else scaled linearly, an estimate. Baseline in the same run: the very
   SELECT statements of the read, executed again and their rows fetched by the driver with
   nothing done with them (the floor of any reader through this driver), and the ratios.
4. Fits the report's mixed model alone with the engine's REML solver and with statsmodels
   MixedLM (REML, random intercept) on the same design (first ``--mixedlm-patients``
   patients; default all), prints both times and the speed ratios, the fixed effects side by
   side, and the 95% intervals of the per-session effect, separately:
   - model-based: the engine's ``ci95_model_based`` beside MixedLM's own standard error;
   - cluster-robust by patient (CR1): the engine's ``ci95`` (what the report gives) beside the
     same sandwich computed here, independently, at MixedLM's estimates and variances.

Prints what it measured; asserts nothing about time (CONTRIBUTING.md).
"""

from __future__ import annotations

import argparse
import csv
import gc
import os
import resource
import sys
import tempfile
import time
import tracemalloc
import warnings
from pathlib import Path
from typing import Any

# One BLAS thread, as mesoclinic/settings.py gives the app (numpy is loaded here first).
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

import numpy as np  # noqa: E402
from scipy import stats  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from mesoclinic.evidence import figures  # noqa: E402  (needs ROOT on the path)
from mesoclinic.evidence.engine.estimates import design, model_frame  # noqa: E402
from mesoclinic.evidence.engine.lmm import fit_random_intercept  # noqa: E402
from mesoclinic.evidence.synthetic import Arm, SyntheticBundle, SyntheticConfig, generate  # noqa: E402

INDICATION, OUTCOME = "localized_fat", "circumference_cm"
GOAL_CPU_S = 5.0  # issue 11: read + report of a 100,000-patient clinic, CPU seconds


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0  # Linux: kB


def bundle_of(patients: int, seed: int) -> SyntheticBundle:
    # One indication, so that every patient and measurement of the bundle is in the report.
    arm = Arm(INDICATION, "flank", "synthetic PC/DC", -0.5, 0.2, 1.0)
    config = SyntheticConfig(n_patients=patients, arms=(arm,), planned_sessions=4, control_share=0.2)  # fmt: skip
    return generate(config, np.random.default_rng(seed))


def report(tables: figures.Tables) -> dict[str, Any]:
    """What ``evidence-report --json`` and the evidence page compute."""
    return figures.evidence_report(tables, indication=INDICATION, area=None, outcome=OUTCOME)


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, (bool, np.bool_)):
        return "true" if value else "false"
    return str(value)


def write_csv_bundle(bundle: SyntheticBundle, folder: Path) -> None:
    from mesoclinic.registry.bundle_format import FILES

    rows = bundle.rows()
    folder.mkdir(parents=True, exist_ok=True)
    for name, spec in FILES.items():
        with (folder / name).open("w", newline="", encoding="utf-8") as out:
            writer = csv.writer(out, lineterminator="\n")
            writer.writerow(spec.column_names)
            for row in rows.get(name.removesuffix(".csv"), []):
                writer.writerow([_cell(row.get(c)) for c in spec.column_names])


def database_path(args: argparse.Namespace, tmp: Path) -> None:
    """Step 3: import a bundle into SQLite, then read it and report as the command does.

    With ``--database FILE``: the SQLite file is kept; when it already holds the bench
    clinic from an earlier run with the same ``--db-patients`` and ``--seed``, the import is
    skipped and the file read as it is (the 100,000-patient import takes minutes)."""
    db_file = Path(args.database).resolve() if args.database else tmp / "db.sqlite3"
    marker = db_file.with_name(db_file.name + ".bench")  # what the kept file holds
    wanted = f"patients={args.db_patients} seed={args.seed + 1}"
    reuse = bool(args.database) and db_file.exists() and marker.exists() and marker.read_text() == wanted  # fmt: skip
    os.environ.update({"DJANGO_SETTINGS_MODULE": "mesoclinic.settings", "DATABASE_URL": f"sqlite:///{db_file}", "MESOCLINIC_VAR_DIR": str(tmp), "LOG_LEVEL": "ERROR"})  # fmt: skip
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from mesoclinic.clinics.models import Clinic
    from mesoclinic.evidence.services import clinic_tables
    from mesoclinic.outcomes.models import Measurement

    if reuse:
        print(f"database: reused {db_file} (imported by an earlier run: {wanted}; import not timed)")  # fmt: skip
    else:
        if db_file.exists():
            db_file.unlink()
        marker.unlink(missing_ok=True)
        bundle = bundle_of(args.db_patients, args.seed + 1)
        write_csv_bundle(bundle, tmp / "bundle")
        call_command("migrate", verbosity=0)
        call_command("create_clinic", "bench", "--name", "Bench", stdout=open(os.devnull, "w"))  # noqa: SIM115
        start = time.perf_counter()
        call_command("import_registry", str(tmp / "bundle"), "--clinic", "bench", stdout=open(os.devnull, "w"))  # fmt: skip  # noqa: SIM115
        print(f"database: {args.db_patients:,} patients, {len(bundle.measurements):,} measurements imported into SQLite in {time.perf_counter() - start:.1f} s")  # fmt: skip
        if args.database:
            marker.write_text(wanted)
    clinic = Clinic.objects.get(slug="bench")
    n_measurements = Measurement.objects.for_clinic(clinic).count()
    statements: list[tuple[str, Any]] = []

    def capture(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        statements.append((sql, params))
        return execute(sql, params, many, context)

    cpu, start = time.process_time(), time.perf_counter()
    with connection.execute_wrapper(capture):  # a few dozen statements: no measurable cost
        tables = clinic_tables(clinic)
    read_s, read_cpu = time.perf_counter() - start, time.process_time() - cpu
    # The floor of any reader through this driver: the very statements the read made, their
    # rows fetched and nothing else done with them.
    # (With the cyclic collector off while fetching, as the read does: a million row tuples
    # would set it off again and again.)
    gc.disable()
    cpu = time.process_time()
    with connection.cursor() as cursor:
        for sql, params in statements:
            if sql.lstrip().upper().startswith("SELECT"):
                cursor.execute(sql, params)
                cursor.fetchall()
    fetch_cpu = time.process_time() - cpu
    gc.enable()
    cpu, start = time.process_time(), time.perf_counter()
    result = report(tables)
    report_s, report_cpu = time.perf_counter() - start, time.process_time() - cpu
    per_measurement_us = read_s / n_measurements * 1e6
    print(f"  read (services.clinic_tables): {read_s:.2f} s wall, {read_cpu:.2f} s CPU ({per_measurement_us:.1f} µs per measurement); report: {report_s:.2f} s wall, {report_cpu:.2f} s CPU")  # fmt: skip
    print(f"  baseline: the read's {len(statements)} statements fetched by the driver alone {fetch_cpu:.2f} s CPU; read / fetch = {read_cpu / fetch_cpu:.2f}×; (read + report) / fetch = {(read_cpu + report_cpu) / fetch_cpu:.2f}×")  # fmt: skip
    # The goal of issue 11 is CPU time (it moves far less with the machine's load than wall).
    measured = "measured" if args.db_patients == args.patients else f"scaled ×{args.patients / args.db_patients:g} from {args.db_patients:,} patients (linear: an estimate, the report has costs that do not scale so)"  # fmt: skip
    scale = args.patients / args.db_patients
    print(f"  at {args.patients:,} patients ({measured}), CPU: read {read_cpu * scale:.2f} s + report {report_cpu * scale:.2f} s = {(read_cpu + report_cpu) * scale:.2f} s; goal ≤ {GOAL_CPU_S:.0f} s; wall {(read_s + report_s) * scale:.2f} s; load average {os.getloadavg()[0]:.2f}")  # fmt: skip
    print(f"  per-session effect {result['per_session_effect']['estimate']:.4f}, 95% CI {result['per_session_effect']['ci95']}")  # fmt: skip


def robust_ci(y: Any, x: Any, groups: Any, clusters: Any, beta: Any, scale: float, group_var: float, quantile: float) -> Any:  # fmt: skip
    """CR1 sandwich by cluster at given estimates, for a random intercept per group:
    V_g⁻¹ = (I − c_g·11ᵀ)/σ², c_g = γ/(1 + n_g·γ), γ = σ²_u/σ² (written apart from the engine)."""
    gamma = group_var / scale
    n_groups = int(groups.max()) + 1
    count = np.bincount(groups, minlength=n_groups).astype(float)
    c = gamma / (1 + count * gamma)
    sum_x = np.stack([np.bincount(groups, x[:, j], n_groups) for j in range(x.shape[1])], axis=1)  # fmt: skip
    residual = y - x @ beta
    sum_r = np.bincount(groups, residual, n_groups)
    bread = np.linalg.inv((x.T @ x - (sum_x * c[:, None]).T @ sum_x) / scale)
    xr = np.stack([np.bincount(groups, x[:, j] * residual, n_groups) for j in range(x.shape[1])], axis=1)  # fmt: skip
    score_group = (xr - sum_x * (c * sum_r)[:, None]) / scale
    group_cluster = np.zeros(n_groups, dtype=np.int64)
    group_cluster[groups] = clusters
    n_clusters = int(clusters.max()) + 1
    score = np.stack([np.bincount(group_cluster, score_group[:, j], n_clusters) for j in range(x.shape[1])], axis=1)  # fmt: skip
    cov = n_clusters / (n_clusters - 1) * bread @ (score.T @ score) @ bread
    half = quantile * np.sqrt(np.diag(cov))
    return np.stack([beta - half, beta + half], axis=1)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--patients", type=int, default=100_000)
    parser.add_argument("--mixedlm-patients", type=int, default=0, help="0 = all")
    parser.add_argument("--db-patients", type=int, default=10_000, help="0 = skip the database")
    parser.add_argument("--seed", type=int, default=20240501)
    parser.add_argument("--database", default="", help="SQLite file kept between runs (reused when it holds the same --db-patients and --seed)")  # fmt: skip
    args = parser.parse_args()

    start = time.perf_counter()
    bundle = bundle_of(args.patients, args.seed)
    print(f"synthetic bundle: {args.patients:,} patients, {len(bundle.sessions):,} session rows, {len(bundle.measurements):,} measurements, {len(bundle.adverse_events):,} adverse events ({time.perf_counter() - start:.1f} s to generate)")  # fmt: skip

    cpu, start = time.process_time(), time.perf_counter()
    tables = figures.Tables(**bundle.tables())
    result = report(tables)
    report_s, report_cpu = time.perf_counter() - start, time.process_time() - cpu
    effect = result["per_session_effect"]
    print(f"report as the command and pages compute it (figures.Tables + figures.evidence_report): {report_s:.2f} s wall, {report_cpu:.2f} s CPU; {result['patients']:,} patients, {result['measurements']:,} outcome measurements")  # fmt: skip
    print(f"  per-session effect {effect['estimate']:.4f} cm, 95% CI {effect['ci95']} (planted {bundle.truth['arms'][INDICATION]['per_session_effect']})")  # fmt: skip
    tracemalloc.start()
    report(figures.Tables(**bundle.tables()))
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    print(f"  peak memory allocated during the report (tracemalloc): {peak / 2**20:.0f} MB; process peak RSS so far: {peak_rss_mb():.0f} MB")  # fmt: skip

    if args.db_patients:
        with tempfile.TemporaryDirectory(prefix="evidence-bench-") as tmp:
            database_path(args, Path(tmp))

    # The report's own dataset (the one evidence_report analysed), not built anew.
    frame, _ = model_frame(tables.dataset(None, INDICATION, None, OUTCOME))
    if args.mixedlm_patients:
        frame = frame[frame["patient"].to_numpy() < args.mixedlm_patients]
    x, names = design(frame)
    y, groups, patients = (frame[c].to_numpy() for c in ("y", "group", "patient"))
    start = time.perf_counter()
    ours = fit_random_intercept(y, x, groups, names, patients)
    ours_s = time.perf_counter() - start
    print(f"mixed model on {len(frame):,} rows / {int(groups.max()) + 1:,} sites / {int(patients.max()) + 1:,} patients: engine REML {ours_s:.3f} s (converged={ours.converged})")  # fmt: skip

    from statsmodels.regression.mixed_linear_model import MixedLM

    rss_before = peak_rss_mb()
    start = time.perf_counter()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        reference = MixedLM(y, x, groups=groups).fit(reml=True)
    mixedlm_s = time.perf_counter() - start
    print(f"  statsmodels MixedLM {mixedlm_s:.1f} s (converged={reference.converged}, {len(caught)} warnings); process peak RSS {rss_before:.0f} -> {peak_rss_mb():.0f} MB")  # fmt: skip
    fe = np.asarray(reference.fe_params)
    for name, a, b in zip(names, ours.params, fe, strict=True):
        print(f"  {name:>17}: engine {a: .6f}   MixedLM {b: .6f}")
    group_var = float(np.asarray(reference.cov_re)[0, 0])
    print(f"  largest |difference| of fixed effects: {np.abs(fe - ours.params).max():.2e}; residual variance {ours.scale:.5f} vs {float(reference.scale):.5f}; patient variance {ours.group_var:.5f} vs {group_var:.5f}")  # fmt: skip

    # The per-session effect's 95% intervals, with the report's quantile (t, patients − 1 df).
    i = names.index("sess")
    quantile = float(stats.t.ppf(0.975, ours.n_clusters - 1))
    ref_se = float(np.asarray(reference.bse_fe)[i])
    ref_model = (fe[i] - quantile * ref_se, fe[i] + quantile * ref_se)
    ref_robust = robust_ci(y, x, groups, patients, fe, float(reference.scale), group_var, quantile)[i]  # fmt: skip
    same_data = not args.mixedlm_patients
    engine_model = effect["ci95_model_based"] if same_data else [ours.params[i] - quantile * ours.se_model("sess"), ours.params[i] + quantile * ours.se_model("sess")]  # fmt: skip
    engine_robust = effect["ci95"] if same_data else [ours.params[i] - quantile * ours.se_robust("sess"), ours.params[i] + quantile * ours.se_robust("sess")]  # fmt: skip
    print("  per-session effect, 95% CI:")
    print(f"    model-based:              engine [{engine_model[0]:.6f}, {engine_model[1]:.6f}]   MixedLM [{ref_model[0]:.6f}, {ref_model[1]:.6f}]   largest |difference| {max(abs(engine_model[0] - ref_model[0]), abs(engine_model[1] - ref_model[1])):.1e}")  # fmt: skip
    print(f"    cluster-robust (CR1):     engine [{engine_robust[0]:.6f}, {engine_robust[1]:.6f}]   sandwich at MixedLM's fit [{ref_robust[0]:.6f}, {ref_robust[1]:.6f}]   largest |difference| {max(abs(engine_robust[0] - ref_robust[0]), abs(engine_robust[1] - ref_robust[1])):.1e}")  # fmt: skip
    print(f"  speed ratio MixedLM / engine fit: {mixedlm_s / ours_s:,.0f}x; MixedLM / whole report (command path): {mixedlm_s / report_s:,.1f}x")  # fmt: skip


if __name__ == "__main__":
    main()
