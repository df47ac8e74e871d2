"""``mesoclinic evidence-report --indication CODE [--area CODE] [--outcome KIND]
[--protocol NAME] [--clinic SLUG | --bundle PATH] --json``: the evidence report
(../shared/spec/evidence-report.md) as one JSON object on standard output, exit 0.

Where the rows come from:
- ``--clinic SLUG``: that clinic's records only (``.for_clinic``).
- ``--bundle PATH``: a registry bundle (folder or .zip), e.g. a practice's de-identified
  export. Given more than once, each bundle is a **site** and the report is pooled over them
  (``pooled_report``: each site analysed alone, then a random site effect, with τ², I² and
  the per-site estimates); the site is named by its bundle's file or folder name. Each
  bundle is read when its turn comes (``site_reader.read_site``, DuckDB) and reduced to its
  report before the next is read; ``--workers N`` reduces N sites at once.
- neither: the database's only clinic. With several clinics the command refuses (exit 2)
  rather than pool them: each clinic's records are its own, identified data, and pooled
  research goes through de-identified bundles (``export-registry --deidentified``).
A bad code, an unknown clinic or protocol, or an invalid bundle is a one-line error on
standard error and exit status 2.
"""

from __future__ import annotations

import json
from functools import partial
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from mesoclinic.clinics.management.options import clinic_by_slug
from mesoclinic.clinics.models import Clinic
from mesoclinic.evidence.figures import Tables, evidence_report
from mesoclinic.evidence.pooled_report import Site, pooled_report
from mesoclinic.evidence.sentences import sentences
from mesoclinic.evidence.services import bundle_tables, clinic_tables
from mesoclinic.evidence.site_reader import read_site
from mesoclinic.outcomes.outcome_sets import primary_outcome


def _fail(message: str) -> CommandError:
    return CommandError(message, returncode=2)


def _site_name(path: str, taken: set[str]) -> str:
    name = Path(path.rstrip("/")).name.removesuffix(".zip") or path
    unique, n = name, 2
    while unique in taken:
        unique, n = f"{name} ({n})", n + 1
    taken.add(unique)
    return unique


class SiteError(ValueError):
    """A site's bundle is not valid: the message names the bundle and the errors."""


def _read_site(path: str) -> Tables:
    try:
        return read_site(path)
    except ValueError as exc:
        raise SiteError(f"{exc} (in {path})") from exc


def _sites(paths: list[str]) -> list[Site]:
    """Each bundle as a site whose tables are read when the report reaches it (streamed: one
    site in memory at a time), not all read first."""
    taken: set[str] = set()
    sites: list[Site] = []
    for path in paths:
        sites.append((_site_name(path, taken), partial(_read_site, path)))
    return sites


def _tables(options: dict[str, Any]) -> Tables:
    slug, paths = options["clinic"], options["bundle"]
    if slug and paths:
        raise _fail("--clinic and --bundle: give one source, not both.")
    if paths:
        # One bundle: its own report, read by the registry reader (every check of an import).
        try:
            return bundle_tables(paths[0])
        except ValueError as exc:
            raise _fail(f"{exc} (in {paths[0]})") from exc
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
        parser.add_argument("--bundle", action="append", default=None, help="analyse a registry bundle (folder or .zip) instead of the database; give it once per site to pool several practices")  # fmt: skip
        parser.add_argument("--workers", type=int, default=1, help="with several --bundle: reduce this many sites at once in worker processes (default 1)")  # fmt: skip
        parser.add_argument("--json", action="store_true", help="print the JSON object of the spec")  # fmt: skip

    def handle(self, *args: Any, **options: Any) -> None:
        indication = options["indication"]
        try:
            outcome = options["outcome"] or primary_outcome(indication)
        except ValueError as exc:
            raise _fail(f"--{exc}") from exc
        if options["bundle"] and len(options["bundle"]) > 1:
            self._pooled(options, indication, outcome)
            return
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

    def _pooled(self, options: dict[str, Any], indication: str, outcome: str) -> None:
        if options["clinic"]:
            raise _fail("--clinic and --bundle: give one source, not both.")
        sites = _sites(options["bundle"])
        try:
            report = pooled_report(sites, indication=indication, area=options["area"], outcome=outcome, protocol=options["protocol"], progress=lambda m: self.stderr.write(m), workers=options["workers"])  # fmt: skip
        except SiteError as exc:
            raise _fail(str(exc)) from exc
        except ValueError as exc:
            raise _fail(f"--{exc}") from exc
        if options["json"]:
            self.stdout.write(json.dumps(report, ensure_ascii=False, default=str))
            return
        self.stdout.write(f"{indication} · {report['area'] or 'all areas'} · {outcome}, pooled over {len(sites)} sites: {report['patients']} patients, {report['courses']} courses, {report['measurements']} measurements")  # fmt: skip
        for site in report["sites"]:
            effect = site["per_session_effect"]
            shown = f"{effect['estimate']} per session (95% CI {effect['ci95'][0]} to {effect['ci95'][1]})" if effect else "not estimable"  # fmt: skip
            self.stdout.write(f"- {site['site']}: {site['patients']} patients, {shown}")
        effect = report["per_session_effect"]
        if effect:
            self.stdout.write(f"Pooled: {effect['estimate']} per session (95% CI {effect['ci95'][0]} to {effect['ci95'][1]}); τ² {effect['tau2']}, I² {100 * effect['i2']:.0f}%, prediction interval {effect['prediction95']}")  # fmt: skip
        self.stdout.write("Limitations:")
        for line in report["limitations"]:
            self.stdout.write(f"- {line}")
