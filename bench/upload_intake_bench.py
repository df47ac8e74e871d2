"""Benchmark: the upload intake over the hostile corpus, and its peak memory.

    .venv/bin/python bench/upload_intake_bench.py [--rounds N]

1. Runs ``uploads.intake.reencode`` on every file of the test corpus (56 files,
   ``mesoclinic/uploads/tests/corpus.py``) N times and prints, per outcome (accepted,
   refused), the count, p50, p99 and maximum time per file in ms.
2. In a fresh process each, takes in (a) a 48-megapixel JPEG (8000 x 6000, the largest
   phone-camera photo), the same with EXIF orientation 6 (turned: one more copy), (b) the 400-megapixel PNG bomb and (c) a 20000 x 20000 JPEG bomb,
   and prints the time and the process's peak resident memory (VmHWM) for each,
   beside the peak of a process that only imports Pillow.
No assertion on time.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

CHILD = """
import json, sys, time


def high_water_mb():
    # VmHWM belongs to this process's own memory map (reset by exec), unlike ru_maxrss,
    # which a child inherits from the parent that forked it.
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return float("nan")


from PIL import Image
from mesoclinic.uploads.intake import ImageRejectedError, reencode
kind, path = sys.argv[1], sys.argv[2]
with open(path, "rb") as handle:
    data = handle.read()
before = high_water_mb()
start = time.perf_counter()
outcome = "baseline"
if kind != "baseline":
    try:
        clean = reencode(data)
        outcome = f"accepted {clean.width_px}x{clean.height_px}"
    except ImageRejectedError as exc:
        outcome = f"refused: {exc}"
elapsed_ms = (time.perf_counter() - start) * 1000
peak = high_water_mb()
print(json.dumps({"kind": kind, "input_mb": len(data) / 1e6, "outcome": outcome,
                  "ms": elapsed_ms, "peak_mb_before": before, "peak_mb": peak}))
"""


def corpus_times(rounds: int) -> None:
    from mesoclinic.uploads.intake import ImageRejectedError, reencode
    from mesoclinic.uploads.tests.corpus import corpus

    cases = corpus()
    times: dict[str, list[float]] = {"accepted": [], "refused": []}
    for _ in range(rounds):
        for case in cases:
            start = time.perf_counter()
            try:
                reencode(case.data)
                outcome = "accepted"
            except ImageRejectedError:
                outcome = "refused"
            times[outcome].append((time.perf_counter() - start) * 1000)
    print(f"corpus: {len(cases)} files x {rounds} rounds")
    for outcome, values in times.items():
        values.sort()
        p99 = values[min(len(values) - 1, int(0.99 * len(values)))]
        print(
            f"  {outcome:8} n={len(values):5}  p50 {statistics.median(values):7.2f} ms  "
            f"p99 {p99:7.2f} ms  max {values[-1]:7.2f} ms"
        )


def inputs() -> dict[str, bytes]:
    """Made here, so that the measuring process only reads them."""
    from mesoclinic.uploads.tests import corpus

    big = corpus.photo((8000, 6000))
    return {
        "baseline": b"",
        "big-photo": corpus._save(big, "JPEG", exif=corpus.hostile_exif()),
        "big-turned": corpus._save(big, "JPEG", exif=corpus.hostile_exif(orientation=6)),
        "png-bomb": corpus.png_header_only(20000, 20000),
        "jpeg-bomb": corpus.jpeg_header_only(20000, 20000),
    }


def peaks() -> None:
    print("fresh process each (peak resident memory of the whole process):")
    for kind, data in inputs().items():
        with tempfile.NamedTemporaryFile(suffix=".bin") as handle:
            handle.write(data)
            handle.flush()
            out = subprocess.run(
                [sys.executable, "-c", CHILD, kind, handle.name],
                cwd=ROOT,
                capture_output=True,
                text=True,
                check=True,
            )
        row = json.loads(out.stdout)
        print(
            f"  {row['kind']:10} input {row['input_mb']:6.2f} MB  {row['ms']:8.1f} ms  "
            f"peak {row['peak_mb']:7.1f} MB (before the intake {row['peak_mb_before']:6.1f} MB)"
            f"  {row['outcome']}"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rounds", type=int, default=20)
    args = parser.parse_args()
    corpus_times(args.rounds)
    peaks()


if __name__ == "__main__":
    main()
