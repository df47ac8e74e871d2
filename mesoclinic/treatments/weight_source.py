"""Where the dose check reads a patient's measured weights from (supplied by outcomes).

The latest weight *measured* (an outcomes Measurement) for a patient of a clinic on or before
a day. Outcomes sits above treatments (a measurement may belong to a session), so it supplies
this from its AppConfig.ready rather than being imported here. Not silently optional: without
it the dose check refuses to run instead of ignoring measured weights.

A module of its own, importing nothing heavy, so that supplying the source at start-up does
not load the dose engine (``dose_input``) into every command (issue 11: commands that start
at once).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ImproperlyConfigured

if TYPE_CHECKING:
    from mesoclinic.clinics.models import Clinic
    from mesoclinic.dosing.services import RecordedWeight

MeasuredWeight = Callable[[Any, "Clinic", dt.date], "RecordedWeight | None"]
_measured_weight: list[MeasuredWeight] = []


def supply_measured_weight(source: MeasuredWeight) -> None:
    """Set where measured weights come from (called once by outcomes' AppConfig.ready)."""
    _measured_weight[:] = [source]


def latest_measured(patient: Any, clinic: Clinic, day: dt.date) -> RecordedWeight | None:
    """The supplied source's answer; ImproperlyConfigured when nothing supplied one."""
    if not _measured_weight:
        raise ImproperlyConfigured(
            "The dose check needs measured weights: mesoclinic.outcomes supplies them."
        )
    return _measured_weight[0](patient, clinic, day)
