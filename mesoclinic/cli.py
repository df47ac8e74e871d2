"""The ``mesoclinic`` console script: the operator's face over Django's management commands.

``mesoclinic migrate``, ``mesoclinic demo``, ``mesoclinic import-registry …``: hyphens and
underscores are interchangeable in the command name.
"""

from __future__ import annotations

import importlib
import os
import sys

# Commands that read no database and no app's models: they run without ``django.setup()``,
# which loads every app (their models, the passkey library's WebAuthn and cryptography
# packages) and costs about 0.4 s before the command starts (issue 11: a dose check is
# called per planned session, by a script or the EHR, and should answer at once). The
# dose check is built on the pure dosing modules, which import no Django at all (the "pure"
# import contract in pyproject.toml); tests/test_standalone_commands.py runs it through
# this script and checks the app registry stayed unloaded and the answer equals the
# command's under full set-up.
STANDALONE_COMMANDS = {
    "dose_check": "mesoclinic.dosing.management.commands.dose_check",
}


def main(argv: list[str] | None = None) -> None:
    args = list(sys.argv if argv is None else argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mesoclinic.settings")
    if len(args) > 1 and not args[1].startswith("-"):
        args[1] = args[1].replace("-", "_")
    args[0] = "mesoclinic"
    if len(args) > 1 and args[1] in STANDALONE_COMMANDS:
        command = importlib.import_module(STANDALONE_COMMANDS[args[1]]).Command()
        command.run_from_argv(args)
        return
    from django.core.management import execute_from_command_line

    execute_from_command_line(args)


if __name__ == "__main__":
    main()
