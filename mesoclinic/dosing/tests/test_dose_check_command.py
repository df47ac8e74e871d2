"""The ``mesoclinic dose-check`` command: exit codes 0/1/2, JSON on stdout, errors on stderr."""

from __future__ import annotations

import json
import subprocess
import sys
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

CONSOLE_SCRIPT = Path(sys.executable).parent / "mesoclinic"

SPEC_EXAMPLE = {
    "patient": {"weight_kg": 70, "height_cm": 168, "sex": "f", "birth_date": "1985-04-02"},
    "date": "2026-11-20",
    "protocol": None,
    "history": [{"date": "2026-10-10", "substances": ["deoxycholic_acid"], "area": "submental"}],
    "syringes": [
        {
            "label": "anaesthesia",
            "area": "submental",
            "volume_ml": 4,
            "ingredients": [{"substance": "lidocaine", "mg_per_ml": 10, "with_epinephrine": False}],
        },
        {
            "label": "DCA",
            "area": "submental",
            "volume_ml": 6,
            "points": 30,
            "ingredients": [{"substance": "deoxycholic_acid", "mg_per_ml": 10}],
        },
    ],
}


def run_script(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(CONSOLE_SCRIPT), "dose-check", *args],
        input=stdin,
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )


def variant(**changes: object) -> dict[str, Any]:
    # json.loads is typed Any; the round trip of SPEC_EXAMPLE (a dict) is a dict copy
    data: dict[str, Any] = json.loads(json.dumps(SPEC_EXAMPLE))
    data.update(changes)
    return data


def test_it_exits_0_and_prints_the_verdict_for_a_safe_session(tmp_path):
    # given the spec's example session in a file
    path = tmp_path / "session.json"
    path.write_text(json.dumps(SPEC_EXAMPLE))
    # when the console script checks it
    result = run_script(str(path))
    # then it exits 0 with the spec's keys on stdout
    assert result.returncode == 0, result.stderr
    verdict = json.loads(result.stdout)
    assert verdict["ok"] is True
    assert {"ok", "totals", "violations", "warnings"} <= verdict.keys()
    lidocaine = next(row for row in verdict["totals"] if row["substance"] == "lidocaine")
    assert lidocaine["mg"] == 40.0
    assert lidocaine["limit_mg"] == 300.0
    assert "4.5 mg/kg (315 mg) capped at 300 mg" in lidocaine["limit_basis"]
    assert lidocaine["source"].startswith("https://")


def test_it_exits_1_and_still_prints_the_verdict_on_a_violation():
    # given a session ten days after the last deoxycholic acid treatment, on stdin
    data = variant(history=[{"date": "2026-11-10", "substances": ["deoxycholic_acid"]}])
    # when the console script checks it
    result = run_script("-", stdin=json.dumps(data))
    # then it exits 1 with the violation in the JSON verdict
    assert result.returncode == 1
    verdict = json.loads(result.stdout)
    assert verdict["ok"] is False
    assert [v["rule"] for v in verdict["violations"]] == ["minimum_interval"]
    assert verdict["violations"][0]["message"].startswith("10 days since the last")


@pytest.mark.parametrize(
    ("mutate", "expected"),
    [
        (
            lambda d: d["syringes"][1].update(volume_ml=-2),
            "syringes[1].volume_ml: must be > 0, got -2",
        ),
        (
            lambda d: d["syringes"][0].update(volume_ml=0),
            "syringes[0].volume_ml: must be > 0, got 0",
        ),
        (
            lambda d: d["syringes"][0]["ingredients"][0].update(mg_per_ml="ten"),
            'syringes[0].ingredients[0].mg_per_ml: must be a number, got string "ten"',
        ),
        (lambda d: d.update(date="2026-02-30"), "date: is not a real calendar date: 2026-02-30"),
        (
            lambda d: d["history"][0].update(date="2026-13-01"),
            "history[0].date: is not a real calendar date: 2026-13-01",
        ),
        (lambda d: d.update(notes="x"), "notes: unknown field"),
        (lambda d: d["patient"].update(bmi=24), "patient.bmi: unknown field"),
        (
            lambda d: d["syringes"][1]["ingredients"][0].update(lot="A1"),
            "syringes[1].ingredients[0].lot: unknown field",
        ),
        (lambda d: d.pop("date"), "date: required field is missing"),
        (
            lambda d: d["syringes"][0].pop("volume_ml"),
            "syringes[0].volume_ml: required field is missing",
        ),
        (
            lambda d: d["syringes"][0]["ingredients"][0].pop("substance"),
            "syringes[0].ingredients[0].substance: required field is missing",
        ),
        (lambda d: d.update(syringes={}), "syringes: must be an array, got object"),
        (
            lambda d: d["syringes"][1].update(points=2.5),
            "syringes[1].points: must be a whole number",
        ),
        (
            lambda d: d["syringes"][0]["ingredients"][0].update(with_epinephrine="no"),
            "syringes[0].ingredients[0].with_epinephrine: must be true or false, got string",
        ),
        (
            lambda d: d["patient"].update(weight_kg=True),
            "patient.weight_kg: must be a number, got boolean",
        ),
        (
            lambda d: d["syringes"][0]["ingredients"][0].update(substance="xylocaine"),
            "syringes[0].ingredients[0].substance: 'xylocaine' is another name for 'lidocaine'",
        ),
        (
            lambda d: d["syringes"][0]["ingredients"][0].update(substance="Lidocaine"),
            "syringes[0].ingredients[0].substance: must be a lower-case substance code",
        ),
        (lambda d: d["syringes"][0].update(area="chin"), "syringes[0].area: must be one of"),
        (lambda d: d.update(syringes=[]), "syringes: must list at least one syringe"),
        (
            lambda d: d["history"][0].update(date="2026-12-01"),
            "history[0].date: 2026-12-01 is after the session date 2026-11-20",
        ),
        (lambda d: d.update(protocol="unknown"), 'protocol: unknown protocol "unknown"'),
        (
            lambda d: d.update(protocol={"name": "p", "limits": [], "version": 2}),
            "protocol.version: unknown field",
        ),
        (
            lambda d: d.update(
                protocol={
                    "name": "p",
                    "limits": [{"substance": "lecithin", "max_mg": 10, "source": "x"}],
                }
            ),
            "protocol.limits[0].substance: 'lecithin' is another name for 'phosphatidylcholine'",
        ),
        (
            lambda d: d.update(
                protocol={
                    "name": "p",
                    "limits": [{"substance": "caffeine", "max_mg": -1, "source": "x"}],
                }
            ),
            "protocol.limits[0].max_mg: must be > 0, got -1",
        ),
        (lambda d: d["history"][0].update(when="x"), "history[0].when: unknown field"),
        (lambda d: d["patient"].update(weight_kg=4000), "patient.weight_kg: must be at most 400"),
        (lambda d: d["syringes"][0].update(side="up"), "syringes[0].side: must be one of"),
        (
            lambda d: d["syringes"][0]["ingredients"][0].update(mg_per_ml=0.0000001),
            "syringes[0].ingredients[0].mg_per_ml: at most 6 decimal places",
        ),
    ],
)
def test_it_exits_2_naming_the_field_and_printing_nothing_on_stdout(mutate, expected):
    # given the spec's example with one invalid field
    data = variant()
    mutate(data)
    stdout, stderr = StringIO(), StringIO()
    # when the command checks it
    with pytest.raises(CommandError) as raised:
        call_command(
            "dose_check", "-", stdin=StringIO(json.dumps(data)), stdout=stdout, stderr=stderr
        )
    # then it fails with return code 2, names the field, and writes nothing on stdout
    assert raised.value.returncode == 2
    assert expected in str(raised.value)
    assert stdout.getvalue() == ""


def test_it_reports_every_faulty_field_at_once():
    # given three faults
    data = variant(date="2026-02-30")
    data["syringes"][0]["volume_ml"] = -1
    data["patient"]["bmi"] = 1
    # when it is checked
    with pytest.raises(CommandError) as raised:
        call_command("dose_check", "-", stdin=StringIO(json.dumps(data)), stdout=StringIO())
    # then each is named
    message = str(raised.value)
    assert "date:" in message
    assert "syringes[0].volume_ml:" in message
    assert "patient.bmi:" in message


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("{not json", "input: not valid JSON"),
        ('{"date": NaN}', "input: not valid JSON"),
        ("[]", "input: must be an object, got array"),
        (
            '{"patient": {}, "date": "2026-11-20", "date": "2026-11-21", "syringes": []}',
            "date: given more than once",
        ),
    ],
)
def test_it_exits_2_on_input_that_is_not_a_session_object(text, expected):
    # given text that is not a session object
    stdout = StringIO()
    # when it is checked
    with pytest.raises(CommandError) as raised:
        call_command("dose_check", "-", stdin=StringIO(text), stdout=stdout)
    # then it is invalid input, and stdout is empty
    assert raised.value.returncode == 2
    assert expected in str(raised.value)
    assert stdout.getvalue() == ""


def test_it_exits_2_with_nothing_on_stdout_from_the_console_script():
    # given a negative volume
    data = variant()
    data["syringes"][1]["volume_ml"] = -2
    # when the console script checks it
    result = run_script("-", stdin=json.dumps(data))
    # then the exit code is exactly 2, stdout is empty and stderr names the field
    assert result.returncode == 2
    assert result.stdout == ""
    assert "syringes[1].volume_ml: must be > 0, got -2" in result.stderr


def test_it_exits_2_for_a_missing_file(tmp_path):
    # given a path that does not exist
    # when the console script is run on it
    result = run_script(str(tmp_path / "absent.json"))
    # then it is invalid input
    assert result.returncode == 2
    assert result.stdout == ""
    assert "no such file" in result.stderr


def test_it_uses_the_ideal_weight_when_asked():
    # given an obese patient (110 kg) with 300 mg plain lidocaine
    data = variant()
    data["patient"]["weight_kg"] = 110
    data["syringes"][0]["volume_ml"] = 30
    stdout = StringIO()
    # when checked on an ideal body weight of 60 kg
    with pytest.raises(CommandError) as raised:
        call_command(
            "dose_check",
            "-",
            "--weight-basis",
            "ideal",
            "--ideal-weight-kg",
            "60",
            stdin=StringIO(json.dumps(data)),
            stdout=stdout,
        )
    # then the limit is 4.5 mg/kg × 60 kg = 270 mg, which 300 mg exceeds
    assert raised.value.returncode == 1
    verdict = json.loads(stdout.getvalue())
    lidocaine = next(row for row in verdict["totals"] if row["substance"] == "lidocaine")
    assert lidocaine["limit_mg"] == 270.0
    assert "ideal body weight 60 kg" in verdict["weight_basis"]


@pytest.mark.parametrize(
    "options",
    [
        ["--weight-basis", "ideal"],
        ["--ideal-weight-kg", "60"],
        ["--weight-basis", "ideal", "--ideal-weight-kg", "heavy"],
    ],
)
def test_it_exits_2_on_inconsistent_weight_options(options):
    # when the weight options are incomplete or wrong
    stdout = StringIO()
    with pytest.raises(CommandError) as raised:
        call_command(
            "dose_check", "-", *options, stdin=StringIO(json.dumps(SPEC_EXAMPLE)), stdout=stdout
        )
    # then it is invalid input and nothing is printed on stdout
    assert raised.value.returncode == 2
    assert "--ideal-weight-kg" in str(raised.value)
    assert stdout.getvalue() == ""
