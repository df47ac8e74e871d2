"""Benchmark: what the audit hash chain adds to ``audit.services.record``, on SQLite and PostgreSQL.

    .venv/bin/python bench/audit_chain_bench.py [--calls N]

For SQLite (a temporary file, the settings' WAL and synchronous=FULL) and PostgreSQL (a
temporary database on the server of DATABASE_URL, else postgres://postgres@127.0.0.1:5432;
skipped with the reason when it cannot be reached), each in a fresh process on a freshly
migrated database:
  1. calls ``record()`` N times as a chart read does (autocommit, one event per call, with a
     patient and a user), chained (the application's path: lock the chain head, hash,
     insert, move the head) and unchained (the same insert without the chain), alternating
     blocks of 100 so that both meet the same database state;
  2. prints, for each, the mean and the 90th percentile per call in ms (wall clock), the
     CPU time of the benchmark's process per call (the part that does not depend on the
     disk's sync or on other processes sharing the machine), and the ratios;
  3. times ``verify_chain`` over the chained events (the walk ``verify-audit`` does).
No assertion on time.
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.temp_postgres import temporary_database  # noqa: E402  (needs ROOT on the path)

BLOCK = 100
# Unchained rows take positions far past the chained ones, so the unique position index
# (which the real path also pays for) accepts them.
UNCHAINED_POSITIONS = itertools.count(10**12)


@contextmanager
def unchained() -> Iterator[None]:
    """``AuditEvent.save`` as it was before the chain: a plain insert."""
    from django.db import models

    from mesoclinic.audit.models import AuditEvent

    chained_save = AuditEvent.save

    def plain_save(self: Any, *args: Any, **kwargs: Any) -> None:
        self.seq = next(UNCHAINED_POSITIONS)
        models.Model.save(self, *args, **kwargs)

    AuditEvent.save = plain_save  # type: ignore[method-assign]
    try:
        yield
    finally:
        AuditEvent.save = chained_save  # type: ignore[method-assign]


def child(calls: int) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mesoclinic.settings")
    import django

    django.setup()
    import datetime as dt

    from django.contrib.auth.models import User
    from django.core.management import call_command
    from django.db import connection

    from mesoclinic.audit.choices import Action
    from mesoclinic.audit.services import record
    from mesoclinic.audit.verification import verify_chain
    from mesoclinic.clinics.models import Clinic
    from mesoclinic.patients.models import Patient

    call_command("migrate", verbosity=0)
    clinic = Clinic.objects.create(slug="bench", name="Benchmark clinic", mrn_prefix="BN")
    user = User.objects.create(username="reader")
    patient = Patient.objects.create(
        clinic=clinic,
        mrn="BN000001",
        given_name="Given",
        family_name="Family",
        birth_date=dt.date(1980, 1, 1),
        sex="f",
    )
    # The unchained rows go to another clinic, so the chain verified below is the chained one.
    elsewhere = Clinic.objects.create(slug="elsewhere", name="Elsewhere", mrn_prefix="EL")
    times: dict[str, list[float]] = {"chained": [], "unchained": []}
    cpu: dict[str, float] = {"chained": 0.0, "unchained": 0.0}

    def one_block(label: str) -> None:
        clinic_of_row = clinic if label == "chained" else elsewhere
        cpu_began = time.process_time()
        for _ in range(BLOCK):
            began = time.perf_counter()
            record(None, Action.VIEW, obj=patient, clinic=clinic_of_row, user=user, detail="chart")
            times[label].append((time.perf_counter() - began) * 1000)
        cpu[label] += (time.process_time() - cpu_began) * 1000

    for _ in range(max(1, calls // BLOCK)):
        one_block("chained")
        with unchained():
            one_block("unchained")
    began = time.perf_counter()
    result = verify_chain(clinic.pk)
    verify_s = time.perf_counter() - began
    version = (
        connection.Database.sqlite_version  # type: ignore[attr-defined]
        if connection.vendor == "sqlite"
        else str(connection.pg_version)  # type: ignore[attr-defined]
    )
    print(
        json.dumps(
            {
                "vendor": connection.vendor,
                "version": version,
                "times": times,
                "cpu_ms": cpu,
                "verify_s": verify_s,
                "verified": result.events,
                "intact": result.intact,
            }
        )
    )


def _run_child(url: str, calls: int) -> dict[str, Any]:
    env = {**os.environ, "DATABASE_URL": url}
    done = subprocess.run(
        [sys.executable, __file__, "--child", "--calls", str(calls)],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        raise RuntimeError(done.stderr.strip()[-2000:])
    return dict(json.loads(done.stdout.strip().splitlines()[-1]))


def _report(label: str, result: dict[str, Any]) -> None:
    print(f"\n{label} {result['version']}")
    means, cpus = {}, {}
    for kind in ("unchained", "chained"):
        times = sorted(result["times"][kind])
        means[kind] = statistics.fmean(times)
        cpus[kind] = result["cpu_ms"][kind] / len(times)
        p90 = times[max(0, int(len(times) * 0.9) - 1)]
        print(
            f"  record() {kind:>9}: wall mean {means[kind]:6.3f} ms  p90 {p90:6.3f} ms  "
            f"CPU of this process {cpus[kind]:5.3f} ms  ({len(times)} calls)"
        )
    print(
        f"  chained / unchained: wall {means['chained'] / means['unchained']:.2f}x  "
        f"CPU {cpus['chained'] / cpus['unchained']:.2f}x"
    )
    state = "intact" if result["intact"] else "BROKEN"
    print(
        f"  verify_chain: {result['verified']} events in {result['verify_s'] * 1000:.0f} ms "
        f"({state})"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--calls", type=int, default=2000, help="record() calls of each kind")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.calls)
        return
    with tempfile.TemporaryDirectory(prefix="mesoclinic-audit-chain-") as tmp:
        sqlite_url = f"sqlite:///{Path(tmp) / 'bench.sqlite3'}"
        _report("SQLite", _run_child(sqlite_url, args.calls))
    with temporary_database("mesoclinic_audit_chain_bench") as url:
        if url is not None:
            _report("PostgreSQL", _run_child(url, args.calls))


if __name__ == "__main__":
    main()
