"""The patient chart: every clinical record of one patient, newest first, that the role may see."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from mesoclinic.clinics.models import Membership
from mesoclinic.clinics.roles import Perm
from mesoclinic.outcomes.services import annotate_measurements, treated_sites_from_sessions
from mesoclinic.patients.models import Patient
from mesoclinic.treatments.models import prefetch_lines_in_effect


@dataclass
class ChartEntry:
    """One item on the timeline; ``kind`` picks the template partial that draws it."""

    when: dt.datetime | dt.date
    kind: str
    record: Any

    @property
    def sort_key(self) -> dt.date:
        return self.when.date() if isinstance(self.when, dt.datetime) else self.when


@dataclass
class Chart:
    entries: list[ChartEntry] = field(default_factory=list)
    clinical: bool = False
    measurements: list[Any] = field(default_factory=list)


def build_chart(patient: Patient, membership: Membership) -> Chart:
    chart = Chart(clinical=membership.has(Perm.VIEW_CLINICAL))
    if not chart.clinical:
        return chart
    # Each related set is fetched once; no per-entry queries (the chart must stay fast
    # for a patient with years of sessions).
    for c in patient.consultations.restrict(membership, Perm.VIEW_CLINICAL).prefetch_related(
        "amendments"
    ):
        chart.entries.append(ChartEntry(c.consulted_at, "consultation", c))
    for consent in patient.consents.restrict(membership, Perm.VIEW_CLINICAL).select_related(
        "template"
    ):
        chart.entries.append(ChartEntry(consent.patient_signed_at, "consent", consent))
    for plan in patient.plans.restrict(membership, Perm.VIEW_CLINICAL).prefetch_related(
        "areas", "sessions"
    ):
        chart.entries.append(ChartEntry(plan.created_at, "plan", plan))
    sessions = list(
        patient.sessions.restrict(membership, Perm.VIEW_CLINICAL).prefetch_related(
            "areas", prefetch_lines_in_effect(), "amendments"
        )
    )
    for s in sessions:
        chart.entries.append(ChartEntry(s.performed_at, "session", s))
    for ae in patient.adverse_events.restrict(membership, Perm.VIEW_CLINICAL).select_related(
        "lot", "session"
    ):
        chart.entries.append(ChartEntry(ae.onset_date, "adverse_event", ae))
    measurements = list(patient.measurements.restrict(membership, Perm.VIEW_CLINICAL))
    # Derived site roles and weight-change flags from the sessions already fetched: no queries.
    annotate_measurements(measurements, treated_sites_from_sessions(sessions, membership.clinic))
    chart.measurements = measurements
    by_day: dict[dt.date, list[Any]] = {}
    for m in measurements:
        by_day.setdefault(m.measured_on, []).append(m)
    for day, items in by_day.items():
        chart.entries.append(ChartEntry(day, "measurements", items))
    chart.entries.sort(key=lambda e: (e.sort_key, e.kind), reverse=True)
    return chart
