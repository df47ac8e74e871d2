"""Benchmark: taking in one 24-megapixel clinical photo, and its peak memory.

    .venv/bin/python bench/photo_upload_bench.py [--rounds N]

A 6000 x 4000 JPEG (24 megapixels, a common phone or camera size) with EXIF holding a GPS
position and a camera serial is processed as the photo capture does it
(``mesoclinic/photos``): the intake decodes, checks and re-encodes it without its metadata
(``uploads.intake.reencode``), the thumbnail is made from the re-encoded bytes
(``photos.thumbnails.thumbnail_jpeg``) and both are written to files. Each round runs in a
fresh process, which prints the time of each step and the process's peak resident memory
(VmHWM) beside the peak of the same process before the photo was read. No assertion on time.
"""

from __future__ import annotations

import argparse
import io
import json
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

CHILD = """
import json, sys, time, tempfile, os


def high_water_mb():
    # VmHWM belongs to this process's own memory map (reset by exec).
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return float("nan")


from mesoclinic.photos.thumbnails import thumbnail_jpeg
from mesoclinic.uploads.intake import reencode
with open(sys.argv[1], "rb") as handle:
    data = handle.read()
before = high_water_mb()
t0 = time.perf_counter()
clean = reencode(data)
t1 = time.perf_counter()
thumb = thumbnail_jpeg(clean.content)
t2 = time.perf_counter()
with tempfile.TemporaryDirectory() as folder:
    for name, content in (("photo.jpg", clean.content), ("thumb.jpg", thumb)):
        with open(os.path.join(folder, name), "wb") as out:
            out.write(content)
            out.flush()
            os.fsync(out.fileno())
t3 = time.perf_counter()
print(json.dumps({
    "input_mb": len(data) / 1e6, "stored_mb": len(clean.content) / 1e6,
    "thumb_kb": len(thumb) / 1e3, "size": f"{clean.width_px}x{clean.height_px}",
    "reencode_ms": (t1 - t0) * 1000, "thumbnail_ms": (t2 - t1) * 1000,
    "write_ms": (t3 - t2) * 1000, "total_ms": (t3 - t0) * 1000,
    "peak_mb_before": before, "peak_mb": high_water_mb(),
    "exif_left": b"Exif" in clean.content or b"SN-BENCH" in clean.content,
}))
"""

SERIAL = "SN-BENCH-24MP"


def photo_24mp() -> bytes:
    """A 6000 x 4000 JPEG with structure (gradients and shapes) and a phone's EXIF."""
    from PIL import Image, ImageDraw

    size = (6000, 4000)
    grey = Image.linear_gradient("L").resize(size)
    image = Image.merge("RGB", (grey, grey.transpose(Image.Transpose.FLIP_LEFT_RIGHT), grey))
    draw = ImageDraw.Draw(image)
    for i in range(40):
        draw.ellipse(
            (i * 140, i * 90, i * 140 + 900, i * 90 + 700), outline=(i * 6, 90, 200), width=9
        )
    exif = Image.Exif()
    exif[0x010F] = "BenchCam"
    exif[0x8825] = {1: "N", 2: (51.0, 30.0, 26.0), 3: "W", 4: (0.0, 7.0, 39.0)}
    exif[0x8769] = {0xA431: SERIAL}
    out = io.BytesIO()
    image.save(out, format="JPEG", quality=92, exif=exif)
    return out.getvalue()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    data = photo_24mp()
    rows = []
    with tempfile.NamedTemporaryFile(suffix=".jpg") as handle:
        handle.write(data)
        handle.flush()
        for _ in range(args.rounds):
            out = subprocess.run(
                [sys.executable, "-c", CHILD, handle.name],
                cwd=ROOT,
                capture_output=True,
                text=True,
                check=True,
            )
            rows.append(json.loads(out.stdout))
    first = rows[0]
    print(
        f"24-megapixel photo ({first['size']}), input {first['input_mb']:.2f} MB, stored "
        f"{first['stored_mb']:.2f} MB, thumbnail {first['thumb_kb']:.0f} kB, "
        f"EXIF/serial left: {'yes' if first['exif_left'] else 'no'}"
    )
    for row in rows:
        print(
            f"  re-encode {row['reencode_ms']:7.1f} ms  thumbnail {row['thumbnail_ms']:6.1f} ms  "
            f"write {row['write_ms']:6.1f} ms  total {row['total_ms']:7.1f} ms  "
            f"peak {row['peak_mb']:6.1f} MB (before the photo {row['peak_mb_before']:5.1f} MB)"
        )
    totals = [r["total_ms"] for r in rows]
    peaks = [r["peak_mb"] for r in rows]
    print(
        f"median total {statistics.median(totals):.1f} ms; peak memory "
        f"{max(peaks):.1f} MB ({max(r['peak_mb'] - r['peak_mb_before'] for r in rows):.1f} MB "
        "over the process before the photo)"
    )


if __name__ == "__main__":
    main()
