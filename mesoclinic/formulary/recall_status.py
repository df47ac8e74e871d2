"""Where each recall stands: who received a recalled lot and who has not yet been told.

Exposure is read through ``recall.exposure_rows`` (the recall search's own query over the
injection lines), so the banner on a chart, the counts on Today and the recall page always
agree on who received a lot. Contacts are ``RecallContact`` rows; a patient is "told" once an
attempt ended in ``INFORMED_OUTCOMES``. Every function runs a fixed number of queries
whatever the number of lots, patients or contacts: no query per row.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from mesoclinic.clinics.models import Clinic
from mesoclinic.formulary.choices import INFORMED_OUTCOMES, LotStatus
from mesoclinic.formulary.models import Lot, LotQuerySet, RecallContact
from mesoclinic.formulary.recall import exposure_rows


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
    rows = exposure_rows(clinic, lot_ids, None, None, with_contact=False)
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
