"""Which of a patient's fields each role sees and which it edits: the one table for them.

The role table (``clinics.roles``) says whether a role reaches a patient at all; this one says
which of the patient's own fields it may read and change once there. Every patient form
(register and edit), the chart, the patient list and search results, and the Django admin ask
this module, so a field hidden from a role is hidden everywhere, and a field a role may not edit
is neither rendered for it nor taken from what it posts.

From design.md "Who uses it": reception works with "demographics and schedule, no clinical
notes", so it sees and edits identity and contact details only; a nurse and a practitioner see
and edit everything; a clinic admin configures the clinic and reads the audit log, so it sees
only who a patient is (to recognise the patient an audit entry names) and edits nothing; a
researcher sees no identified patient.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from mesoclinic.clinics.choices import Role

if TYPE_CHECKING:
    from mesoclinic.clinics.models import Membership


class FieldGroup(enum.StrEnum):
    IDENTITY = "identity"  # who the patient is: MRN, names, birth date, sex
    CONTACT = "contact"  # how to reach them
    CLINICAL = "clinical"  # what a clinician needs: body size, allergies, medications


# Every field of Patient, in the order forms and pages show them. A field missing here is
# shown to no one (tests check that every model field is listed).
PATIENT_FIELDS: dict[str, FieldGroup] = {
    "mrn": FieldGroup.IDENTITY,
    "given_name": FieldGroup.IDENTITY,
    "family_name": FieldGroup.IDENTITY,
    "birth_date": FieldGroup.IDENTITY,
    "birth_year": FieldGroup.IDENTITY,
    "sex": FieldGroup.IDENTITY,
    "imported": FieldGroup.IDENTITY,
    "phone": FieldGroup.CONTACT,
    # The phone as the duplicate check compares it (patients.phone), derived on save.
    "phone_normalised": FieldGroup.CONTACT,
    "email": FieldGroup.CONTACT,
    "address": FieldGroup.CONTACT,
    # The language the patient is written to in (messages, check-in pages, consent).
    "preferred_language": FieldGroup.CONTACT,
    # Height is a clinical measurement: it feeds the BMI of screening and the dose engine.
    "height_cm": FieldGroup.CLINICAL,
    "allergies": FieldGroup.CLINICAL,
    "current_medications": FieldGroup.CLINICAL,
    # A registry bundle's extra columns can hold anything the exporting clinic recorded.
    "extra": FieldGroup.CLINICAL,
}

# Set by the system, never typed by anyone: the MRN is the clinic's next number, the
# registry fields come only from an import, and the normalised phone from the phone.
NEVER_EDITED = frozenset({"mrn", "birth_year", "imported", "extra", "phone_normalised"})

_ALL = frozenset(FieldGroup)
_DEMOGRAPHICS = frozenset({FieldGroup.IDENTITY, FieldGroup.CONTACT})
_NONE: frozenset[FieldGroup] = frozenset()

# role: (groups it sees, groups it edits)
ROLE_FIELD_GROUPS: dict[str, tuple[frozenset[FieldGroup], frozenset[FieldGroup]]] = {
    Role.PRACTITIONER: (_ALL, _ALL),
    Role.NURSE: (_ALL, _ALL),
    Role.RECEPTION: (_DEMOGRAPHICS, _DEMOGRAPHICS),
    Role.ADMIN: (frozenset({FieldGroup.IDENTITY}), _NONE),
    Role.RESEARCHER: (_NONE, _NONE),
}


@dataclass(frozen=True)
class PatientFieldAccess:
    """The patient fields one role sees and edits (``editable`` is always within ``visible``)."""

    visible: frozenset[str]
    editable: frozenset[str]

    def sees(self, name: str) -> bool:
        return name in self.visible

    def edits(self, name: str) -> bool:
        return name in self.editable

    def visible_in_order(self) -> list[str]:
        return [f for f in PATIENT_FIELDS if f in self.visible]

    def uneditable(self, names: Iterable[str]) -> list[str]:
        """The names among ``names`` this role may not change."""
        return sorted(set(names) - self.editable)


def access_for_role(role: str) -> PatientFieldAccess:
    sees, edits = ROLE_FIELD_GROUPS.get(role, (_NONE, _NONE))
    visible = frozenset(f for f, group in PATIENT_FIELDS.items() if group in sees)
    editable = frozenset(f for f in visible if PATIENT_FIELDS[f] in edits) - NEVER_EDITED
    return PatientFieldAccess(visible=visible, editable=editable)


def access_for(membership: Membership | None) -> PatientFieldAccess:
    """What the signed-in member may see and edit; nothing without an active membership."""
    if membership is None or not membership.is_active:
        return access_for_role("")
    return access_for_role(membership.role)
