"""Commands that need no database run without loading the apps (mesoclinic/cli.py), and
answer exactly as they do under Django's full set-up."""

from __future__ import annotations

import json
import subprocess
import sys
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from mesoclinic.cli import STANDALONE_COMMANDS
from mesoclinic.dosing.tests.test_dose_check_command import SPEC_EXAMPLE, variant
from tests.test_light_imports import ROOT, app_environment

# Runs the console script's entry point as the operator does, then says on its last line of
# standard error whether the app registry was loaded and which of the project's model
# modules were imported.
PROBE = """
import json, sys
from mesoclinic.cli import main
code = 0
try:
    main(["mesoclinic", *sys.argv[1:]])
except SystemExit as stop:
    code = stop.code
from django.apps import apps
models = sorted(m for m in sys.modules if m.startswith("mesoclinic.") and m.endswith(".models"))
sys.stderr.write("\\n" + json.dumps({"code": code, "ready": apps.ready, "models": models}))
"""

SESSIONS = {
    "safe": SPEC_EXAMPLE,
    "violation": variant(history=[{"date": "2026-11-10", "substances": ["deoxycholic_acid"]}]),
    "invalid": variant(syringes=[{"label": "DCA", "area": "submental", "volume_ml": -2}]),
}


def run_standalone(*args: str) -> tuple[str, str, dict[str, object]]:
    done = subprocess.run(
        [sys.executable, "-c", PROBE, *args],
        cwd=ROOT,
        env=app_environment(),
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    *errors, last = done.stderr.splitlines()
    return done.stdout, "\n".join(errors).strip(), json.loads(last)


def run_set_up(path: Path) -> tuple[str, str, int]:
    """The same command through call_command, in this process, with every app loaded."""
    stdout, stderr = StringIO(), StringIO()
    try:
        call_command("dose_check", str(path), stdout=stdout, stderr=stderr)
    except CommandError as error:
        return stdout.getvalue(), f"CommandError: {error}", error.returncode
    return stdout.getvalue(), "", 0


def test_it_lists_only_commands_whose_module_exists():
    # given the standalone commands; then each names a management command module
    for name, module in STANDALONE_COMMANDS.items():
        assert module.endswith(f".management.commands.{name}")


@pytest.mark.parametrize(("case", "expected_code"), [("safe", 0), ("violation", 1), ("invalid", 2)])
def test_it_checks_a_dose_without_loading_the_apps(tmp_path, case, expected_code):
    # given a planned session in a file
    path = tmp_path / "session.json"
    path.write_text(json.dumps(SESSIONS[case]))
    # when the console script checks it, and the command runs again with every app loaded
    stdout, stderr, state = run_standalone("dose-check", str(path))
    set_up_stdout, set_up_stderr, set_up_code = run_set_up(path)
    # then no app and no model was loaded, and the answer is the same to the character
    assert state == {"code": expected_code, "ready": False, "models": []}, stderr
    assert set_up_code == expected_code
    assert stdout.strip() == set_up_stdout.strip()
    assert stderr == set_up_stderr.strip()
