"""``mesoclinic export-fhir PATH --clinic SLUG [--type T,…] [--since DATE]``: write a clinic's
records as FHIR R4 NDJSON, one file per resource type (docs/fhir.md)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from mesoclinic.clinics.management.options import clinic_by_slug
from mesoclinic.fhir.export import RESOURCE_TYPES, ExportError, export_fhir, parse_types


def parse_since(text: str | None, zone: Any) -> dt.datetime | None:
    """``--since 2026-01-31`` (midnight in the clinic's zone) or a full ISO date-time."""
    if not text:
        return None
    try:
        if len(text) == 10:
            return dt.datetime.combine(dt.date.fromisoformat(text), dt.time(0), tzinfo=zone)
        moment = dt.datetime.fromisoformat(text)
    except ValueError as error:
        raise CommandError(
            _("--since: %(value)s is not a date (YYYY-MM-DD) or ISO date-time.")
            % {"value": repr(text)}
        ) from error
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=zone)


class Command(BaseCommand):
    help = "Export a clinic's records as FHIR R4 NDJSON files, one per resource type."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", help="destination folder (created if missing)")
        parser.add_argument("--clinic", required=True, help="slug of the clinic to export")
        parser.add_argument(
            "--type",
            dest="types",
            help=f"comma-separated resource types (default: all of {', '.join(RESOURCE_TYPES)})",
        )
        parser.add_argument(
            "--since", help="only records changed on or after this date (YYYY-MM-DD, clinic's zone)"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            types = parse_types(options["types"])
        except ExportError as error:
            raise CommandError(str(error)) from error
        clinic = clinic_by_slug(options["clinic"])
        since = parse_since(options["since"], clinic.zone)
        try:
            result = export_fhir(
                options["path"], clinic, types=types, since=since, progress=self.stderr.write
            )
        except (ExportError, OSError) as error:
            raise CommandError(str(error)) from error
        self.stdout.write(
            _("exported %(total)s resources in %(files)s files to %(path)s")
            % {"total": result.total, "files": len(result.paths), "path": options["path"]}
        )
