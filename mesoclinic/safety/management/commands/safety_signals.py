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
                    f"--as-of: {options['as_of']!r} is not a date (use YYYY-MM-DD).",
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
            self.stdout.write(f"No safety signals at {clinic.slug} as of {as_of}.")
        for v in views:
            s = v.signal
            state = "ACTIVE" if v.active else "past"
            self.stdout.write(
                f"[{state}] {v.label}: {len(s.case_patients)} patients, onsets {s.first_onset} "
                f"to {s.last_onset}; {s.exposed_patients} other patients exposed "
                f"{s.window_start} to {s.window_end}"
            )
            for c in s.cases:
                self.stdout.write(
                    f"  case {c.patient_id} {c.event_type} onset {c.onset} "
                    f"(day {c.days_after_session} after {c.session_day})"
                )
