"""``mesoclinic export-registry PATH --clinic SLUG [--deidentified]``: write a clinic's records
as a registry bundle (a folder, or a .zip when PATH ends in .zip)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from mesoclinic.clinics.management.options import clinic_by_slug
from mesoclinic.registry.services import export_registry


class Command(BaseCommand):
    help = "Export every record of a clinic as a registry CSV bundle."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", help="destination folder, or a file name ending in .zip")
        parser.add_argument("--clinic", required=True, help="slug of the clinic to export")
        parser.add_argument(
            "--deidentified",
            action="store_true",
            help="pseudonymise ids, shift dates per patient, group ages over 89, drop x_ columns",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        clinic = clinic_by_slug(options["clinic"])
        result = export_registry(
            options["path"],
            clinic,
            deidentified=options["deidentified"],
            progress=self.stderr.write,
        )
        for warning in result.warnings:
            self.stderr.write(f"warning: {warning}")
        if result.warnings:
            self.stderr.write(
                f"warning: {len(result.warnings)} cell(s) above would be refused by an import."
            )
        if result.skipped_sessions:
            self.stderr.write(
                f"warning: {result.skipped_sessions} session(s) with no area were not exported "
                "(the format needs an area per session row)."
            )
        counts = ", ".join(f"{n} {name}" for name, n in result.counts.items())
        self.stdout.write(f"exported {counts} to {', '.join(str(p) for p in result.paths)}")
