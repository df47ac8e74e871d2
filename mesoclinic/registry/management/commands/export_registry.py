"""``mesoclinic export-registry PATH --clinic SLUG [--deidentified [--k 5]]``: write a clinic's
records as a registry bundle (a folder, or a .zip when PATH ends in .zip).

A de-identified export needs the pseudonym key (``MESOCLINIC_PSEUDONYM_KEY_FILE`` or
``MESOCLINIC_PSEUDONYM_KEY``; ``docs/deidentified-export.md``) and refuses to run without it.
It prints, like the rest of the progress, to stderr the quasi-identifiers, the bands used,
the min k reached and how many patients were suppressed; ``deidentification.json`` in the
bundle records the same."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from mesoclinic.clinics.management.options import clinic_by_slug
from mesoclinic.registry.anonymity import DEFAULT_K
from mesoclinic.registry.pseudonym_key import PseudonymKeyError
from mesoclinic.registry.services import export_registry


class Command(BaseCommand):
    help = "Export every record of a clinic as a registry CSV bundle."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", help="destination folder, or a file name ending in .zip")
        parser.add_argument("--clinic", required=True, help="slug of the clinic to export")
        parser.add_argument(
            "--deidentified",
            action="store_true",
            help="pseudonymise ids, shift dates per patient, band and k-anonymise sex, birth "
            "year, height and weight, drop x_ columns (needs the pseudonym key)",
        )
        parser.add_argument(
            "--k",
            type=int,
            default=DEFAULT_K,
            help=f"smallest class of patients sharing their quasi-identifiers (default "
            f"{DEFAULT_K}; 11 for an extract that leaves the organisation)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        clinic = clinic_by_slug(options["clinic"])
        if options["k"] < 1:
            raise CommandError(_("--k must be at least 1"))
        try:
            result = export_registry(
                options["path"],
                clinic,
                deidentified=options["deidentified"],
                k=options["k"],
                progress=self.stderr.write,
            )
        except PseudonymKeyError as error:
            raise CommandError(str(error)) from error
        if result.manifest:
            manifest = result.manifest
            self.stderr.write(
                _("quasi-identifiers: %(names)s (%(generalisation)s)")
                % {
                    "names": ", ".join(manifest["quasi_identifiers"]),
                    "generalisation": manifest["generalisation"],
                }
            )
            self.stderr.write(
                _(
                    "min k %(min_k)s (target %(target)s); %(suppressed)s of %(patients)s "
                    "patients suppressed"
                )
                % {
                    "min_k": manifest["min_k"],
                    "target": manifest["k_target"],
                    "suppressed": manifest["patients_suppressed"],
                    "patients": manifest["patients_in_clinic"],
                }
            )
        for warning in result.warnings:
            self.stderr.write(_("warning: %(warning)s") % {"warning": warning})
        if result.warnings:
            self.stderr.write(
                _("warning: %(count)s cell(s) above would be refused by an import.")
                % {"count": len(result.warnings)}
            )
        if result.skipped_sessions:
            self.stderr.write(
                _(
                    "warning: %(count)s session(s) with no area were not exported (the "
                    "format needs an area per session row)."
                )
                % {"count": result.skipped_sessions}
            )
        counts = ", ".join(f"{n} {name}" for name, n in result.counts.items())
        self.stdout.write(
            _("exported %(counts)s to %(paths)s")
            % {"counts": counts, "paths": ", ".join(str(p) for p in result.paths)}
        )
