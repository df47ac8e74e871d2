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
   each and the same events: it loads only the late lesions, their sessions and the sessions
   sharing a signal's lot or practitioner, so its cost follows the events, not N.
No assertion on time.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import random
import resource
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


def child(n: int, event_count: int) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mesoclinic.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from bench.recall_bench import generate
    from mesoclinic.clinics.models import Clinic
    from mesoclinic.safety.signal_data import detect_for_clinic

    call_command("migrate", verbosity=0)
    info = generate(n, lines_per_session=1)
    clinic = Clinic.objects.get(pk=info["clinic"])
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
                (uuid.uuid4().hex, clinic.pk, "2025-01-01", "2025-01-01", kind, onset, i + 1)
                for i, kind, onset in rows
            ],
        )
    as_of = start + dt.timedelta(days=plan_days[-1])
    timings = []
    for _ in range(5):
        began = time.perf_counter()
        signals = detect_for_clinic(clinic, as_of)
        timings.append((time.perf_counter() - began) * 1000)
    counts = detect_for_clinic(clinic, as_of, case_finding=False)
    began = time.perf_counter()
    detect_for_clinic(clinic, as_of, case_finding=False)
    count_ms = (time.perf_counter() - began) * 1000
    print(
        json.dumps(
            {
                "info": {k: v for k, v in info.items() if k not in ("lot_ids", "staff")},
                "events": len(rows),
                "timings": timings,
                "count_ms": count_ms,
                "signals": len(signals),
                "count_signals": len(counts),
                "exposed": sum(s.exposed_patients for s in signals),
                "rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
            },
            default=str,
        )
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--sessions", type=int, default=1_000_000)
    parser.add_argument("--events", type=int, default=20_000)
    parser.add_argument("--no-db", action="store_true", help="skip the database path")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.sessions, args.events)
        return
    pure(args.sessions, args.events)
    if args.no_db:
        return
    with tempfile.TemporaryDirectory(prefix="mesoclinic-signals-") as tmp:
        env = {**os.environ, "DATABASE_URL": f"sqlite:///{Path(tmp) / 'bench.sqlite3'}"}
        command = [sys.executable, __file__, "--child", "--sessions", str(args.sessions)]
        done = subprocess.run(
            [*command, "--events", str(args.events)],
            env=env,
            capture_output=True,
            text=True,
            check=False,
        )
    if done.returncode != 0:
        print(f"\ndatabase path failed: {done.stderr.strip()[-1500:]}")
        return
    result = json.loads(done.stdout.strip().splitlines()[-1])
    info = result["info"]
    timings = sorted(result["timings"])
    print(
        f"\ndatabase path (SQLite): {info['sessions']:,} sessions, {info['injections']:,} "
        f"injection lines, {result['events']:,} adverse events (loaded in {info['load_s']:.1f} s)"
    )
    print(
        f"  detect_for_clinic with case finding: median {timings[len(timings) // 2]:8.1f} ms "
        f"({len(timings)} runs); {result['signals']} signals, {result['exposed']:,} exposed"
    )
    print(f"  without case finding (the Today count):     {result['count_ms']:8.1f} ms")
    print(f"  child process peak RSS:                     {result['rss_mb']:8.1f} MB")


if __name__ == "__main__":
    main()
