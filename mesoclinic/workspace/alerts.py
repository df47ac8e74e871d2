"""Banners at the top of a patient's chart: open red flags after a session, and recalled lots
the patient received and has not yet been told about.

Each list is read only when the role may see it (red flags are clinical; a recall also goes to
the clinic admin, as the recall page does), in a fixed number of queries, so the chart stays
constant in cost however long the patient's history.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from mesoclinic.aftercare.models import Escalation
from mesoclinic.clinics.models import Membership
from mesoclinic.clinics.roles import Perm
from mesoclinic.formulary.models import Lot
from mesoclinic.patients.models import Patient
from mesoclinic.safety.recall_status import PatientRecall, patient_recalls
from mesoclinic.workspace.timeline import own_fields
from mesoclinic.workspace.today import recall_perm


@dataclass
class ChartAlerts:
    red_flags: list[Escalation] = field(default_factory=list)
    recalls: list[PatientRecall] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.red_flags or self.recalls)


def chart_alerts(patient: Patient, membership: Membership) -> ChartAlerts:
    alerts = ChartAlerts()
    if membership.has(Perm.VIEW_CLINICAL):
        alerts.red_flags = list(
            Escalation.objects.restrict(membership, Perm.VIEW_CLINICAL)
            .open_red_flags()
            .filter(patient=patient)
            .select_related("session")
            # Of the session the banner shows only its day.
            .only(*own_fields(Escalation), "session__performed_at")
            .order_by("created_at")
        )
    perm = recall_perm(membership)
    if perm is not None:
        alerts.recalls = patient_recalls(
            membership.clinic, Lot.objects.restrict(membership, perm), patient.pk
        )
    return alerts
