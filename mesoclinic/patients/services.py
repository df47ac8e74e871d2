"""Patient workflows: registration with the clinic's next MRN, edits of the details, search.

Both the registration and an edit refuse to save over a possible duplicate the user has not
confirmed to be a different person (``patients.duplicates``), and both refuse a field the
user's role may not edit (``patients.fields``), whatever path calls them.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Collection
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import F, Q, QuerySet
from django.utils.translation import gettext

from mesoclinic.clinics.models import Clinic
from mesoclinic.patients.duplicates import (
    PossibleDuplicate,
    PossibleDuplicatesFound,
    find_possible_duplicates,
    newly_colliding,
    unconfirmed,
)
from mesoclinic.patients.fields import PatientFieldAccess
from mesoclinic.patients.models import Patient
from mesoclinic.records.services import save_versioned


@dataclass(frozen=True)
class PatientSaved:
    """A saved patient, and the possible duplicates the user confirmed to be someone else."""

    patient: Patient
    confirmed_different: list[PossibleDuplicate] = field(default_factory=list)


def _refuse_uneditable(access: PatientFieldAccess, fields: dict[str, Any]) -> None:
    refused = access.uneditable(fields)
    if refused:
        raise PermissionDenied(
            gettext("Your role may not change: %(fields)s.") % {"fields": ", ".join(refused)}
        )


def next_mrn(clinic: Clinic) -> str:
    """Take the clinic's next MRN; the row lock makes two registrations at once get two numbers."""
    with transaction.atomic():
        Clinic.objects.filter(pk=clinic.pk).update(next_mrn=F("next_mrn") + 1)
        number = (
            Clinic.objects.select_for_update().values_list("next_mrn", flat=True).get(pk=clinic.pk)
            - 1
        )
        mrn = f"{clinic.mrn_prefix}{number:06d}"
        # An imported bundle may already use this id: skip to the next free number.
        while Patient.objects.filter(clinic=clinic, mrn=mrn).exists():
            Clinic.objects.filter(pk=clinic.pk).update(next_mrn=F("next_mrn") + 1)
            number += 1
            mrn = f"{clinic.mrn_prefix}{number:06d}"
    return mrn


def register_patient(
    clinic: Clinic,
    created_by: Any,
    fields: dict[str, Any],
    *,
    access: PatientFieldAccess,
    different_from: Collection[uuid.UUID] = (),
) -> PatientSaved:
    """Register a patient under the clinic's next MRN.

    Raises ``PossibleDuplicatesFound`` (and saves nothing) while a patient of the clinic who may
    be this person is not in ``different_from``, the public ids the user confirmed to be
    someone else.
    """
    _refuse_uneditable(access, fields)
    with transaction.atomic():
        # Taking the MRN locks the clinic's row until this transaction ends, so two
        # receptionists registering the same person at once are checked one after the other
        # and the second sees the first's patient.
        mrn = next_mrn(clinic)
        duplicates = find_possible_duplicates(clinic, fields)
        if unconfirmed(duplicates, different_from):
            raise PossibleDuplicatesFound(duplicates)
        patient = Patient(clinic=clinic, created_by=created_by, mrn=mrn, **fields)
        patient.full_clean()
        patient.save()
    return PatientSaved(patient, duplicates)


def update_patient(
    patient: Patient,
    expected_version: int,
    fields: dict[str, Any],
    *,
    access: PatientFieldAccess,
    different_from: Collection[uuid.UUID] = (),
) -> PatientSaved:
    """Save an edit of the patient's details, read at ``expected_version``.

    Only ``fields`` change: a field the form did not carry (one the role may not edit) keeps
    its value. Raises ``PossibleDuplicatesFound`` when the edit makes the patient look like
    another patient of the clinic who is not in ``different_from``.
    """
    _refuse_uneditable(access, fields)
    with transaction.atomic():
        # Compared with the stored row, not with ``patient``: a bound ModelForm has already
        # copied the posted values onto its instance.
        stored = Patient.objects.get(pk=patient.pk)
        duplicates = newly_colliding(stored, fields)
        if unconfirmed(duplicates, different_from):
            raise PossibleDuplicatesFound(duplicates)
        saved = save_versioned(stored, expected_version, fields)
    return PatientSaved(saved, duplicates)


def search(patients: QuerySet[Patient], query: str) -> QuerySet[Patient]:
    """Match an MRN exactly, a birth date (YYYY-MM-DD), or every word against the names."""
    query = query.strip()
    if not query:
        return patients
    try:
        born = dt.date.fromisoformat(query)
    except ValueError:
        born = None
    if born is not None:
        return patients.filter(birth_date=born)
    by_mrn = patients.filter(mrn__iexact=query)
    condition = Q()
    for word in query.split():
        condition &= Q(given_name__icontains=word) | Q(family_name__icontains=word)
    return patients.filter(condition) | by_mrn
