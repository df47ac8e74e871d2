"""The dose check of many sessions at once: what ``check_session_dose`` gives for each, read in
a fixed handful of queries whatever the number of sessions (the demo practice signs hundreds).

Only the reading differs: the weight is picked by ``services.weight_on``, the history built by
``services.history_from``, the rules by ``services.clinic_rules`` and the check run by
``services.dose_check``, the very functions the one-session path uses, so a batch check and a
check of one session agree (``mesoclinic/demo/tests/test_demo_dose_snapshots.py``).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Iterable
from typing import TYPE_CHECKING

from mesoclinic.clinics.models import Clinic
from mesoclinic.consultations.models import Consultation
from mesoclinic.dosing.models import DoseLimit
from mesoclinic.dosing.rules import Protocol, RuleSet
from mesoclinic.dosing.services import (
    DoseCheck,
    clinic_rules,
    dose_check,
    history_from,
    weight_on,
)
from mesoclinic.outcomes.models import Measurement

if TYPE_CHECKING:
    from mesoclinic.treatments.models import TreatmentSession


def check_sessions_dose(
    clinic: Clinic, sessions: Iterable[TreatmentSession], *, signing: Collection[int] = ()
) -> dict[int, DoseCheck]:
    """The dose check of each of ``sessions`` of ``clinic``, by primary key.

    ``signing`` holds the primary keys of drafts being signed together with these checks: they
    count as signed in one another's history, as they would were they signed one after the
    other in the order they took place (a later session never enters an earlier one's history).
    """
    from mesoclinic.treatments.models import TreatmentSession, prefetch_lines_in_effect

    wanted = {session.pk: session for session in sessions}
    patient_ids = {session.patient_id for session in wanted.values()}
    # Every session of these patients, with its lines in effect and their products'
    # ingredients: the lines of the sessions checked and the history of each, in three queries.
    everything = list(
        TreatmentSession.objects.for_clinic(clinic)
        .filter(patient_id__in=patient_ids)
        .prefetch_related(prefetch_lines_in_effect("product__ingredients"))
    )
    lines = {other.pk: other.lines_in_effect() for other in everything}
    signed: dict[int, list[TreatmentSession]] = defaultdict(list)
    for other in everything:
        if other.signed_at is not None or other.pk in signing:
            signed[other.patient_id].append(other)
    measurements: dict[int, list[Measurement]] = defaultdict(list)
    for measurement in (
        Measurement.objects.for_clinic(clinic)
        .filter(patient_id__in=patient_ids, kind="weight_kg")
        .order_by("-measured_on", "-created_at")
    ):
        measurements[measurement.patient_id].append(measurement)
    consultations: dict[int, list[Consultation]] = defaultdict(list)
    for consultation in (
        Consultation.objects.for_clinic(clinic)
        .filter(patient_id__in=patient_ids, weight_kg__isnull=False)
        .order_by("-consulted_at")
    ):
        consultations[consultation.patient_id].append(consultation)
    rules: dict[str, tuple[RuleSet, Protocol | None, list[DoseLimit]]] = {}
    checks: dict[int, DoseCheck] = {}
    for pk, session in wanted.items():
        day = clinic.day_of(session.performed_at)
        if session.protocol not in rules:
            rules[session.protocol] = clinic_rules(clinic, session.protocol)
        checks[pk] = dose_check(
            session,
            lines[pk],
            day=day,
            weights=weight_on(
                clinic, day, measurements[session.patient_id], consultations[session.patient_id]
            ),
            rules=rules[session.protocol],
            history=history_from(session, day, signed[session.patient_id]),
        )
    return checks
