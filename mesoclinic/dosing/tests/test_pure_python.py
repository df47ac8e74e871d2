"""The dose engine is pure Python: it must run without Django (CONTRIBUTING.md, "Rules")."""

from __future__ import annotations

import subprocess
import sys

ENGINE_MODULES = [
    "mesoclinic.dosing.engine",
    "mesoclinic.dosing.rules",
    "mesoclinic.dosing.input_schema",
    "mesoclinic.dosing.json_fields",
    "mesoclinic.dosing.anaesthetics",
    "mesoclinic.dosing.labelled",
    "mesoclinic.dosing.verdict",
    "mesoclinic.dosing.snapshot",
    "mesoclinic.dosing.vocabulary",
]


def test_it_imports_and_runs_the_engine_without_importing_django():
    # given a fresh interpreter that imports only the engine modules and checks a session
    script = "\n".join(
        [f"import {module}" for module in ENGINE_MODULES]
        + [
            "from mesoclinic.dosing.engine import check_session",
            "from mesoclinic.dosing.input_schema import load_session_json",
            'plan = load_session_json(\'{"patient": {"weight_kg": 70}, "date": "2026-11-20", '
            '"syringes": [{"area": "face", "volume_ml": 2, "ingredients": '
            '[{"substance": "lidocaine", "mg_per_ml": 10}]}]}\')',
            "assert check_session(plan).ok",
            "import sys",
            "print(sorted(m for m in sys.modules if m == 'django' or m.startswith('django.')))",
        ]
    )
    # when it runs
    result = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=False, timeout=60
    )
    # then it succeeds and no django module was loaded
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"
