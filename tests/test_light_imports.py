"""The URLconf and the everyday commands load no heavy numeric or PDF library: every
management command imports the URLconf for its system checks, so a library imported there
is paid by ``recall`` and ``dose-check`` at every start (issue 11: +1 s, +110 MiB)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
HEAVY = ("pandas", "scipy", "numpy", "statsmodels", "fpdf", "matplotlib", "duckdb")

PROBE = """
import importlib, json, sys
import django
django.setup()
for name in sys.argv[1:]:
    importlib.import_module(name)
print(json.dumps(sorted({m.split(".")[0] for m in sys.modules})))
"""


def _heavy_after_importing(*modules: str) -> list[str]:
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "mesoclinic.settings"}
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))
    done = subprocess.run(
        [sys.executable, "-c", PROBE, *modules],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    )
    top_level: list[str] = json.loads(done.stdout.strip().splitlines()[-1])
    return [name for name in top_level if name in HEAVY]


@pytest.mark.parametrize(
    "modules",
    [
        ("mesoclinic.urls",),
        (
            "mesoclinic.urls",
            "mesoclinic.safety.management.commands.recall",
            "mesoclinic.dosing.management.commands.dose_check",
            "mesoclinic.aftercare.management.commands.run_due",
            "mesoclinic.safety.management.commands.safety_signals",
        ),
    ],
)
def test_it_starts_a_command_without_the_heavy_libraries(modules: tuple[str, ...]) -> None:
    # given a fresh interpreter with Django set up
    # when the URLconf and the command are imported, as a command's system checks do
    loaded = _heavy_after_importing(*modules)
    # then none of the numeric or PDF libraries is loaded
    assert loaded == []


def test_it_can_tell_when_a_heavy_library_is_loaded() -> None:
    # given the evidence views, which need the numeric libraries
    # when they are imported
    loaded = _heavy_after_importing("mesoclinic.evidence.views")
    # then the probe sees them (so an empty answer above means something)
    assert {"numpy", "pandas", "fpdf"} <= set(loaded)
