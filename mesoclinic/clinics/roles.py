"""What each role may do. One table, read by every view, API and command.

From design.md "Who uses it": reception sees demographics and schedule but no clinical
notes; a nurse prepares, measures and drafts but cannot sign; a researcher sees evidence
and de-identified extracts, never identities; a clinic admin configures and reads the audit.
Which of a patient's own fields a role sees and edits is decided in ``patients/fields.py``.
"""

from __future__ import annotations

import enum

from mesoclinic.clinics.choices import Role


class Perm(enum.StrEnum):
    VIEW_DEMOGRAPHICS = "view_demographics"  # names, contact, MRN, birth date
    EDIT_DEMOGRAPHICS = "edit_demographics"
    VIEW_CLINICAL = "view_clinical"  # consultations, sessions, notes, measurements, AEs
    EDIT_CLINICAL = "edit_clinical"  # create and draft clinical records
    SIGN = "sign"  # sign consent and sessions, amend signed records
    MANAGE_FORMULARY = "manage_formulary"  # products, lots, consent templates
    VIEW_AUDIT = "view_audit"
    MANAGE_STAFF = "manage_staff"  # add staff, change roles, deactivate
    MANAGE_CLINIC = "manage_clinic"  # clinic settings: name, zone, currency, screening validity
    EXPORT_IDENTIFIED = "export_identified"  # registry bundle with MRNs and real dates
    EXPORT_DEIDENTIFIED = "export_deidentified"
    VIEW_EVIDENCE = "view_evidence"
    # Billing (prices, invoices, packages, payments): no clinical notes on any of its pages.
    VIEW_BILLING = "view_billing"
    TAKE_PAYMENTS = "take_payments"  # draft and issue invoices, take payments, sell packages


_CLINICAL = {Perm.VIEW_DEMOGRAPHICS, Perm.EDIT_DEMOGRAPHICS, Perm.VIEW_CLINICAL, Perm.EDIT_CLINICAL}

ROLE_PERMS: dict[str, frozenset[Perm]] = {
    Role.PRACTITIONER: frozenset(
        _CLINICAL | {Perm.SIGN, Perm.VIEW_EVIDENCE, Perm.EXPORT_DEIDENTIFIED, Perm.VIEW_BILLING}
    ),
    Role.NURSE: frozenset(_CLINICAL),
    Role.RECEPTION: frozenset(
        {Perm.VIEW_DEMOGRAPHICS, Perm.EDIT_DEMOGRAPHICS, Perm.VIEW_BILLING, Perm.TAKE_PAYMENTS}
    ),
    Role.ADMIN: frozenset(
        {
            Perm.VIEW_DEMOGRAPHICS,
            Perm.MANAGE_FORMULARY,
            Perm.VIEW_AUDIT,
            Perm.MANAGE_STAFF,
            Perm.MANAGE_CLINIC,
            Perm.EXPORT_IDENTIFIED,
            Perm.EXPORT_DEIDENTIFIED,
            Perm.VIEW_EVIDENCE,
            Perm.VIEW_BILLING,
            Perm.TAKE_PAYMENTS,
        }
    ),
    Role.RESEARCHER: frozenset({Perm.VIEW_EVIDENCE, Perm.EXPORT_DEIDENTIFIED}),
}


def role_has(role: str, perm: Perm) -> bool:
    return perm in ROLE_PERMS.get(role, frozenset())
