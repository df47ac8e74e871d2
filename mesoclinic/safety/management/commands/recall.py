"""``mesoclinic recall --clinic SLUG --lot LOT [--from DATE] [--to DATE] [--json]``: every
patient of the clinic exposed to a lot between two dates (inclusive, clinic time zone).

Patients are identified by MRN (``patient_id``) only: names and contact details are on the
recall page and its call list, never in this output. When several products have a lot with
that number, all are included and the output says so.

Exit status: 0 the search ran (even when nobody was exposed); 2 invalid input (unknown
clinic or lot, a date that is not YYYY-MM-DD, --from after --to, missing options), with the
problem on standard error naming the option, and nothing on standard output.
"""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from mesoclinic.audit.choices import Action
from mesoclinic.audit.services import record
from mesoclinic.clinics.management.options import clinic_by_slug
from mesoclinic.formulary.models import Lot
from mesoclinic.safety.recall import RecallError, RecallResult, parse_date, recall

EXIT_INVALID = 2


class Command(BaseCommand):
    help = (
        "List every patient (by MRN) exposed to a lot between two dates. "
        "Exit 0 searched, 2 invalid input."
    )
    # A read the operator needs at once, in an incident: the system checks (which import the
    # URLconf and every view, about a third of the start-up) are run by ``serve`` and
    # ``migrate``, not here (issue 11: recall in ≤ 0.3 s wall).
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--clinic", required=True, help="slug of the clinic")
        parser.add_argument("--lot", required=True, help="the lot number printed on the pack")
        parser.add_argument("--from", dest="date_from", help="first day, YYYY-MM-DD (inclusive)")
        parser.add_argument("--to", dest="date_to", help="last day, YYYY-MM-DD (inclusive)")
        parser.add_argument("--json", action="store_true", help="print JSON")

    def handle(self, *args: Any, **options: Any) -> None:
        clinic = clinic_by_slug(options["clinic"], returncode=EXIT_INVALID)
        try:
            date_from = parse_date(options["date_from"], "--from")
            date_to = parse_date(options["date_to"], "--to")
            result = recall(
                clinic, Lot.objects.for_clinic(clinic), options["lot"], date_from, date_to
            )
        except RecallError as exc:
            message = str(exc)
            if message.startswith(("lot:", "to:")):
                message = "--" + message
            raise CommandError(message, returncode=EXIT_INVALID) from None
        record(
            None,
            Action.EXPORT,
            clinic=clinic,
            detail=f"recall command: lot {result.lot_number}, {len(result.patients)} patients, "
            f"{result.session_count} sessions",
        )
        if options["json"]:
            self.stdout.write(json.dumps(result.to_json(), indent=2, ensure_ascii=True))
        else:
            self.stdout.write(_text(result))


def _text(result: RecallResult) -> str:
    """The result for the operator, in the active language (JSON output stays English)."""
    start = str(result.date_from) if result.date_from else _("first use")
    end = str(result.date_to) if result.date_to else _("today")
    products = ", ".join(lot.product.name for lot in result.lots)
    lines = [
        _("Lot %(lot)s (%(products)s), %(start)s to %(end)s")
        % {"lot": result.lot_number, "products": products, "start": start, "end": end}
    ]
    if result.shared_number:
        lines.append(
            _("Note: %(count)s products have a lot numbered %(lot)s; all are included.")
            % {"count": len(result.lots), "lot": result.lot_number}
        )
    lines.append(
        _("%(patients)s patient(s), %(sessions)s session(s)")
        % {"patients": len(result.patients), "sessions": result.session_count}
    )
    draft = " [" + pgettext("session state", "draft") + "]"
    for patient in result.patients:
        for session in patient.sessions:
            lines.append(
                f"{patient.patient_id}\t{session.day}\t{', '.join(session.areas)}\t"
                f"{session.volume_ml} mL\t{session.practitioner}{'' if session.signed else draft}"
            )
    return "\n".join(lines)
