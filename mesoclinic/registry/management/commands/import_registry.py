"""``mesoclinic import-registry PATH --clinic SLUG``: load a registry bundle into a clinic.

All or nothing: every error in the bundle is printed (``file:line:column: value 'X':
expected …``) and nothing is written; otherwise everything is written in one transaction.
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

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
                _("%(count)s error(s) in the bundle; nothing was imported.")
                % {"count": len(rejected.errors)}
            ) from rejected
        # The audit entry keeps the English summary (result.summary); the operator reads this.
        self.stdout.write(summary_for_people(result.created, result.unchanged))
        if not result.changed_anything:
            self.stdout.write(_("nothing changed: every row of the bundle is already recorded"))


def summary_for_people(created: Mapping[str, int], unchanged: int) -> str:
    """What was imported, in the active language (one sentence, whatever its word order)."""
    return _(
        "imported %(patients)s patients, %(sessions)s sessions (%(areas)s area rows), "
        "%(injections)s injections, %(measurements)s measurements, %(events)s adverse "
        "events, %(products)s products, %(lots)s lots; unchanged %(unchanged)s"
    ) % {
        "patients": created.get("patients", 0),
        "sessions": created.get("sessions", 0),
        "areas": created.get("session_areas", 0),
        "injections": created.get("injections", 0),
        "measurements": created.get("measurements", 0),
        "events": created.get("adverse_events", 0),
        "products": created.get("products", 0),
        "lots": created.get("lots", 0),
        "unchanged": unchanged,
    }
