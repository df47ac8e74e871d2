"""Load benchmark: the production server (gunicorn, SQLite) under 30 concurrent staff users.

    .venv/bin/python bench/load_bench.py [--users 30] [--seconds 30] [--think-ms 0:0]
                                         [--patients 200] [--workers N] [--threads N]
                                         [--baseline-seconds 15]

Reference: ../shared/reference/security-reliability.md R8 (SQLite single node, 30 users:
p95 < 300 ms, p99 < 800 ms, errors < 0.1 %, "database is locked" = 0). What it does:
  1. builds the demo practice (`mesoclinic demo --no-serve`) in a temporary SQLite database;
  2. starts `mesoclinic serve` (gunicorn, the production settings: DEBUG off, a random
     SECRET_KEY, JSON logs) on a free port of 127.0.0.1 only;
  3. signs in USERS simulated staff (alice, devika and nina of Riverside in turn), each with
     its own session, with httpx's async client; the sign-ins are not measured;
  4. for SECONDS, each user repeats: 70 % reads (a patient's chart, or the patient list with a
     search), 30 % writes (open a patient's "record measurements" form and post it back, as
     the browser would, with the CSRF token and a weight: the real form and service), pausing a
     random THINK-MS (min:max) between operations;
  5. prints p50/p95/p99 latency of all requests and per kind, the error count (5xx, a write
     not redirected to the chart, a failed request) and the server's "database is locked"
     count (SQLITE_BUSY in its JSON error log lines), and the server's CPU per request: the
     user + system time of the gunicorn master and workers over the measured window (from
     /proc), divided by the requests served in it;
  6. then, on the same server, the baseline: the same mix from one user with no pause for
     BASELINE-SECONDS (nothing queues), and the run's p50/p95/p99 as ratios to it.
No assertion on time. 127.0.0.1 only; nothing leaves the machine.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import re
import secrets
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.form_submission import entry_list, own_post_forms  # noqa: E402  (needs ROOT)

CLI = [sys.executable, "-m", "mesoclinic.cli"]
USERS = ("alice", "devika", "nina")  # Riverside's clinical staff: they may record measurements
PASSWORD = "mesoclinic-demo"
CHART = re.compile(r'href="(/patients/[0-9a-f-]{36}/)"')
SEARCHES = ("a", "e", "ma", "son", "RV0001", "lee", "o")


@dataclass
class Results:
    latencies_ms: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    errors: list[str] = field(default_factory=list)
    server_cpu_s: float = 0.0  # the server's CPU seconds over the measured window
    operations: dict[str, int] = field(default_factory=lambda: defaultdict(int))


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


async def timed(
    client: httpx.AsyncClient,
    results: Results,
    kind: str,
    method: str,
    url: str,
    data: dict[str, list[str]] | None = None,
    params: dict[str, str] | None = None,
    headers: dict[str, str] | None = None,
) -> httpx.Response | None:
    started = time.perf_counter()
    try:
        response = await client.request(method, url, data=data, params=params, headers=headers)
    except httpx.HTTPError as error:
        results.errors.append(f"{kind} {url}: {type(error).__name__}")
        return None
    results.latencies_ms[kind].append((time.perf_counter() - started) * 1000)
    if response.status_code >= 500:
        results.errors.append(f"{kind} {url}: HTTP {response.status_code}")
    return response


async def sign_in(client: httpx.AsyncClient, username: str) -> str | None:
    """Sign in through the login form; None, or why it failed."""
    try:
        await client.get("/login/")
        response = await client.post(
            "/login/",
            data={
                "username": username,
                "password": PASSWORD,
                "csrfmiddlewaretoken": client.cookies["csrftoken"],
            },
            headers={"Referer": str(client.base_url) + "/login/"},
        )
    except httpx.HTTPError as error:
        return f"sign-in {username}: {type(error).__name__}"
    if response.status_code != 302:
        return f"sign-in {username}: HTTP {response.status_code}"
    return None


async def write(client: httpx.AsyncClient, results: Results, chart: str) -> None:
    """Record a weight through the real "record measurements" form, as a browser posts it."""
    url = f"/outcomes{chart}record/"
    page = await timed(client, results, "write: open form", "GET", url)
    if page is None or page.status_code != 200:
        if page is not None and page.status_code < 500:  # (a 5xx or a failure is counted by timed)
            results.errors.append(f"write form {url}: HTTP {page.status_code}")
        return
    form = own_post_forms(page.text, str(client.base_url) + url)[0]
    data, _refusals = entry_list(form)
    data["weight_kg"] = [f"{random.uniform(55, 95):.1f}"]
    posted = await timed(
        client,
        results,
        "write: post",
        "POST",
        url,
        data=data,
        headers={"Referer": str(client.base_url) + url},
    )
    if posted is not None and posted.status_code != 302 and posted.status_code < 500:
        results.errors.append(f"write post {url}: HTTP {posted.status_code} (not saved)")


async def user(
    base: str,
    number: int,
    charts: list[str],
    args: argparse.Namespace,
    results: Results,
    start: asyncio.Event,
    deadline: list[float],
    signed: list[int],
) -> None:
    think_low, think_high = (int(v) for v in args.think_ms.split(":"))
    # An idle connection is not reused after 1 s: gunicorn closes it after 2 s (its keepalive),
    # and a request sent just as it closes fails here, where a browser would send it again.
    limits = httpx.Limits(keepalive_expiry=1.0)
    async with httpx.AsyncClient(
        base_url=base, timeout=60, follow_redirects=False, limits=limits
    ) as client:
        failed = await sign_in(client, USERS[number % len(USERS)])
        signed[0] += 1
        if failed:  # counted as an error; this user takes no further part
            results.errors.append(failed)
            return
        await start.wait()
        while time.monotonic() < deadline[0]:
            roll = random.random()
            chart = random.choice(charts)
            if roll < 0.35:
                results.operations["read: chart"] += 1
                await timed(client, results, "read: chart", "GET", chart)
            elif roll < 0.70:
                results.operations["read: list"] += 1
                await timed(
                    client,
                    results,
                    "read: list",
                    "GET",
                    "/patients/",
                    params={"q": random.choice(SEARCHES)},
                )
            else:
                results.operations["write"] += 1
                await write(client, results, chart)
            if think_high:
                await asyncio.sleep(random.uniform(think_low, think_high) / 1000)


async def drive(base: str, args: argparse.Namespace) -> tuple[Results, float]:
    results = Results()
    async with httpx.AsyncClient(base_url=base, timeout=60) as client:
        failed = await sign_in(client, USERS[0])
        if failed:
            raise RuntimeError(failed)
        listing = await client.get("/patients/")
        charts = sorted(set(CHART.findall(listing.text)))
    if not charts:
        raise RuntimeError("No patient charts found in the patient list.")
    start = asyncio.Event()
    deadline = [0.0]
    signed = [0]
    tasks = [
        asyncio.create_task(user(base, n, charts, args, results, start, deadline, signed))
        for n in range(args.users)
    ]
    # Everyone signs in first (Argon2 is slow by design); the clock starts after.
    while signed[0] < args.users and not any(t.done() for t in tasks):
        await asyncio.sleep(0.1)
    began = time.monotonic()
    cpu_before = server_cpu_s(args.server_group)
    deadline[0] = began + args.seconds
    start.set()
    backup = asyncio.create_task(backup_midway(args)) if args.backup_env else None
    await asyncio.gather(*tasks)
    elapsed = time.monotonic() - began
    results.server_cpu_s = server_cpu_s(args.server_group) - cpu_before
    if backup is not None:
        await backup
    return results, elapsed


async def backup_midway(args: argparse.Namespace) -> None:
    """`mesoclinic backup` of the live database halfway through, then a restore of it into a
    new file with its manifest check: the online backup under load (reference R7)."""
    await asyncio.sleep(args.seconds / 2)
    env, folder = args.backup_env, args.backup_folder
    started = time.perf_counter()
    made = await asyncio.to_thread(
        subprocess.run,
        [*CLI, "backup", str(folder)],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    took = time.perf_counter() - started
    restored_env = {**env, "DATABASE_URL": f"sqlite:///{folder.parent / 'restored.sqlite3'}"}
    restored = await asyncio.to_thread(
        subprocess.run,
        [*CLI, "restore", str(folder)],
        env=restored_env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    args.backup_report = (
        f"backup during the load: exit {made.returncode} in {took:.1f} s: {made.stdout.strip()}\n"
        f"its restore: exit {restored.returncode}: "
        f"{(restored.stdout or restored.stderr).strip().splitlines()[0] if (restored.stdout or restored.stderr).strip() else ''}"
    )


def server_cpu_s(group: int) -> float:
    """User + system CPU seconds of every live process of the server's process group (the
    gunicorn master and its workers), read from /proc (Linux)."""
    total = 0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue  # a process that ended while being read
        # After "pid (comm)": state ppid pgrp session … utime (14th field) stime (15th).
        if int(fields[2]) == group:
            total += int(fields[11]) + int(fields[12])
    return total / os.sysconf("SC_CLK_TCK")


def percentile(values: list[float], q: float) -> float:
    if len(values) == 1:
        return values[0]
    return statistics.quantiles(values, n=100, method="inclusive")[int(q) - 1]


def report(results: Results, elapsed: float, log: str, args: argparse.Namespace) -> None:
    every = [v for values in results.latencies_ms.values() for v in values]
    lines = [json.loads(line) for line in log.splitlines() if line.startswith("{")]
    locked = sum(1 for line in lines if line.get("error_code") == "SQLITE_BUSY")
    locked += log.count("database is locked")
    server_errors = [line for line in lines if line.get("level") in ("ERROR", "CRITICAL")]
    print(
        f"\n{args.users} users, {elapsed:.1f} s, think time {args.think_ms} ms, "
        f"gunicorn {args.workers or 'default'} workers × {args.threads} threads"
    )
    print(f"operations: {dict(results.operations)}")
    print(f"requests: {len(every)} ({len(every) / elapsed:.1f}/s)")
    if every:
        print(
            f"server CPU: {results.server_cpu_s:.1f} s over the window, "
            f"{results.server_cpu_s / len(every) * 1000:.1f} ms per request (all kinds; "
            f"{results.server_cpu_s / elapsed:.2f} of {os.cpu_count()} cores busy)"
        )
    header = f"{'kind':<18}{'n':>7}{'p50 ms':>9}{'p95 ms':>9}{'p99 ms':>9}{'max ms':>9}"
    print(header)
    for kind, values in sorted(results.latencies_ms.items()) + [("all", every)]:
        if values:
            print(
                f"{kind:<18}{len(values):>7}{percentile(values, 50):>9.0f}"
                f"{percentile(values, 95):>9.0f}{percentile(values, 99):>9.0f}{max(values):>9.0f}"
            )
    print(
        f"errors: {len(results.errors)}"
        + (f" (first: {results.errors[:3]})" if results.errors else "")
    )
    print(f'"database is locked": {locked}')
    print(f"server error log lines: {len(server_errors)}")


def compare(results: Results, alone: Results, alone_s: float, args: argparse.Namespace) -> None:
    """The one-user baseline beside the run, and the run's latencies as a ratio to it."""
    every = [v for values in results.latencies_ms.values() for v in values]
    single = [v for values in alone.latencies_ms.values() for v in values]
    if not every or not single:
        return
    print(
        f"baseline, 1 user with no pause ({len(single)} requests in {alone_s:.1f} s, "
        f"{alone.server_cpu_s / len(single) * 1000:.1f} ms server CPU a request): "
        f"p50 {percentile(single, 50):.0f} / p95 {percentile(single, 95):.0f} / "
        f"p99 {percentile(single, 99):.0f} ms; errors {len(alone.errors)}"
    )
    print(
        f"{args.users} users / 1 user: p50 {percentile(every, 50) / percentile(single, 50):.1f}×, "
        f"p95 {percentile(every, 95) / percentile(single, 95):.1f}×, "
        f"p99 {percentile(every, 99) / percentile(single, 99):.1f}×"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--users", type=int, default=30)
    parser.add_argument("--seconds", type=float, default=30)
    parser.add_argument("--think-ms", default="0:0", help="pause between operations, min:max ms")
    parser.add_argument("--patients", type=int, default=200)
    parser.add_argument(
        "--workers", type=int, default=None, help="gunicorn workers (WEB_CONCURRENCY)"
    )
    parser.add_argument("--threads", type=int, default=4, help="threads per gunicorn worker")
    parser.add_argument("--server-log", type=Path, help="keep the server's log lines in this file")
    parser.add_argument(
        "--baseline-seconds",
        type=float,
        default=15,
        help="then the same mix from 1 user with no pause, the baseline (0: skip)",
    )
    parser.add_argument(
        "--backup",
        action="store_true",
        help="run `mesoclinic backup` halfway through, then restore it and check its manifest",
    )
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="mesoclinic-load-") as tmp:
        env = {
            **os.environ,
            "DATABASE_URL": f"sqlite:///{tmp}/db.sqlite3",
            "MESOCLINIC_VAR_DIR": f"{tmp}/var",
            "SECRET_KEY": secrets.token_urlsafe(50),
            "DEBUG": "false",
            "GUNICORN_THREADS": str(args.threads),
        }
        if args.workers:
            env["WEB_CONCURRENCY"] = str(args.workers)
        args.backup_env = env if args.backup else None
        args.backup_folder = Path(tmp) / "backup"
        args.backup_report = ""
        print(f"building the demo practice ({args.patients} patients) …", flush=True)
        subprocess.run(
            [*CLI, "demo", "--no-serve", "--patients", str(args.patients)],
            env=env,
            cwd=ROOT,
            check=True,
            capture_output=True,
        )
        port = free_port()
        log_path = Path(tmp) / "server.log"
        with log_path.open("w") as log_file:
            server = subprocess.Popen(
                [*CLI, "serve", "--bind", f"127.0.0.1:{port}"],
                env=env,
                cwd=ROOT,
                stdout=log_file,
                stderr=log_file,
                start_new_session=True,
            )
            try:
                base = f"http://127.0.0.1:{port}"
                for _ in range(240):
                    try:
                        if httpx.get(f"{base}/healthz", timeout=5).status_code == 200:
                            break
                    except httpx.HTTPError:
                        time.sleep(0.5)
                else:
                    raise RuntimeError("the server did not start: " + log_path.read_text()[-2000:])
                print(f"server up on {base}; {args.users} users signing in …", flush=True)
                args.server_group = server.pid  # start_new_session: its own process group
                results, elapsed = asyncio.run(drive(base, args))
                baseline = None
                if args.baseline_seconds:
                    # The same mix from one user with no pause, on the same server: nothing
                    # queues, so this is the latency of the work itself.
                    alone = argparse.Namespace(**{**vars(args), "users": 1, "think_ms": "0:0", "seconds": args.baseline_seconds, "backup_env": None})  # fmt: skip
                    print(f"baseline: 1 user for {args.baseline_seconds:g} s …", flush=True)
                    baseline = asyncio.run(drive(base, alone))
            finally:
                os.killpg(server.pid, signal.SIGTERM)
                server.wait(timeout=60)
        if args.server_log:
            args.server_log.write_text(log_path.read_text())
        report(results, elapsed, log_path.read_text(), args)
        if baseline is not None:
            compare(results, *baseline, args)
        if args.backup_report:
            print(args.backup_report)


if __name__ == "__main__":
    main()
