"""Benchmark: wall-clock latency of the operator's commands, start-up included.

    .venv/bin/python bench/command_latency.py [--injections N] [--runs R] [--keep-db PATH]

On a temporary SQLite database holding recall_bench's synthetic clinic (N injection lines,
N/3 sessions, 100,000 patients; ``--keep-db`` keeps it and reuses it when it exists), runs
each command R times in a fresh process, the commands alternating so that a change in the
machine's load falls on all of them alike:

- baselines: ``python -c "import django"``; the floor, Django's own ``django.setup()`` with
  only Django's contrib apps (a settings module written in the temporary directory: what
  any Django command pays before the project's apps); ``django.setup()`` with the project's
  settings (every app loaded, every ``ready`` run); and ``mesoclinic --help``;
- ``recall --clinic bench --lot …`` (one lot among N lines), ``dose-check`` of a 30-syringe
  session (bench/dose_check_bench.py's), ``run-due`` and ``safety-signals --clinic bench``.

For each it prints the median wall-clock time, the median CPU time of the process (user +
system, from ``os.wait4``: on a shared machine the CPU figure moves much less with the load
than the wall clock), the peak RSS, and each as a ratio to the floor (bare Django set-up).
The goal of issue 11 is ≤ 0.3 s wall for recall and dose-check. No assertion on time.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.dose_check_bench import session_json  # noqa: E402  (needs ROOT on the path)

BIN = Path(sys.executable).parent
FLOOR = "bare Django setup (floor)"
# Django's own apps and nothing else: the floor under any command of a Django project.
FLOOR_SETTINGS = """
SECRET_KEY = "bench"
INSTALLED_APPS = [
    "django.contrib.admin", "django.contrib.auth", "django.contrib.contenttypes",
    "django.contrib.sessions", "django.contrib.messages", "django.contrib.staticfiles",
]
DATABASES = {"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": ":memory:"}}
USE_TZ = True
"""
SETUP = "import django; django.setup()"


def load(injections: int) -> None:
    """Child: migrate and generate the clinic; print the lot to recall as JSON."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mesoclinic.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from bench.recall_bench import generate
    from mesoclinic.records.immutability import suspended

    call_command("migrate", verbosity=0)
    # recall_bench loads signed sessions, then their lines: a bulk load of history, which the
    # immutability triggers would refuse; they are put back after it.
    with suspended(connection):
        info = generate(injections)
    print(json.dumps({"lot": info["lot"], "sessions": info["sessions"]}))


def run_once(command: list[str], env: dict[str, str]) -> tuple[float, float, float, int]:
    """Wall seconds, CPU seconds, peak RSS in MB and exit status of one run."""
    began = time.perf_counter()
    process = subprocess.Popen(
        command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, cwd=ROOT
    )
    _, status, usage = os.wait4(process.pid, 0)
    wall = time.perf_counter() - began
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.stderr is not None:
        process.stderr.close()
    cpu = usage.ru_utime + usage.ru_stime
    return wall, cpu, usage.ru_maxrss / 1024, process.returncode


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--injections", type=int, default=300_000)
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--keep-db", help="keep (and reuse) the generated SQLite database here")
    parser.add_argument("--load", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.load:
        load(args.injections)
        return
    with tempfile.TemporaryDirectory(prefix="mesoclinic-commands-") as tmp:
        db = Path(args.keep_db) if args.keep_db else Path(tmp) / "bench.sqlite3"
        env = {**os.environ, "DATABASE_URL": f"sqlite:///{db}"}
        meta = db.with_suffix(".json")
        if args.keep_db and db.exists() and meta.exists():
            info = json.loads(meta.read_text())
        else:
            done = subprocess.run(
                [sys.executable, __file__, "--load", "--injections", str(args.injections)],
                env=env,
                capture_output=True,
                text=True,
                check=False,
            )
            if done.returncode != 0:
                print(f"loading failed: {done.stderr.strip()[-1500:]}")
                return
            info = json.loads(done.stdout.strip().splitlines()[-1])
            if args.keep_db:
                meta.write_text(json.dumps(info))
        session_file = Path(tmp) / "session.json"
        session_file.write_text(session_json(30))
        (Path(tmp) / "floor_settings.py").write_text(FLOOR_SETTINGS)
        floor_env = {
            **env,
            "DJANGO_SETTINGS_MODULE": "floor_settings",
            "PYTHONPATH": os.pathsep.join(filter(None, [tmp, env.get("PYTHONPATH")])),
        }
        project_env = {**env, "DJANGO_SETTINGS_MODULE": "mesoclinic.settings"}
        mesoclinic = str(BIN / "mesoclinic")
        commands = {
            "python -c 'import django'": [sys.executable, "-c", "import django"],
            FLOOR: [sys.executable, "-c", SETUP],
            "project django.setup()": [sys.executable, "-c", SETUP],
            "mesoclinic --help": [mesoclinic, "--help"],
            "recall": [mesoclinic, "recall", "--clinic", "bench", "--lot", info["lot"]],
            "dose-check": [mesoclinic, "dose-check", str(session_file)],
            "run-due": [mesoclinic, "run-due", "--clinic", "bench"],
            "safety-signals": [mesoclinic, "safety-signals", "--clinic", "bench"],
        }
        envs = {FLOOR: floor_env, "project django.setup()": project_env}
        samples: dict[str, list[tuple[float, float, float, int]]] = {k: [] for k in commands}
        for name, command in commands.items():  # one warm-up each: the page cache
            run_once(command, envs.get(name, env))
        for _ in range(args.runs):
            for name, command in commands.items():
                samples[name].append(run_once(command, envs.get(name, env)))
    print(
        f"command latency, SQLite, {args.injections:,} injection lines "
        f"({info['sessions']:,} sessions); median of {args.runs} runs each, alternating; "
        f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs"
    )
    base_wall = statistics.median(s[0] for s in samples[FLOOR])
    base_cpu = statistics.median(s[1] for s in samples[FLOOR])
    print(f"  {'command':28} {'wall s':>8} {'CPU s':>8} {'RSS MB':>8}  vs the floor (wall, CPU)")
    for name, runs in samples.items():
        wall = statistics.median(s[0] for s in runs)
        cpu = statistics.median(s[1] for s in runs)
        rss = max(s[2] for s in runs)
        codes = sorted({s[3] for s in runs})
        note = "" if codes == [0] else f"  exit {codes}"
        print(
            f"  {name:28} {wall:8.3f} {cpu:8.3f} {rss:8.1f}  "
            f"{wall / base_wall:5.2f}x {cpu / base_cpu:5.2f}x{note}"
        )
    print(
        "  goal (issue 11): recall and dose-check <= 0.3 s wall; the floor is Django's own "
        "set-up, which a command that loads the apps cannot go under (dose-check loads "
        "none: mesoclinic/cli.py)"
    )


if __name__ == "__main__":
    main()
