"""Operator commands keep standard output for their own result and patient data out of it."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.django_db(transaction=True)
def test_it_prints_only_json_from_run_due_and_no_patient_address(tmp_path):
    # given the demo practice in its own database, with check-ins due, and the default mail setup
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
        "MESOCLINIC_VAR_DIR": str(tmp_path),
    }
    env.pop("EMAIL_BACKEND", None)
    cli = [sys.executable, "-m", "mesoclinic.cli"]
    subprocess.run(
        [*cli, "demo", "--no-serve", "--patients", "20", "--hilltop-patients", "5"],
        env=env,
        cwd=ROOT,
        check=True,
        capture_output=True,
    )
    # when the runner sends what is due
    run = subprocess.run(
        [*cli, "run-due", "--json"], env=env, cwd=ROOT, check=True, capture_output=True, text=True
    )
    # then standard output is the JSON result alone, and no patient address is printed anywhere
    result = json.loads(run.stdout)
    assert result["sent"] > 0
    assert "@example.org" not in run.stdout + run.stderr
    # and the messages are in the outbox for the operator
    assert any((tmp_path / "outbox").iterdir())
