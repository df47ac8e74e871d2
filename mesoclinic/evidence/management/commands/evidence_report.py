"""``mesoclinic evidence-report --indication CODE [--area CODE] [--outcome KIND]
[--protocol NAME] [--clinic SLUG | --bundle PATH] --json``: the evidence report
(../shared/spec/evidence-report.md) as one JSON object on standard output, exit 0.

Where the rows come from:
- ``--clinic SLUG``: that clinic's records only (``.for_clinic``).
- ``--bundle PATH``: a registry bundle (folder or .zip), e.g. de-identified exports of
  several practices pooled for research.
- neither: the database's only clinic. With several clinics the command refuses (exit 2)
  rather than pool them: each clinic's records are its own, identified data, and pooled
  research goes through de-identified bundles (``export-registry --deidentified``).
A bad code, an unknown clinic or protocol, or an invalid bundle is a one-line error on
standard error and exit status 2.
"""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from mesoclinic.clinics.management.options import clinic_by_slug
from mesoclinic.clinics.models import Clinic
from mesoclinic.evidence.figures import Tables, evidence_report
from mesoclinic.evidence.sentences import sentences
from mesoclinic.evidence.services import bundle_tables, clinic_tables
from mesoclinic.outcomes.outcome_sets import primary_outcome


def _fail(message: str) -> CommandError:
    return CommandError(message, returncode=2)


def _tables(options: dict[str, Any]) -> Tables:
    slug, path = options["clinic"], options["bundle"]
    if slug and path:
        raise _fail("--clinic and --bundle: give one source, not both.")
    if path:
        try:
            return bundle_tables(path)
        except ValueError as exc:
            raise _fail(str(exc)) from exc
    if slug:
        return clinic_tables(clinic_by_slug(slug, returncode=2))
    clinics = list(Clinic.objects.order_by("slug").values_list("slug", flat=True)[:20])
    if len(clinics) != 1:
        names = ", ".join(clinics) or "none"
        raise _fail(f"--clinic: required when the database does not hold exactly one clinic (clinics: {names}); pool practices through de-identified bundles with --bundle.")  # fmt: skip
    return clinic_tables(Clinic.objects.get(slug=clinics[0]))


class Command(BaseCommand):
    help = "Print the evidence report of one indication (effect net of weight, responders, side effects)."  # fmt: skip

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--indication", required=True, help="indication code, e.g. cellulite")
        parser.add_argument("--area", default=None, help="area code; default: all areas")
        parser.add_argument("--outcome", default=None, help="measurement kind; default: the indication's primary outcome")  # fmt: skip
        parser.add_argument("--protocol", default=None, help="only the courses of this protocol")
        parser.add_argument("--clinic", default=None, help="slug of the clinic whose records to analyse")  # fmt: skip
        parser.add_argument("--bundle", default=None, help="analyse a registry bundle (folder or .zip) instead of the database")  # fmt: skip
        parser.add_argument("--json", action="store_true", help="print the JSON object of the spec")  # fmt: skip

    def handle(self, *args: Any, **options: Any) -> None:
        indication = options["indication"]
        try:
            outcome = options["outcome"] or primary_outcome(indication)
        except ValueError as exc:
            raise _fail(f"--{exc}") from exc
        tables = _tables(options)
        try:
            report = evidence_report(tables, indication=indication, area=options["area"], outcome=outcome, protocol=options["protocol"])  # fmt: skip
        except ValueError as exc:
            raise _fail(f"--{exc}") from exc
        if options["json"]:
            self.stdout.write(json.dumps(report, ensure_ascii=False, default=str))
            return
        self.stdout.write(f"{indication} · {report['area'] or 'all areas'} · {outcome}: {report['patients']} patients, {report['courses']} courses, {report['measurements']} measurements")  # fmt: skip
        for line in sentences(report):
            self.stdout.write(f"- {line}")
        self.stdout.write("Limitations:")
        for line in report["limitations"]:
            self.stdout.write(f"- {line}")
