"""``mesoclinic run-due [--json] [--clinic SLUG]``: send due check-in links and email red flags.

Safe to run from cron every few minutes: every send and every email is claimed with a
conditional UPDATE first, so a second (or concurrent) run sends nothing already sent.
Sessions imported from a registry and check-ins past their window are never sent.
Each run also re-detects every clinic's safety signals into the stored state the Today page
counts (``safety.signal_state``): a net under the writes that refresh it themselves.
"""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils import timezone
from django.utils.translation import gettext

from mesoclinic.aftercare import signals
from mesoclinic.aftercare.services import RunResult, run_due
from mesoclinic.clinics.management.options import clinic_by_slug
from mesoclinic.clinics.models import Clinic
from mesoclinic.safety import signal_state


class Command(BaseCommand):
    help = "Send the aftercare check-ins that are due and email red-flag escalations."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--json", action="store_true", help="print the counts as JSON")
        parser.add_argument("--clinic", help="only this clinic (its slug)")

    def handle(self, *args: Any, **options: Any) -> None:
        clinics = Clinic.objects.order_by("pk")
        if options.get("clinic"):
            clinics = clinics.filter(pk=clinic_by_slug(options["clinic"]).pk)
        total = RunResult()
        for clinic in clinics:
            result = run_due(clinic)
            signal_state.refresh(clinic)
            total.sent += result.sent
            total.escalated += result.escalated
            total.skipped += result.skipped
        # Apps above aftercare (FHIR bulk export jobs and their expired files) run here too.
        others: dict[str, Any] = {}
        for _, counts in signals.run_due.send(sender=self.__class__, now=timezone.now()):
            if isinstance(counts, dict):
                others.update(counts)
        if options.get("json"):
            self.stdout.write(json.dumps({**total.as_dict(), **others}))
        else:
            # For people: in the operator's language (settings.LANGUAGE_CODE); --json stays English.
            self.stdout.write(
                gettext(
                    "Sent %(sent)s check-in links, emailed %(escalated)s escalations, "
                    "skipped %(skipped)s."
                )
                % {"sent": total.sent, "escalated": total.escalated, "skipped": total.skipped}
            )
