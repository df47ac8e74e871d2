"""``mesoclinic import-registry PATH --clinic SLUG``: load a registry bundle into a clinic.

All or nothing: every error in the bundle is printed (``file:line:column: value 'X':
expected …``) and nothing is written; otherwise everything is written in one transaction.
"""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from mesoclinic.clinics.management.options import clinic_by_slug
from mesoclinic.registry.bundle_model import BundleRejected
from mesoclinic.registry.services import import_registry


class Command(BaseCommand):
    help = "Import a registry CSV bundle (a folder or a .zip) into a clinic."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", help="the bundle: a folder of CSV files or a .zip of one")
        parser.add_argument("--clinic", required=True, help="slug of the clinic to import into")

    def handle(self, *args: Any, **options: Any) -> None:
        clinic = clinic_by_slug(options["clinic"])
        started = time.monotonic()

        def progress(message: str) -> None:
            self.stderr.write(f"[{time.monotonic() - started:7.1f}s] {message}")

        try:
            result = import_registry(options["path"], clinic, progress=progress)
        except BundleRejected as rejected:
            for error in rejected.errors:
                self.stderr.write(str(error))
            raise CommandError(
                f"{len(rejected.errors)} error(s) in the bundle; nothing was imported."
            ) from rejected
        self.stdout.write(result.summary)
        if not result.changed_anything:
            self.stdout.write("nothing changed: every row of the bundle is already recorded")
