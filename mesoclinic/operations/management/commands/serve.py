"""``mesoclinic serve``: the production server (gunicorn, static files by whitenoise).

mesoclinic serve                          # 127.0.0.1:8000, behind a reverse proxy (docs/deploy.md)
mesoclinic serve --bind 0.0.0.0:8000      # in a container
mesoclinic serve --migrate                # apply migrations first (the compose file's start)

Collects the static files, then replaces itself with gunicorn (so systemd's or the
container's signals reach gunicorn directly), configured by
``mesoclinic/operations/gunicorn_conf.py`` from the environment. Refuses to start with
DEBUG off and no SECRET_KEY.
"""

from __future__ import annotations

import os
import sys
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser

from mesoclinic.envconfig import SECRET_KEY_MISSING

CONFIG = "python:mesoclinic.operations.gunicorn_conf"
APPLICATION = "mesoclinic.wsgi:application"


class Command(BaseCommand):
    help = "Serve mesoclinic in production with gunicorn (settings from the environment)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--bind", help="address:port to listen on (default: BIND or 127.0.0.1:8000)"
        )
        parser.add_argument(
            "--migrate", action="store_true", help="apply database migrations before serving"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if not settings.DEBUG and settings.USING_DEVELOPMENT_KEY:
            raise CommandError(SECRET_KEY_MISSING)
        if options["migrate"]:
            self.stderr.write("==> Applying database migrations")
            call_command("migrate", interactive=False, verbosity=0)
        call_command("collectstatic", interactive=False, verbosity=0)
        command = [sys.executable, "-m", "gunicorn", "--config", CONFIG]
        if options["bind"]:
            command += ["--bind", options["bind"]]
        command.append(APPLICATION)
        self.stderr.write(
            f"==> Serving with gunicorn on {options['bind'] or os.environ.get('BIND', '127.0.0.1:8000')}"
        )
        sys.stderr.flush()
        sys.stdout.flush()
        os.execv(sys.executable, command)
