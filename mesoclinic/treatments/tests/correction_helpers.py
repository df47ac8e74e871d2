"""Building a signed session with lines, and correcting them, for the correction tests."""

from __future__ import annotations

import dataclasses
import datetime as dt
from decimal import Decimal
from typing import Any

from mesoclinic.clinics.models import Membership
from mesoclinic.formulary.models import Lot
from mesoclinic.treatments import readiness, services
from mesoclinic.treatments.corrections import LineValues
from mesoclinic.treatments.models import Injection, TreatmentSession
from tests.treatment_readiness import make_ready


def add_line(session: TreatmentSession, lot: Lot, volume: str = "4", **fields: Any) -> Injection:
    values: dict[str, Any] = {
        "area": "abdomen",
        "side": "midline",
        "product": lot.product,
        "lot": lot,
        "volume_ml": Decimal(volume),
        "points": 20,
        "depth_mm": Decimal(6),
        "technique": "point",
    }
    values.update(fields)
    return services.add_injection(session, values)


def sign(session: TreatmentSession, by: Membership) -> TreatmentSession:
    """Sign through the service, so lot stock is taken as in the clinic; a patient not yet
    screened and consented for the session's indication is, the day before (signing gates)."""
    if not readiness.for_session(session).ready:
        make_ready(
            session.patient,
            by,
            session.indication,
            at=session.performed_at - dt.timedelta(days=1),
            areas=list(session.areas.values_list("area", flat=True)),
        )
    return services.sign_session(session, by)


def signed_with_line(
    session: TreatmentSession, by: Membership, lot: Lot, volume: str = "4"
) -> Injection:
    line = add_line(session, lot, volume)
    sign(session, by)
    return Injection.objects.get(pk=line.pk)


def changed(line: Injection, **changes: Any) -> LineValues:
    """The line's current values with ``changes`` applied."""
    return dataclasses.replace(LineValues.of(line), **changes)
