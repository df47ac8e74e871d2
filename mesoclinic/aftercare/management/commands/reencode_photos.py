"""``mesoclinic reencode-photos [--clinic SLUG] [--dry-run]``: rewrite the check-in photos
stored before uploads were re-encoded.

Each such photo is decoded and re-encoded (uploads.intake) and the file the patient sent is
deleted once the new one is committed, so no EXIF location, camera serial or appended bytes
stay on disk. Until it runs nothing is lost: those photos are re-encoded each time they are
served. Take a backup first (docs/backup.md); the old files are not kept. Safe to run twice.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from mesoclinic.aftercare.photos import RewriteResult, rewrite_legacy_photos
from mesoclinic.clinics.management.options import clinic_by_slug
from mesoclinic.clinics.models import Clinic


class Command(BaseCommand):
    help = "Re-encode the check-in photos stored before uploads were checked (docs/uploads.md)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--clinic", help="only this clinic (its slug)")
        parser.add_argument(
            "--dry-run", action="store_true", help="count what would be rewritten, change nothing"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        clinics = Clinic.objects.order_by("pk")
        if options.get("clinic"):
            clinics = clinics.filter(pk=clinic_by_slug(options["clinic"]).pk)
        total = RewriteResult()
        for clinic in clinics:
            result = rewrite_legacy_photos(clinic, dry_run=options["dry_run"])
            total.reencoded += result.reencoded
            total.refused += result.refused
            total.missing += result.missing
        verb = "Would re-encode" if options["dry_run"] else "Re-encoded"
        self.stdout.write(
            f"{verb} {total.reencoded} photos; {total.refused} could not be read as a picture "
            f"(left in place, never served); {total.missing} files missing."
        )
