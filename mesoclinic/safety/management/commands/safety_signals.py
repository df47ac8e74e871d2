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
import math
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from mesoclinic.audit.choices import Action
from mesoclinic.audit.services import record
from mesoclinic.clinics.management.options import clinic_by_slug
from mesoclinic.safety.signal_analysis import ALPHA, METHOD, RateRow
from mesoclinic.safety.signal_data import SignalView, describe, investigate_clinic, key_labels
from mesoclinic.safety.signals import (
    CLUSTER_WINDOW_DAYS,
    LATE_LESION_TYPES,
    MIN_PATIENTS,
    ONSET_MAX_DAYS,
    ONSET_MIN_DAYS,
)

EXIT_INVALID = 2


Labels = dict[tuple[str, str], tuple[str, str]]
# Attack-rate rows printed under "attack_rates" (strongest first; the signals' and alerts'
# own rows are printed with them whatever their rank).
TABLE_ROWS = 20


def _number(value: float) -> float | None:
    """JSON has no infinity or NaN: an undefined figure is null."""
    return round(value, 6) if math.isfinite(value) else None


def rates_json(row: RateRow | None, labels: Labels) -> dict[str, Any] | None:
    if row is None:
        return None
    explained = labels.get(("lot", row.explained_by), (row.explained_by, ""))[0]
    return {
        "kind": row.kind,
        "key": labels.get((row.kind, row.key), (row.key, ""))[0],
        "exposed_sessions": row.exposed_sessions,
        "exposed_cases": row.exposed_cases,
        "attack_rate": _number(row.attack_rate),
        "unexposed_sessions": row.unexposed_sessions,
        "unexposed_cases": row.unexposed_cases,
        "unexposed_attack_rate": _number(row.unexposed_rate),
        "case_patients": row.case_patients,
        "relative_risk": _number(row.rr),
        "ci95": [_number(x) for x in row.ci] if row.ci else None,
        "p_one_sided": _number(row.p_value),
        "stratified_relative_risk": _number(row.stratified_rr),
        "stratified_p": _number(row.stratified_p),
        "p_holm": _number(row.p_adjusted),
        "verdict": row.verdict,
        "explained_by": explained or None,
    }


def signal_json(view: SignalView, labels: Labels | None = None) -> dict[str, Any]:
    s = view.signal
    lot = view.lot
    labels = labels or {}
    return {
        "kind": s.kind,
        "key": labels.get((s.kind, s.key), (lot.lot_number if lot else s.key, ""))[0],
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
        "attack_rate": rates_json(s.rates, labels),
    }


def alert_json(view: SignalView, labels: Labels) -> dict[str, Any]:
    """A sentinel alert: the cases, no case finding (a signal has it)."""
    full = signal_json(view, labels)
    for field in ("exposed", "exposed_patients", "steps"):
        full.pop(field)
    return full


class Command(BaseCommand):
    help = (
        "Find late nodules, abscesses or ulcers in excess after a lot, practitioner or day "
        "(attack rates), and the clusters to review."
    )

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
        found = investigate_clinic(clinic, as_of)
        views = describe(clinic, found.signals, as_of)
        alerts = describe(clinic, found.alerts, as_of)
        table = found.rows[:TABLE_ROWS]
        keys = {(r.kind, r.key) for r in table} | {
            ("lot", r.explained_by) for r in found.rows if r.explained_by
        }
        keys |= {(s.kind, s.key) for s in found.signals + found.alerts}
        labels = key_labels(clinic, keys)
        record(
            None,
            Action.LIST,
            clinic=clinic,
            detail=f"safety-signals command: {len(views)} signals, {len(alerts)} alerts",
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
                "analysis": {
                    "unit": "session",
                    "sessions": found.sessions,
                    "case_sessions": found.case_sessions,
                    "candidates_tested": found.tested,
                    "test": "one-sided Fisher exact; stratified: exact conditional, or "
                    "Cochran-Mantel-Haenszel when the expected count is large",
                    "interval": "Miettinen-Nurminen score, 95%",
                    "multiple_testing": METHOD,
                    "alpha": ALPHA,
                    "strata": {
                        "lot": "products of the session, then the lots already raised",
                        "practitioner": "lots of the session",
                        "day": "lots of the session",
                        "product": "none (shown, not raised)",
                    },
                },
                "signals": [signal_json(v, labels) for v in views],
                "alerts": [alert_json(v, labels) for v in alerts],
                "attack_rates": [rates_json(r, labels) for r in table],
            }
            self.stdout.write(json.dumps(payload, indent=2, ensure_ascii=True))
            return
        self.stdout.write(
            f"{found.sessions} sessions, {found.case_sessions} followed by a late lesion; "
            f"{len(alerts)} alerts (two late lesions within 12 weeks) to review."
        )
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
            if s.rates is not None:
                r = s.rates
                low, high = r.ci or (math.nan, math.nan)
                self.stdout.write(
                    f"  attack rate {r.attack_rate:.1%} ({r.exposed_cases}/{r.exposed_sessions} "
                    f"sessions) vs {r.unexposed_rate:.1%} unexposed; RR {r.rr:.2f} "
                    f"(95% CI {low:.2f}-{high:.2f}), Holm p {r.p_adjusted:.2g}"
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
