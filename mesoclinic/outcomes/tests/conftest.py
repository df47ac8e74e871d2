"""Helpers for the outcomes tests: sessions on given sites and days, and measurements."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from decimal import Decimal
from typing import Any

import pytest

from mesoclinic.clinics.models import Membership
from mesoclinic.outcomes.models import Measurement
from mesoclinic.patients.models import Patient
from mesoclinic.treatments.models import SessionArea, TreatmentSession


@pytest.fixture
def make_session(alice: Membership) -> Callable[..., TreatmentSession]:
    def _make(
        patient: Patient, day: dt.date, sites: Sequence[tuple[str, str]] = (("abdomen", "left"),)
    ) -> TreatmentSession:
        session = TreatmentSession.objects.create(
            clinic=patient.clinic,
            patient=patient,
            performed_at=dt.datetime.combine(day, dt.time(11, 0), tzinfo=dt.UTC),
            indication="localized_fat",
            practitioner=alice.user,
            created_by=alice.user,
        )
        for area, side in sites:
            SessionArea.objects.create(session=session, area=area, side=side)
        return session

    return _make


@pytest.fixture
def make_measurement(alice: Membership) -> Callable[..., Measurement]:
    def _make(patient: Patient, day: dt.date, kind: str, value: str, **extra: Any) -> Measurement:
        return Measurement.objects.create(
            clinic=patient.clinic,
            patient=patient,
            measured_on=day,
            kind=kind,
            value=Decimal(value),
            created_by=alice.user,
            **extra,
        )

    return _make
