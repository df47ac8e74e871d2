"""The dose check of many sessions at once: what ``check_session_dose`` gives for each, read in
a fixed handful of queries whatever the number of sessions (the demo practice signs hundreds).

Only the reading differs: the weight is picked by ``dose_input.weight_on``, the history built
by ``dose_input.history_from``, the rules by ``dosing.services.clinic_rules`` and the check run
by ``dose_input.dose_check``, the very functions the one-session path uses, so a batch check and a
check of one session agree (``mesoclinic/demo/tests/test_demo_dose_snapshots.py``).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Iterable, Mapping, Sequence

from mesoclinic.clinics.models import Clinic
from mesoclinic.consultations.models import Consultation
from mesoclinic.dosing.models import DoseLimit
from mesoclinic.dosing.rules import Protocol, RuleSet
from mesoclinic.dosing.services import DoseCheck, RecordedWeight, clinic_rules
from mesoclinic.treatments.dose_input import dose_check, history_from, weight_on
from mesoclinic.treatments.models import TreatmentSession, prefetch_lines_in_effect


def check_sessions_dose(
    clinic: Clinic,
    sessions: Iterable[TreatmentSession],
    *,
    measured: Mapping[int, Sequence[RecordedWeight]],
    signing: Collection[int] = (),
) -> dict[int, DoseCheck]:
    """The dose check of each of ``sessions`` of ``clinic``, by primary key.

    ``measured`` holds each patient's measured weights, newest first, by patient primary key
    (``outcomes.services.measured_weights``: outcomes sits above treatments in the layers, so
    its caller reads them).

    ``signing`` holds the primary keys of drafts being signed together with these checks: they
    count as signed in one another's history, as they would were they signed one after the
    other in the order they took place (a later session never enters an earlier one's history).
    """
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
                clinic, day, measured.get(session.patient_id, ()), consultations[session.patient_id]
            ),
            rules=rules[session.protocol],
            history=history_from(session, day, signed[session.patient_id]),
        )
    return checks
