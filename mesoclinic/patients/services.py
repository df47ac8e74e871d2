"""Patient workflows: registration with the clinic's next MRN, and search."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.db.models import F, Q, QuerySet

from mesoclinic.clinics.models import Clinic
from mesoclinic.patients.models import Patient


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


def register_patient(clinic: Clinic, created_by: Any, fields: dict[str, Any]) -> Patient:
    with transaction.atomic():
        patient = Patient(clinic=clinic, created_by=created_by, mrn=next_mrn(clinic), **fields)
        patient.full_clean()
        patient.save()
    return patient


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
