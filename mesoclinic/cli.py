"""The ``mesoclinic`` console script: the operator's face over Django's management commands.

``mesoclinic migrate``, ``mesoclinic demo``, ``mesoclinic import-registry …``: hyphens and
underscores are interchangeable in the command name.
"""

from __future__ import annotations

import os
import sys


def main(argv: list[str] | None = None) -> None:
    args = list(sys.argv if argv is None else argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mesoclinic.settings")
    if len(args) > 1 and not args[1].startswith("-"):
        args[1] = args[1].replace("-", "_")
    args[0] = "mesoclinic"
    from django.core.management import execute_from_command_line

    execute_from_command_line(args)


if __name__ == "__main__":
    main()
