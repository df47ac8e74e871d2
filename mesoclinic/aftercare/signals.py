"""The hook ``run-due`` announces after its own work, so that apps above aftercare (the FHIR
bulk export) do their periodic work in the same cron run without aftercare importing them.
Receivers take ``now`` and return a dict of counts, which ``run-due --json`` adds to its output."""

from __future__ import annotations

from django.dispatch import Signal

# sent with now=<aware datetime>
run_due = Signal()
