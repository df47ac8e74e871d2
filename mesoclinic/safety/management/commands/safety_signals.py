"""``mesoclinic safety-signals --clinic SLUG [--json] [--as-of DATE]``: the clinic's clusters
of late-onset lesions (see ``mesoclinic.safety.signals`` for the rules and their sources),
with the cases, the other exposed patients and the suggested steps.

Patients appear only as MRNs (``patient_id``); no names or contact details are printed.
Exit status: 0 the detection ran (with or without signals); 2 invalid input (unknown clinic,
a date that is not YYYY-MM-DD), with the problem on standard error and nothing on standard
output.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from mesoclinic.audit.choices import Action
from mesoclinic.audit.services import record
from mesoclinic.clinics.management.options import clinic_by_slug
from mesoclinic.safety.signal_data import SignalView, describe, detect_for_clinic
from mesoclinic.safety.signals import (
    CLUSTER_WINDOW_DAYS,
    LATE_LESION_TYPES,
    MIN_PATIENTS,
    ONSET_MAX_DAYS,
    ONSET_MIN_DAYS,
)

EXIT_INVALID = 2


def signal_json(view: SignalView) -> dict[str, Any]:
    s = view.signal
    lot = view.lot
    return {
        "kind": s.kind,
        "key": lot.lot_number if lot else s.key,
        "label": view.label,
        "product": lot.product.name if lot else None,
        "lot_status": lot.status if lot else None,
        "active": view.active,
        "first_onset": s.first_onset.isoformat(),
        "last_onset": s.last_onset.isoformat(),
        "window": {"from": s.window_start.isoformat(), "to": s.window_end.isoformat()},
        "cases": [
            {
                "patient_id": c.patient_id,
                "event_type": c.event_type,
                "onset_date": c.onset.isoformat(),
                "session_date": c.session_day.isoformat(),
                "days_after_session": c.days_after_session,
            }
            for c in s.cases
        ],
        "exposed_patients": s.exposed_patients,
        "exposed": [
            {"patient_id": e.patient_id, "session_dates": [r.day.isoformat() for r in e.sessions]}
            for e in s.exposed.values()
        ],
        "steps": [{"step": x.code, "text": x.text, "source": x.source} for x in view.steps],
    }


class Command(BaseCommand):
    help = "Find clusters of late nodules, abscesses or ulcers by lot and practitioner."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--clinic", required=True, help="slug of the clinic")
        parser.add_argument("--json", action="store_true", help="print JSON")
        parser.add_argument("--as-of", help="detection date, YYYY-MM-DD (default: today)")

    def handle(self, *args: Any, **options: Any) -> None:
        clinic = clinic_by_slug(options["clinic"], returncode=EXIT_INVALID)
        as_of = clinic.today()
        if options["as_of"]:
            try:
                as_of = dt.date.fromisoformat(options["as_of"])
            except ValueError:
                raise CommandError(
                    "--as-of: "
                    + _("%(value)s is not a date (use YYYY-MM-DD).")
                    % {"value": repr(options["as_of"])},
                    returncode=EXIT_INVALID,
                ) from None
        views = describe(clinic, detect_for_clinic(clinic, as_of), as_of)
        record(
            None, Action.LIST, clinic=clinic, detail=f"safety-signals command: {len(views)} signals"
        )
        if options["json"]:
            payload = {
                "clinic": clinic.slug,
                "as_of": as_of.isoformat(),
                "rules": {
                    "event_types": sorted(LATE_LESION_TYPES),
                    "onset_days": [ONSET_MIN_DAYS, ONSET_MAX_DAYS],
                    "cluster_window_days": CLUSTER_WINDOW_DAYS,
                    "min_patients": MIN_PATIENTS,
                },
                "signals": [signal_json(v) for v in views],
            }
            self.stdout.write(json.dumps(payload, indent=2, ensure_ascii=True))
            return
        if not views:
            self.stdout.write(
                _("No safety signals at %(clinic)s as of %(day)s.")
                % {"clinic": clinic.slug, "day": as_of}
            )
        for v in views:
            s = v.signal
            state = _("ACTIVE") if v.active else _("past")
            self.stdout.write(
                _(
                    "[%(state)s] %(label)s: %(cases)s patients, onsets %(first)s to %(last)s; "
                    "%(exposed)s other patients exposed %(start)s to %(end)s"
                )
                % {
                    "state": state,
                    "label": v.label,
                    "cases": len(s.case_patients),
                    "first": s.first_onset,
                    "last": s.last_onset,
                    "exposed": s.exposed_patients,
                    "start": s.window_start,
                    "end": s.window_end,
                }
            )
            for c in s.cases:
                self.stdout.write(
                    "  "
                    + _("case %(patient)s %(event)s onset %(onset)s (day %(days)s after %(day)s)")
                    % {
                        "patient": c.patient_id,
                        "event": c.event_type,
                        "onset": c.onset,
                        "days": c.days_after_session,
                        "day": c.session_day,
                    }
                )
