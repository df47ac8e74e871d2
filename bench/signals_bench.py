"""Benchmark: safety-signal detection over 1,000,000 sessions.

    .venv/bin/python bench/signals_bench.py [--sessions N] [--events E] [--no-db]

1. The pure detector (``mesoclinic.safety.signals.detect``) on generated data: N sessions of
   200,000 patients by 20 practitioners over 4 years with 4,000 lots, and E adverse events of
   every type (most early reactions, some late lesions, one planted outbreak on one lot).
   Prints the time of attribution + clustering + case finding and the detector's own peak
   memory (tracemalloc, measured in a second run because tracing slows Python down), and the
   process's peak RSS.
2. The database path (``safety.signal_data.detect_for_clinic``, what the dashboard and the
   command run) on a temporary SQLite database holding N sessions with one injection line
   each and the same events (``--keep-db PATH`` keeps it, and reuses it when it exists).
   Measured twice, each in a fresh process on the same database so that each peak RSS is
   its own: "before", the command of issue 11's figures (the sentinel clusters with case
   finding for every one of them, every session and a dict of every line in memory, kept
   below as ``_old_session_rows``), and "after", what ``safety-signals`` runs now
   (``signal_data.investigate_clinic``: the sentinel alerts, the attack-rate table over
   every session streamed once, and case finding for the real signals only).
   The Today count is timed both ways too: a detector run (before) and the stored state
   (``safety.signal_state.active_count``, after).
No assertion on time.
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import json
import os
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import time
import tracemalloc
import uuid
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from mesoclinic.safety.signals import EventRow, SessionRow, detect  # noqa: E402

START = dt.date(2022, 1, 1)
DAYS = 4 * 365
PATIENTS = 200_000
PRACTITIONERS = 20
LOTS = 4_000
EVENT_TYPES = ["bruising", "swelling", "pain", "erythema", "nodule", "infection", "ulceration"]


def session_plan(n: int, seed: int = 11) -> list[tuple[int, int, int, int]]:
    """(patient, day offset, practitioner, lot) per session; lots used in runs over time."""
    rng = random.Random(seed)
    return [
        (rng.randrange(PATIENTS), (i * DAYS) // n, rng.randrange(PRACTITIONERS), (i * LOTS) // n)
        for i in range(n)
    ]


def event_plan(plan: list[tuple[int, int, int, int]], count: int, seed: int = 12) -> list[Any]:
    """(event id, session index, type, onset offset); a planted outbreak of 6 late nodules."""
    rng = random.Random(seed)
    events = []
    for e in range(count):
        index = rng.randrange(len(plan))
        kind = rng.choice(EVENT_TYPES)
        # Early reactions on day 0-3; other events anywhere in 0-120 days.
        delay = rng.randint(0, 3) if kind in EVENT_TYPES[:4] else rng.randint(0, 120)
        events.append((f"e{e}", index, kind, plan[index][1] + delay))
    outbreak_lot = LOTS // 2
    outbreak = [i for i, row in enumerate(plan) if row[3] == outbreak_lot][:6]
    for n, index in enumerate(outbreak):
        events.append((f"x{n}", index, "nodule", plan[index][1] + 28 + n))
    return events


def pure(n: int, event_count: int) -> None:
    plan = session_plan(n)
    sessions = [
        SessionRow(i + 1, f"P{p:07d}", START + dt.timedelta(days=d), f"prac{pr}", (f"L{lot}",))
        for i, (p, d, pr, lot) in enumerate(plan)
    ]
    events = [
        EventRow(eid, sessions[i].patient_id, kind, START + dt.timedelta(days=onset), i + 1)
        for eid, i, kind, onset in event_plan(plan, event_count)
    ]
    as_of = START + dt.timedelta(days=DAYS)
    began = time.perf_counter()
    signals = detect(events, sessions, as_of)
    elapsed = time.perf_counter() - began
    tracemalloc.start()
    baseline = tracemalloc.get_traced_memory()[0]
    detect(events, sessions, as_of)
    peak = tracemalloc.get_traced_memory()[1] - baseline
    tracemalloc.stop()
    late = sum(1 for e in events if e.event_type in ("nodule", "infection", "ulceration"))
    kinds = {k: sum(1 for s in signals if s.kind == k) for k in ("lot", "practitioner")}
    exposed = sum(s.exposed_patients for s in signals)
    print(f"pure detector: {n:,} sessions, {len(events):,} events ({late:,} of late-lesion types)")
    print(f"  detect (attribute + cluster + case finding): {elapsed * 1000:8.1f} ms")
    print(f"  detector peak memory (tracemalloc, 2nd run):  {peak / 1e6:8.1f} MB")
    print(
        f"  process peak RSS incl. the generated input:   "
        f"{resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:8.1f} MB"
    )
    print(
        f"  {len(signals)} signals ({kinds['lot']} lot, {kinds['practitioner']} practitioner), "
        f"{exposed:,} exposed patients listed in all"
    )


def _old_session_rows(clinic: Any, sessions: Any) -> list[Any]:
    """``signal_data._session_rows`` before issue 11, verbatim: every session and a dict of
    every line in memory."""
    from collections import defaultdict

    from mesoclinic.safety.signal_data import _practitioner_key
    from mesoclinic.treatments.models import Injection

    rows = list(
        sessions.values_list(
            "id", "patient__mrn", "performed_at", "practitioner__username", "practitioner_ref"
        )
    )
    lots: dict[int, list[str]] = defaultdict(list)
    injections = (
        Injection.objects.filter(clinic=clinic, session_id__in=sessions.values("id"))
        .in_effect()
        .filter(lot_id__isnull=False)
        .values_list("session_id", "lot_id")
        .distinct()
    )
    for session_id, lot_id in injections:
        lots[session_id].append(str(lot_id))
    return [
        SessionRow(
            session_id=pk,
            patient_id=mrn,
            day=clinic.day_of(performed_at),
            practitioner=_practitioner_key(username, ref),
            lots=tuple(sorted(lots.get(pk, []))),
        )
        for pk, mrn, performed_at, username, ref in rows
    ]


def _setup() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mesoclinic.settings")
    import django

    django.setup()


def load(n: int, event_count: int) -> None:
    """Generate the clinic (recall_bench's loader) and the adverse events; print JSON."""
    _setup()
    from django.core.management import call_command
    from django.db import connection

    from bench.recall_bench import generate
    from mesoclinic.records.immutability import suspended

    call_command("migrate", verbosity=0)
    # recall_bench loads signed sessions and then their lines, which the immutability
    # triggers refuse (a line added to a signed session): a bulk load of history, so the
    # triggers are put back after it.
    with suspended(connection):
        info = generate(n, lines_per_session=1)
    # Sessions were loaded in time order, 5 minutes apart, one injection each (recall_bench).
    lot_of = info["lot_ids"]
    plan_days = [(i * 5) // (60 * 24) for i in range(n)]
    rng = random.Random(12)
    rows = []
    start = dt.date(2022, 1, 1)
    for _ in range(event_count):
        index = rng.randrange(n)
        kind = rng.choice(EVENT_TYPES)
        delay = rng.randint(0, 3) if kind in EVENT_TYPES[:4] else rng.randint(0, 120)
        rows.append((index, kind, start + dt.timedelta(days=plan_days[index] + delay)))
    outbreak = [i for i in range(n) if (i * len(lot_of)) // n == len(lot_of) // 2][:6]
    rows += [
        (i, "nodule", start + dt.timedelta(days=plan_days[i] + 28 + k))
        for k, i in enumerate(outbreak)
    ]
    with connection.cursor() as cursor:
        cursor.executemany(
            "INSERT INTO safety_adverseevent (public_id, clinic_id, created_at, updated_at, "
            "version, patient_id, session_id, event_type, onset_date, severity, serious, "
            "causality, outcome, notes, source_id, imported, extra) SELECT ?, ?, ?, ?, 1, "
            "patient_id, id, ?, ?, 'mild', 0, 'unassessed', '', '', '', 0, '{}' "
            "FROM treatments_treatmentsession WHERE id = ?",
            [
                (uuid.uuid4().hex, info["clinic"], "2025-01-01", "2025-01-01", kind, onset, i + 1)
                for i, kind, onset in rows
            ],
        )
        cursor.execute("ANALYZE")
    as_of = start + dt.timedelta(days=plan_days[-1])
    print(
        json.dumps(
            {
                "info": {k: v for k, v in info.items() if k not in ("lot_ids", "staff")},
                "events": len(rows),
                "as_of": as_of.isoformat(),
            }
        )
    )


def _digest(signals: list[Any]) -> str:
    """Everything a signal says, cases and exposures (with their sessions) in order."""
    text = repr(
        [
            (
                s.kind,
                s.key,
                s.window_start,
                s.window_end,
                [(c.event_id, c.session_id, c.onset) for c in s.cases],
                [(p, [r.session_id for r in e.sessions]) for p, e in s.exposed.items()],
            )
            for s in signals
        ]
    )
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def measure(path: str, as_of_text: str, runs: int) -> None:
    """Time case finding on the database with the ``path`` loader; print JSON."""
    _setup()
    from mesoclinic.clinics.models import Clinic
    from mesoclinic.safety import signal_data, signal_state

    if path == "before":
        signal_data._session_rows = _old_session_rows  # type: ignore[assignment]
    clinic = Clinic.objects.get(slug="bench")
    as_of = dt.date.fromisoformat(as_of_text)
    setup_rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    timings: list[float] = []
    cpu: list[float] = []
    signals: list[Any] = []
    alerts = 0
    for _ in range(runs):
        signals = []  # the previous run's result is freed before the next one
        began, began_cpu = time.perf_counter(), time.process_time()
        if path == "after":
            found = signal_data.investigate_clinic(clinic, as_of)
            signals, alerts = found.signals, len(found.alerts)
        else:
            signals = signal_data.detect_for_clinic(clinic, as_of)
        timings.append(time.perf_counter() - began)
        cpu.append(time.process_time() - began_cpu)
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    refresh_ms = 0.0
    if path == "after":
        # What a write now pays instead (an adverse event, run-due): one detector run.
        began = time.perf_counter()
        state = signal_state.refresh(clinic)
        refresh_ms = (time.perf_counter() - began) * 1000
        stored = sorted(state.last_onsets)
        fresh = signal_data.detect_for_clinic(clinic, as_of, case_finding=False)
        assert stored == sorted(s.last_onset.isoformat() for s in fresh), "state differs"
    count_ms = []
    for _ in range(5):
        began = time.perf_counter()
        if path == "before":
            clusters = signal_data.detect_for_clinic(clinic, as_of, case_finding=False)
            sum(1 for s in clusters if s.is_active(as_of))
        else:
            signal_state.active_count(clinic, as_of)
        count_ms.append((time.perf_counter() - began) * 1000)
    print(
        json.dumps(
            {
                "timings_s": timings,
                "cpu_s": cpu,
                "count_ms": statistics.median(count_ms),
                "refresh_ms": refresh_ms,
                "signals": len(signals),
                "alerts": alerts,
                "exposed": sum(s.exposed_patients for s in signals),
                "digest": _digest(signals),
                "setup_rss_mb": setup_rss,
                "rss_mb": rss,
            }
        )
    )


def _child(env: dict[str, str], *args: str) -> dict[str, Any] | str:
    done = subprocess.run(
        [sys.executable, __file__, *args], env=env, capture_output=True, text=True, check=False
    )
    if done.returncode != 0:
        return done.stderr.strip()[-1500:]
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def database(n: int, event_count: int, runs: int, keep: str | None, paths: tuple[str, ...]) -> None:
    with tempfile.TemporaryDirectory(prefix="mesoclinic-signals-") as tmp:
        db = Path(keep) if keep else Path(tmp) / "bench.sqlite3"
        env = {**os.environ, "DATABASE_URL": f"sqlite:///{db}"}
        meta = db.with_suffix(".json")
        if keep and db.exists() and meta.exists():
            loaded: dict[str, Any] | str = json.loads(meta.read_text())
        else:
            loaded = _child(env, "--load", "--sessions", str(n), "--events", str(event_count))
            if isinstance(loaded, dict) and keep:
                meta.write_text(json.dumps(loaded))
        if isinstance(loaded, str):
            print(f"\ndatabase path failed to load: {loaded}")
            return
        info = loaded["info"]
        print(
            f"\ndatabase path (SQLite): {info['sessions']:,} sessions, {info['injections']:,} "
            f"injection lines, {loaded['events']:,} adverse events"
        )
        results = {}
        for path in paths:
            got = _child(env, "--measure", path, "--as-of", loaded["as_of"], "--runs", str(runs))
            if isinstance(got, str):
                print(f"  {path}: failed: {got}")
                return
            results[path] = got
    after = results["after"]
    before = results.get("before", after)
    print(
        "  safety-signals with case finding, each in a fresh process on the same database "
        "(goal: <= 5 s, <= 300 MB):"
    )
    for path, r in results.items():
        what = (
            f"{r['signals']} signals, {r['alerts']} alerts"
            if path == "after"
            else f"{r['signals']} clusters"
        )
        print(
            f"    {path:6}: median {statistics.median(r['timings_s']):7.2f} s wall, "
            f"{statistics.median(r['cpu_s']):7.2f} s CPU of {runs}, "
            f"peak RSS {r['rss_mb']:7.1f} MB (Django set up: {r['setup_rss_mb']:.1f} MB); "
            f"{what}, {r['exposed']:,} exposed listed"
        )
    load = os.getloadavg()[0]
    print(f"    load average {load:.1f} on {os.cpu_count()} cores: the wall time includes waiting")
    if before is not after:
        ratio_s = statistics.median(before["cpu_s"]) / statistics.median(after["cpu_s"])
        ratio_rss = before["rss_mb"] / after["rss_mb"]
        print(f"    after vs before: {ratio_s:.1f}x less CPU, {ratio_rss:.1f}x less peak RSS")
        print(f"  Today count: before (detector, no case finding) {before['count_ms']:8.1f} ms")
    print(
        f"  Today count (stored state) {after['count_ms']:8.2f} ms; a write's refresh of the "
        f"state {after['refresh_ms']:.0f} ms"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--sessions", type=int, default=1_000_000)
    parser.add_argument("--events", type=int, default=20_000)
    parser.add_argument("--runs", type=int, default=3, help="case-finding runs per path")
    parser.add_argument("--no-db", action="store_true", help="skip the database path")
    parser.add_argument("--no-pure", action="store_true", help="skip the pure detector")
    parser.add_argument("--keep-db", help="keep (and reuse) the generated SQLite database here")
    parser.add_argument(
        "--paths", default="before,after", help="database paths to measure (before,after)"
    )
    parser.add_argument("--load", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--measure", choices=("before", "after"), help=argparse.SUPPRESS)
    parser.add_argument("--as-of", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.load:
        load(args.sessions, args.events)
        return
    if args.measure:
        measure(args.measure, args.as_of, args.runs)
        return
    if not args.no_pure:
        pure(args.sessions, args.events)
    if not args.no_db:
        paths = tuple(p for p in args.paths.split(",") if p in ("before", "after"))
        database(args.sessions, args.events, args.runs, args.keep_db, paths or ("after",))


if __name__ == "__main__":
    main()
