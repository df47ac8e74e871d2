"""The FHIR adapter's share of ``mesoclinic run-due``: run waiting or stalled bulk exports,
delete expired export files, forget expired tokens, used assertion ids and rate windows."""

from __future__ import annotations

import datetime as dt
from typing import Any

from mesoclinic.fhir.bulk import runner
from mesoclinic.fhir.smart.rate import forget_old_windows
from mesoclinic.fhir.smart.services import forget_expired


def run_due_receiver(sender: Any, now: dt.datetime, **kwargs: Any) -> dict[str, int]:
    counts = runner.run_due(now)
    forget_expired(now)
    forget_old_windows(now)
    return counts
