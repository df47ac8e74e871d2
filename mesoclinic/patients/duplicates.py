"""Possible duplicate patients: someone already registered at this clinic who may be this person.

A second chart for the same person splits the record: the allergy on one chart is missing from
the other, doses are summed over the wrong sessions and a lot recall reaches one chart only. So
before a patient is registered, or an edit changes who a patient is or how to reach them, the
clinic's own patients are checked for the same birth date and a similar name, the same email or
the same phone number however it was typed (patients.phone). Only this clinic's patients are
ever looked at.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext, gettext_noop

from mesoclinic.clinics.models import Clinic
from mesoclinic.patients.models import Patient, email_key, phone_key
from mesoclinic.patients.name_match import similar_names
from mesoclinic.patients.phone import comparable

# The fields whose values the check compares; an edit that changes none of them is not checked.
COMPARED_FIELDS = ("given_name", "family_name", "birth_date", "email", "phone")

# Kept in English (tests and the audit compare them); translated where shown (``shown_reasons``).
SAME_NAME_AND_BIRTH_DATE = gettext_noop("same birth date and a similar name")
SAME_EMAIL = gettext_noop("same email")
SAME_PHONE = gettext_noop("same phone")


# What the check reads of a candidate: what it compares and what the warning shows.
_LOADED = (
    "public_id",
    "clinic",
    "mrn",
    "given_name",
    "family_name",
    "birth_date",
    "birth_year",
    "sex",
    "email",
    "phone",
    "phone_normalised",
)


@dataclass(frozen=True)
class PossibleDuplicate:
    """An existing patient of the clinic, and why they may be the person being registered."""

    patient: Patient
    reasons: tuple[str, ...]

    @property
    def shown_reasons(self) -> str:
        """The reasons in the user's language, as the warning lists them."""
        return "; ".join(gettext(reason) for reason in self.reasons)


class PossibleDuplicatesFound(Exception):
    """Raised instead of saving while someone who may be the same person is unconfirmed."""

    def __init__(self, duplicates: list[PossibleDuplicate]) -> None:
        super().__init__(
            f"{len(duplicates)} registered patient(s) may be this person; "
            "confirm that this is a different person to save."
        )
        self.duplicates = duplicates


def find_possible_duplicates(
    clinic: Clinic, details: Mapping[str, Any], *, exclude: Patient | None = None
) -> list[PossibleDuplicate]:
    """This clinic's patients who may be the person ``details`` describe (names, birth date,
    email, phone), each with its reasons, by family name."""
    given, family = details.get("given_name") or "", details.get("family_name") or ""
    birth_date: dt.date | None = details.get("birth_date")
    email, phone = details.get("email") or "", details.get("phone") or ""
    rows = Patient.objects.sharing_details(
        clinic, birth_date=birth_date, email=email, phone=phone
    ).only(*_LOADED)
    if exclude is not None:
        rows = rows.exclude(pk=exclude.pk)
    found = []
    for candidate in rows:
        reasons = []
        if (
            birth_date is not None
            and candidate.birth_date == birth_date
            and similar_names(given, family, candidate.given_name, candidate.family_name)
        ):
            reasons.append(SAME_NAME_AND_BIRTH_DATE)
        if email_key(email) and email_key(candidate.email) == email_key(email):
            reasons.append(SAME_EMAIL)
        key = phone_key(phone)
        if comparable(key) and candidate.phone_normalised == key:
            reasons.append(SAME_PHONE)
        if reasons:
            found.append(PossibleDuplicate(candidate, tuple(reasons)))
    found.sort(key=lambda d: (d.patient.family_name, d.patient.given_name, d.patient.mrn))
    return found


def unconfirmed(
    duplicates: Iterable[PossibleDuplicate], different_from: Collection[uuid.UUID]
) -> list[PossibleDuplicate]:
    """The possible duplicates the user has not confirmed to be a different person.

    A confirmation covers the patients that were on the screen: one registered since (or newly
    matching after a change to the form) must be looked at before the save goes through.
    """
    return [d for d in duplicates if d.patient.public_id not in different_from]


def newly_colliding(patient: Patient, changes: Mapping[str, Any]) -> list[PossibleDuplicate]:
    """Possible duplicates an edit of ``patient`` creates: those its new details match and its
    stored details did not. An edit that changes none of the compared fields creates none."""
    if not any(
        name in changes and changes[name] != getattr(patient, name) for name in COMPARED_FIELDS
    ):
        return []
    stored = {name: getattr(patient, name) for name in COMPARED_FIELDS}
    before = {
        d.patient.pk for d in find_possible_duplicates(patient.clinic, stored, exclude=patient)
    }
    after = find_possible_duplicates(patient.clinic, {**stored, **changes}, exclude=patient)
    return [d for d in after if d.patient.pk not in before]
