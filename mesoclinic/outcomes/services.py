"""Measurement workflows: the derived site role, weight-change flags, and all-or-nothing saves."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import QuerySet
from django.http import HttpRequest

from mesoclinic.audit.choices import Action
from mesoclinic.audit.services import record
from mesoclinic.clinics.models import Clinic, Membership
from mesoclinic.dosing.services import RecordedWeight
from mesoclinic.outcomes.models import Measurement
from mesoclinic.outcomes.weight import weight_changes
from mesoclinic.patients.models import Patient
from mesoclinic.records.models import StaleRecordError
from mesoclinic.records.services import check_read_version, save_versioned
from mesoclinic.treatments.models import TreatmentSession

# (area, side) -> the first day (clinic's local date) a session treated that site.
TreatedSites = dict[tuple[str, str], dt.date]

# A bilateral session treats both the left and the right side of the area.
_ALSO_TREATED_BY = {"left": ("bilateral",), "right": ("bilateral",)}


def _weights_newest_first(clinic: Clinic) -> QuerySet[Measurement]:
    # The one order both readings share: the latest day first, and on one day the last entered.
    return (
        Measurement.objects.for_clinic(clinic)
        .filter(kind="weight_kg")
        .order_by("-measured_on", "-created_at")
    )


def _as_recorded(measurement: Measurement) -> RecordedWeight:
    return RecordedWeight(measurement.value, measurement.measured_on, "measurement")


def latest_weight(patient: Patient, clinic: Clinic, day: dt.date) -> RecordedWeight | None:
    """The patient's latest measured weight on or before ``day``, as the dose check reads it
    (supplied to ``treatments.dose_input`` by this app's AppConfig.ready)."""
    measurement = (
        _weights_newest_first(clinic).filter(patient=patient, measured_on__lte=day).first()
    )
    return None if measurement is None else _as_recorded(measurement)


def measured_weights(clinic: Clinic, patient_ids: Iterable[int]) -> dict[int, list[RecordedWeight]]:
    """Each patient's measured weights, newest first, for the batch dose check
    (``treatments.dose_batch.check_sessions_dose``), in one query."""
    found: dict[int, list[RecordedWeight]] = {}
    for measurement in _weights_newest_first(clinic).filter(patient_id__in=list(patient_ids)):
        found.setdefault(measurement.patient_id, []).append(_as_recorded(measurement))
    return found


def record_treated_site(sites: TreatedSites, area: str, side: str, day: dt.date) -> None:
    key = (area, side)
    if key not in sites or day < sites[key]:
        sites[key] = day


def treated_sites_from_sessions(
    sessions: Iterable[TreatmentSession], clinic: Clinic
) -> TreatedSites:
    """Treated sites of already-fetched sessions (with ``areas`` prefetched: no queries)."""
    sites: TreatedSites = {}
    for session in sessions:
        day = clinic.day_of(session.performed_at)
        for a in session.areas.all():
            record_treated_site(sites, a.area, a.side, day)
    return sites


def derived_site_role(area: str, side: str, on: dt.date, sites: TreatedSites) -> str:
    """``treated`` if a session treated this area and side on or before ``on``, else ``control``.

    The registry rule for an empty site_role (../shared/spec/registry-csv.md,
    measurements.csv). Measures without an area (body weight) have no site role: "".
    """
    if not area:
        return ""
    for treated_side in (side, *_ALSO_TREATED_BY.get(side, ())):
        first = sites.get((area, treated_side))
        if first is not None and first <= on:
            return "treated"
    return "control"


def effective_site_role(m: Measurement, sites: TreatedSites) -> str:
    """The recorded site role, or the derived one when it was left blank."""
    return m.site_role or derived_site_role(m.area, m.side, m.measured_on, sites)


def annotate_measurements(measurements: Sequence[Measurement], sites: TreatedSites) -> None:
    """Set ``effective_site_role``, ``site_role_derived`` and ``weight_change`` for display."""
    weights = sorted(
        (m for m in measurements if m.kind == "weight_kg"), key=lambda m: (m.measured_on, m.pk)
    )
    changes = weight_changes((m.measured_on, m.value, m.pk) for m in weights)
    for m in measurements:
        m.effective_site_role = effective_site_role(m, sites)  # type: ignore[attr-defined]
        m.site_role_derived = not m.site_role and bool(m.area)  # type: ignore[attr-defined]
        m.weight_change = changes.get(m.pk)  # type: ignore[attr-defined]


@dataclass
class Row:
    """One measured value of a visit, as the form cleaned it."""

    kind: str
    value: Decimal
    area: str = ""
    side: str = ""
    site_role: str = ""
    rater: str = ""


def record_measurements(
    request: HttpRequest,
    membership: Membership,
    patient: Patient,
    measured_on: dt.date,
    session: TreatmentSession | None,
    rows: Sequence[Row],
) -> list[Measurement]:
    """Save every value of one visit, or none: any invalid row rolls the whole visit back."""
    if session is not None and session.patient_id != patient.pk:
        raise ValueError("The session belongs to another patient.")
    saved: list[Measurement] = []
    with transaction.atomic():
        for row in rows:
            m = Measurement(
                clinic_id=membership.clinic_id,
                patient=patient,
                session=session,
                measured_on=measured_on,
                kind=row.kind,
                value=row.value,
                area=row.area,
                side=row.side,
                site_role=row.site_role,
                rater=row.rater,
                rated_by=membership.user if row.rater == "clinician" else None,
                created_by=membership.user,
            )
            m.full_clean()
            m.save()
            record(request, Action.CREATE, obj=m, patient=patient)
            saved.append(m)
    return saved


def update_measurement(
    request: HttpRequest, m: Measurement, expected_version: int, fields: dict[str, Any]
) -> Measurement:
    """Correct a measurement entered in error, refused if someone changed it meanwhile."""
    with transaction.atomic():
        # Validate the corrected row as a whole (the same rules as a new entry) before saving.
        candidate = Measurement.objects.get(pk=m.pk)
        for name, value in fields.items():
            setattr(candidate, name, value)
        candidate.full_clean()
        fresh = save_versioned(m, expected_version, fields)
        changed = sorted(k for k, v in fields.items() if getattr(m, k) != v)
        record(request, Action.UPDATE, obj=fresh, detail=", ".join(changed) or "no change")
    return fresh


def delete_measurement(request: HttpRequest, m: Measurement, expected_version: int) -> None:
    """Remove a measurement entered in error; the audit trail keeps who, when and which."""
    expected_version = check_read_version(expected_version)
    with transaction.atomic():
        record(request, Action.UPDATE, obj=m, detail=f"deleted as entered in error ({m.kind})")
        gone, _ = Measurement.objects.filter(pk=m.pk, version=expected_version).delete()
        if gone == 0:
            raise StaleRecordError(
                "Someone else changed this measurement while you were looking at it. "
                "Nothing was deleted: reload to see their change."
            )
