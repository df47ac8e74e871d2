"""The Today count of safety alerts to review (the sentinel rule), from stored state rather than a detector run.

The detector (``signal_data.detect_for_clinic``) reads every late lesion of the clinic and
the sessions they are attributed to: 444 ms at 1M sessions / 20k events, too slow for every
load of Today. Its clusters depend only on the records, not on the day (the day only decides
which are still active, ``Signal.is_active``), so the last onset of each cluster is stored in
``SignalState`` whenever a record it reads is written, and Today counts those within the
12 weeks (``CLUSTER_WINDOW_DAYS``) at read time.

What the detector reads, and what rewrites the state:
- adverse events: any save or delete (``post_save``/``post_delete`` of ``AdverseEvent``);
- injection lines and sessions: only those of a patient with a late lesion (no other
  session is attributed a case; case finding, which reads every session, is not part of the
  count); a correction of a line inserts a new line, so it is a save too;
- writes that send no model signal (bulk loads: the registry import, the demo) call
  ``refresh`` themselves, and ``run-due`` refreshes every clinic, as a net under the rest.
The lower apps (treatments) know nothing of this: safety listens to their model signals,
connected in ``SafetyConfig.ready`` (CONTRIBUTING.md, Layers).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models.signals import post_delete, post_save
from django.utils import timezone

from mesoclinic.clinics.models import Clinic
from mesoclinic.safety.models import AdverseEvent, SignalState
from mesoclinic.safety.signals import CLUSTER_WINDOW_DAYS, LATE_LESION_TYPES
from mesoclinic.treatments.models import Injection, TreatmentSession


def refresh(clinic: Clinic) -> SignalState:
    """Run the detector (without case finding) and store the last onset of each signal."""
    # The detector's modules load with the first write that needs it, not with every
    # command's start-up (this module is imported by SafetyConfig.ready; issue 11).
    from mesoclinic.safety.signal_data import detect_for_clinic

    signals = detect_for_clinic(clinic, clinic.today(), case_finding=False)
    onsets = [s.last_onset.isoformat() for s in signals]
    state = SignalState.objects.filter(clinic=clinic).first()
    if state is None:
        return SignalState.objects.create(
            clinic=clinic, last_onsets=onsets, detected_at=timezone.now()
        )
    # Written only when the signals changed: a form saved untouched changes nothing
    # (tests/test_edit_roundtrip.py).
    if state.last_onsets != onsets:
        state.last_onsets, state.detected_at = onsets, timezone.now()
        state.save(update_fields=["last_onsets", "detected_at"])
    return state


def active_count(clinic: Clinic, today: dt.date) -> int:
    """How many signals are active on ``today`` (a case within the last 12 weeks), from the
    stored state: one query by primary key, whatever the clinic's size. With no state yet (a
    database upgraded from a version without it, before ``run-due`` or any adverse event has
    written one), the detector runs once, here, and stores it: a clinic must never be told
    "no signal" because the count was never taken."""
    state = SignalState.objects.filter(clinic=clinic).first()
    if state is None:
        state = refresh(clinic)
    return sum(
        1
        for onset in state.last_onsets
        if (today - dt.date.fromisoformat(onset)).days <= CLUSTER_WINDOW_DAYS
    )


def _patient_has_late_lesion(clinic_id: int, patient_id: Any) -> bool:
    return (
        AdverseEvent.objects.filter(
            clinic_id=clinic_id, patient_id=patient_id, event_type__in=sorted(LATE_LESION_TYPES)
        )
        .only("pk")
        .exists()
    )


def _on_event(sender: Any, instance: AdverseEvent, raw: bool = False, **kwargs: Any) -> None:
    if not raw:
        refresh(instance.clinic)


def _on_session(sender: Any, instance: TreatmentSession, raw: bool = False, **kwargs: Any) -> None:
    if not raw and _patient_has_late_lesion(instance.clinic_id, instance.patient_id):
        refresh(instance.clinic)


def _on_line(sender: Any, instance: Injection, raw: bool = False, **kwargs: Any) -> None:
    if raw:
        return
    patient = TreatmentSession.objects.filter(pk=instance.session_id).values("patient_id")[:1]
    if _patient_has_late_lesion(instance.clinic_id, patient):
        refresh(instance.clinic)


def connect() -> None:
    """Listen to the writes the detector's result depends on (called once, at start-up)."""
    post_save.connect(_on_event, sender=AdverseEvent, dispatch_uid="safety.state.event_saved")
    post_delete.connect(_on_event, sender=AdverseEvent, dispatch_uid="safety.state.event_deleted")
    post_save.connect(_on_session, sender=TreatmentSession, dispatch_uid="safety.state.session")
    post_save.connect(_on_line, sender=Injection, dispatch_uid="safety.state.line")
