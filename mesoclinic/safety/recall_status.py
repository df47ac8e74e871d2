"""Where each recall stands: who received a recalled lot and who has not yet been told.

Exposure is read through ``recall.exposed_lines`` (the recall search's own choice of
injection lines), so the banner on a chart, the counts on Today and the recall page always
agree on who received a lot. Contacts are ``RecallContact`` rows; a patient is "told" once an
attempt ended in ``INFORMED_OUTCOMES``; ``record_recall_contact`` records one attempt. Every
function runs a fixed number of queries
whatever the number of lots, patients or contacts: no query per row.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext

from mesoclinic.audit.choices import Action
from mesoclinic.audit.services import record
from mesoclinic.clinics.models import Clinic, Membership
from mesoclinic.formulary.choices import INFORMED_OUTCOMES, LotStatus, RecallContactOutcome
from mesoclinic.formulary.models import Lot, LotQuerySet, RecallContact
from mesoclinic.formulary.services import FormularyError
from mesoclinic.patients.models import Patient
from mesoclinic.safety.recall import exposed_lines


@dataclass
class LotRecall:
    """A recalled lot on Today: how many patients received it, how many are still to tell."""

    lot: Lot
    exposed: int
    to_contact: int


@dataclass
class PatientRecall:
    """A recalled lot one patient received and has not been told about, with the last attempt."""

    lot: Lot
    last_attempt: RecallContact | None


def recalled_lots(lots: LotQuerySet) -> list[Lot]:
    """The recalled lots among ``lots`` (the caller's clinic-scoped queryset)."""
    return list(lots.filter(status=LotStatus.RECALLED).select_related("product"))


def exposures(
    clinic: Clinic, lot_ids: list[int], patient_id: int | None = None
) -> set[tuple[int, int]]:
    """(lot id, patient id) of everyone who received these lots, drafts included (as the recall
    search counts them); one query."""
    if not lot_ids:
        return set()
    # The recall search's lines (``recall.exposed_lines``), without its columns: their joins
    # (patient, product, practitioner) cost a third of the query and change no pair.
    rows = exposed_lines(clinic, lot_ids, None, None)
    if patient_id is not None:
        rows = rows.filter(session__patient_id=patient_id)
    return set(rows.order_by().values_list("lot_id", "session__patient_id").distinct())


def informed(clinic: Clinic, lot_ids: list[int]) -> set[tuple[int, int]]:
    """(lot id, patient id) of the patients already told about these lots; one query."""
    if not lot_ids:
        return set()
    return set(
        RecallContact.objects.for_clinic(clinic)
        .filter(lot_id__in=lot_ids, outcome__in=sorted(INFORMED_OUTCOMES))
        .values_list("lot_id", "patient_id")
        .distinct()
    )


def active_recalls(clinic: Clinic, lots: LotQuerySet) -> list[LotRecall]:
    """Recalled lots that still have patients to tell, most to tell first (three queries)."""
    found = recalled_lots(lots)
    ids = [lot.pk for lot in found]
    exposed_by_lot: dict[int, set[int]] = defaultdict(set)
    for lot_id, patient_id in exposures(clinic, ids):
        exposed_by_lot[lot_id].add(patient_id)
    told = informed(clinic, ids)
    result = []
    for lot in found:
        patients = exposed_by_lot.get(lot.pk, set())
        left = sum(1 for p in patients if (lot.pk, p) not in told)
        if left:
            result.append(LotRecall(lot, len(patients), left))
    result.sort(key=lambda r: (-r.to_contact, r.lot.lot_number))
    return result


def patient_recalls(clinic: Clinic, lots: LotQuerySet, patient_id: int) -> list[PatientRecall]:
    """The recalled lots this patient received and has not been told about (three queries)."""
    found = {lot.pk: lot for lot in recalled_lots(lots)}
    received = sorted(lot_id for lot_id, _ in exposures(clinic, list(found), patient_id))
    if not received:
        return []
    contacts = RecallContact.objects.for_clinic(clinic).filter(
        lot_id__in=received, patient_id=patient_id
    )
    by_lot: dict[int, list[RecallContact]] = defaultdict(list)
    for contact in contacts.order_by("-contacted_at", "-id"):
        by_lot[contact.lot_id].append(contact)
    return [
        PatientRecall(found[lot_id], by_lot[lot_id][0] if by_lot[lot_id] else None)
        for lot_id in received
        if not any(c.informed for c in by_lot[lot_id])
    ]


def received_recalled_lots(clinic: Clinic, lots: LotQuerySet, patient_id: int) -> list[Lot]:
    """Every recalled lot the patient received, told or not (the contact page's choices)."""
    found = {lot.pk: lot for lot in recalled_lots(lots)}
    received = {lot_id for lot_id, _ in exposures(clinic, list(found), patient_id)}
    return [lot for pk, lot in found.items() if pk in received]


# Not clinical: how far ahead of the server's clock a typed contact time may be.
CONTACT_CLOCK_SKEW = dt.timedelta(minutes=5)


def record_recall_contact(
    request: HttpRequest | None,
    membership: Membership,
    lot: Lot,
    patient: Patient,
    *,
    outcome: str,
    contacted_at: dt.datetime,
    note: str,
) -> RecallContact:
    """Record one attempt to tell ``patient`` about recalled ``lot``, and audit it, together.

    Refused, with the field named, for a lot that is not recalled or that the patient did not
    receive, an unknown outcome, a time in the future, or "reached" without a note.
    """
    note = note.strip()
    if lot.clinic_id != membership.clinic_id or patient.clinic_id != membership.clinic_id:
        raise FormularyError(gettext("Recalled lot: no such lot for this patient in your clinic."))
    if lot.status != LotStatus.RECALLED:
        raise FormularyError(
            gettext(
                "Recalled lot: lot %(lot)s is %(status)s, not recalled; contacts are recorded "
                "for recalled lots."
            )
            % {"lot": lot.lot_number, "status": lot.get_status_display().lower()}
        )
    if (lot.pk, patient.pk) not in exposures(membership.clinic, [lot.pk], patient.pk):
        raise FormularyError(
            gettext("Recalled lot: this patient did not receive lot %(lot)s.")
            % {"lot": lot.lot_number}
        )
    if outcome not in RecallContactOutcome.values:
        raise FormularyError(
            gettext("Outcome: %(outcome)s is not one of the outcomes listed.")
            % {"outcome": repr(outcome)}
        )
    if contacted_at > timezone.now() + CONTACT_CLOCK_SKEW:
        raise FormularyError(gettext("When: cannot be in the future."))
    if outcome == RecallContactOutcome.REACHED and not note:
        raise FormularyError(
            gettext("Note: write what the patient was told and anything they reported.")
        )
    with transaction.atomic():
        contact = RecallContact.objects.create(
            clinic=membership.clinic,
            lot=lot,
            patient=patient,
            outcome=outcome,
            contacted_at=contacted_at,
            contacted_by=membership.user,
            contacted_by_name=membership.display_name,
            note=note,
            created_by=membership.user,
        )
        record(
            request,
            Action.CREATE,
            obj=contact,
            clinic=membership.clinic,
            user=membership.user,
            detail=f"recall contact for lot {lot.lot_number}: {outcome}",
        )
    return contact
