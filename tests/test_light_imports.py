"""The URLconf and the everyday commands load no heavy numeric or PDF library: every
management command imports the URLconf for its system checks, so a library imported there
is paid by ``recall`` and ``dose-check`` at every start (issue 11: +1 s, +110 MiB)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parent.parent
HEAVY = ("pandas", "scipy", "numpy", "statsmodels", "fpdf", "matplotlib", "duckdb")

PROBE = """
import importlib, json, sys
import django
django.setup()
for name in sys.argv[1:]:
    importlib.import_module(name)
print(json.dumps(sorted(sys.modules)))
"""


def app_environment(environ: dict[str, str] | None = None) -> dict[str, str]:
    """``environ`` (default: this process's environment) with the app's settings and this
    checkout first on the import path: for a fresh interpreter that runs the project."""
    env = {**(os.environ if environ is None else environ)}
    env["DJANGO_SETTINGS_MODULE"] = "mesoclinic.settings"
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))
    return env


def _probe(script: str, *args: str, environ: dict[str, str] | None = None) -> Any:
    """What ``script`` prints last (JSON), run in a fresh interpreter with the settings of the
    app, in ``environ`` (default: this process's environment)."""
    done = subprocess.run(
        [sys.executable, "-c", script, *args],
        cwd=ROOT,
        env=app_environment(environ),
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    )
    return json.loads(done.stdout.strip().splitlines()[-1])


def _loaded_after_importing(*modules: str) -> list[str]:
    loaded: list[str] = _probe(PROBE, *modules)
    return loaded


def _heavy_after_importing(*modules: str) -> list[str]:
    top_level = {name.split(".")[0] for name in _loaded_after_importing(*modules)}
    return sorted(name for name in top_level if name in HEAVY)


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


# What ``recall`` and ``dose-check`` (which run no system checks, so import no URLconf) no
# longer load at start: the services that the apps' ``ready`` used to import to connect their
# receivers. (The passkey library still loads with its app, django_otp_webauthn, whose
# models import it: making a security library lazy through an import hook would save ~0.1 s
# of CPU at the price of running it in a state its authors never tested.)
LAZY_AT_START = (
    "mesoclinic.outcomes.services",
    "mesoclinic.dosing.services",
    "mesoclinic.safety.signal_data",
    "mesoclinic.aftercare.services",
    "mesoclinic.appointments.reminders",
    "mesoclinic.billing.packages",
    "mesoclinic.evidence.decision_aid",
)


def _lazy_after_importing(*modules: str) -> list[str]:
    return sorted(set(_loaded_after_importing(*modules)) & set(LAZY_AT_START))


def test_it_starts_recall_and_dose_check_without_what_they_do_not_use() -> None:
    # given a fresh interpreter with Django set up (every app loaded, every ready() run)
    # when the two commands that must start at once are imported
    loaded = _lazy_after_importing(
        "mesoclinic.safety.management.commands.recall",
        "mesoclinic.dosing.management.commands.dose_check",
    )
    # then none of the receivers' services is loaded
    assert loaded == []


@pytest.mark.parametrize(
    ("module", "expected"),
    [
        # a session's dose check, then the signals page's detector, then the receivers
        ("mesoclinic.treatments.dose_input", {"mesoclinic.dosing.services"}),
        ("mesoclinic.outcomes.services", {"mesoclinic.outcomes.services"}),
        ("mesoclinic.safety.signal_state", set()),
        ("mesoclinic.safety.signal_data", {"mesoclinic.safety.signal_data"}),
        ("mesoclinic.aftercare.services", {"mesoclinic.aftercare.services"}),
        ("mesoclinic.appointments.reminders", {"mesoclinic.appointments.reminders"}),
        ("mesoclinic.billing.packages", {"mesoclinic.billing.packages"}),
        ("mesoclinic.evidence.decision_aid", {"mesoclinic.evidence.decision_aid"}),
    ],
)
def test_it_can_tell_when_a_lazy_module_is_loaded(module: str, expected: set[str]) -> None:
    # given a fresh interpreter with Django set up
    # when a module that needs it is imported
    loaded = set(_lazy_after_importing(module))
    # then the probe sees it (so an empty answer above means something)
    assert expected <= loaded


BLAS_PROBE = """
import json, os
import django
django.setup()
import numpy
print(json.dumps(os.environ.get("OPENBLAS_NUM_THREADS")))
"""


@pytest.mark.parametrize(("given", "expected"), [(None, "1"), ("4", "4")])
def test_it_gives_numpy_one_blas_thread_unless_the_operator_sets_it(
    given: str | None, expected: str
) -> None:
    # given a fresh interpreter with or without the operator's OPENBLAS_NUM_THREADS
    environ = {k: v for k, v in os.environ.items() if k != "OPENBLAS_NUM_THREADS"}
    if given is not None:
        environ["OPENBLAS_NUM_THREADS"] = given
    # when Django is set up and numpy then loaded (the evidence code's order), then numpy's
    # BLAS read one thread, or the operator's number
    assert _probe(BLAS_PROBE, environ=environ) == expected
