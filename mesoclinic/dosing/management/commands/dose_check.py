"""``mesoclinic dose-check FILE.json`` (or ``-``): one planned session's dose verdict as JSON.

The contract is ../shared/spec/dose-check.md. Exit status: 0 within every rule, 1 at least
one violation (the verdict is still printed), 2 invalid input (each problem on standard
error, starting with its field path; nothing on standard output). The command touches no
database and reads no patient record: it checks only what it is given.
"""

from __future__ import annotations

import json
import sys
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any, TextIO

from django.core.management.base import BaseCommand, CommandError, CommandParser

from mesoclinic.clinical_codes import MEASUREMENT_KINDS
from mesoclinic.dosing.engine import check_session
from mesoclinic.dosing.input_schema import InputError, load_session_json
from mesoclinic.dosing.rules import RuleSet

EXIT_VIOLATION = 1
EXIT_INVALID = 2


class Command(BaseCommand):
    help = (
        "Check one planned session (JSON, see shared/spec/dose-check.md) against the dose "
        "rules and print the verdict. Exit 0 ok, 1 violation, 2 invalid input."
    )
    requires_system_checks: list[str] = []  # a pure check: no database, no app checks
    stealth_options = ("stdin",)  # call_command(..., stdin=StringIO(...)) for "-"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="the session as JSON, or - for standard input")
        parser.add_argument(
            "--weight-basis",
            choices=["actual", "ideal"],
            default="actual",
            help="weight for mg/kg limits: the actual weight (default) or the lower of the "
            "ideal and the actual body weight (needs --ideal-weight-kg)",
        )
        parser.add_argument(
            "--ideal-weight-kg",
            default=None,
            help="the patient's ideal body weight in kg, as assessed by the clinician",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        text = self._read(options["file"], options.get("stdin") or sys.stdin)
        ideal_weight_kg = self._ideal_weight(options["weight_basis"], options["ideal_weight_kg"])
        try:
            plan = load_session_json(text)
        except InputError as error:
            raise CommandError(
                "invalid dose-check input:\n" + "\n".join(error.errors), returncode=EXIT_INVALID
            ) from None
        rules = RuleSet.defaults().with_weight_basis(options["weight_basis"])
        verdict = check_session(plan, rules, ideal_weight_kg=ideal_weight_kg)
        self.stdout.write(json.dumps(verdict.to_json(), indent=2))
        if not verdict.ok:
            rules_broken = ", ".join(
                f"{v.rule} ({v.substance})" if v.substance else v.rule for v in verdict.violations
            )
            raise CommandError(
                f"{len(verdict.violations)} dose violation(s): {rules_broken}",
                returncode=EXIT_VIOLATION,
            )

    def _read(self, name: str, stdin: TextIO) -> str:
        try:
            if name == "-":
                return stdin.read()
            return Path(name).read_text(encoding="utf-8")
        except FileNotFoundError:
            raise CommandError(f"file: {name}: no such file", returncode=EXIT_INVALID) from None
        except (OSError, UnicodeDecodeError) as error:
            raise CommandError(
                f"file: {name}: cannot be read as UTF-8 text ({error.__class__.__name__})",
                returncode=EXIT_INVALID,
            ) from None

    def _ideal_weight(self, basis: str, value: str | None) -> Decimal | None:
        if value is None:
            if basis == "ideal":
                raise CommandError(
                    "--ideal-weight-kg: required when --weight-basis is ideal",
                    returncode=EXIT_INVALID,
                )
            return None
        weight = MEASUREMENT_KINDS["weight_kg"]
        try:
            ideal = Decimal(value)
        except InvalidOperation:
            ideal = Decimal("NaN")
        if not ideal.is_finite() or not weight.minimum <= ideal <= weight.maximum:
            raise CommandError(
                f"--ideal-weight-kg: must be a number from {weight.minimum} to "
                f"{weight.maximum} kg, got {value!r}",
                returncode=EXIT_INVALID,
            )
        if basis != "ideal":
            raise CommandError(
                "--ideal-weight-kg: only used with --weight-basis ideal",
                returncode=EXIT_INVALID,
            )
        return ideal
