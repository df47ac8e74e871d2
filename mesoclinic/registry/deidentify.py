"""De-identifying a registry bundle for research and pooling (pure Python).

What changes, and why (../shared/reference/security-reliability.md §2, HIPAA Safe Harbor
45 CFR 164.514(b)(2), https://www.hhs.gov/hipaa/for-professionals/privacy/special-topics/de-identification/index.html):
- Ids (patient = the MRN, identifier #8; session, adverse event; practitioner; lot numbers,
  which may fall under #13/#18) become pseudonyms: HMAC-SHA256 keyed with the clinic's
  secret salt, truncated to 64 bits and prefixed (``P-``, ``S-``, ``E-``, ``R-``, ``L-``).
  The same clinic and salt always give the same pseudonym, so extracts taken at different
  times link up; without the salt they cannot be reversed or recomputed from an MRN.
- Every date of one patient moves back by the same number of days, 1 to 364, derived from
  the HMAC of the patient id (REDCap's range, reference [38]; keyed per patient as in [39]),
  so intervals within a patient (sessions to outcome, onset to resolution, use after a
  lot's expiry) are kept exactly while the calendar dates are not the real ones. A lot's
  expiry moves with the patient whose injection it is, so "used after expiry" survives.
  Shifted full dates are not Safe Harbor on their own (reference §2, "Ours"): this
  extract is pseudonymised data for Expert Determination / GDPR-pseudonymised use, and the
  evidence report works on intervals.
- birth_year is kept, but anyone older than 89 in the export year is given the birth year
  of a 90-year-old, so all ages over 89 fall in one "90 or older" group (Safe Harbor #3).
  A birth year is also never later than the patient's earliest shifted date, so a shift
  across New Year cannot put a visit before birth.
- ``x_`` columns are dropped: they are free text of unknown content (names, phone numbers,
  notes) that no scrubber can be trusted to clean, and reference §2 says to leave free text
  out by default.
- Kept as they are: sex, height, codes, products, volumes, measurements, prices, protocol
  (a course name such as ``PC/DC 4x8w``).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
from typing import Any

from mesoclinic.registry.bundle_format import (
    ADVERSE_EVENTS,
    INJECTIONS,
    MEASUREMENTS,
    PATIENTS,
    SESSIONS,
)
from mesoclinic.registry.bundle_model import Bundle, BundleRow

PSEUDONYM_HEX = 16  # 64 bits: a collision among a million ids has odds of about 1 in 36 million
MAX_SHIFT_DAYS = 364
OLDEST_AGE_SHOWN = 89  # Safe Harbor: ages over 89 are aggregated into "90 or older"


def _digest(salt: bytes, namespace: str, value: str) -> bytes:
    return hmac.new(salt, f"{namespace}\x1f{value}".encode(), hashlib.sha256).digest()


def pseudonym(salt: bytes, prefix: str, value: str) -> str:
    """A stable pseudonym such as ``P-3f9a0c1b2d4e5f60`` for ``value`` under ``salt``."""
    return prefix + _digest(salt, prefix, value).hex()[:PSEUDONYM_HEX]


def shift_days(salt: bytes, patient_id: str) -> int:
    """How many days (1–364) this patient's dates move back; the same on every export."""
    number = int.from_bytes(_digest(salt, "date-shift", patient_id)[:8], "big")
    return 1 + number % MAX_SHIFT_DAYS


def _shift(day: dt.date | None, days: int) -> dt.date | None:
    return None if day is None else day - dt.timedelta(days=days)


class _Pseudonyms:
    """Pseudonyms of one kind, refusing the (astronomically unlikely) collision."""

    def __init__(self, salt: bytes, prefix: str) -> None:
        self.salt = salt
        self.prefix = prefix
        self.seen: dict[str, str] = {}

    def __call__(self, value: str | None) -> str | None:
        if value is None:
            return None
        alias = pseudonym(self.salt, self.prefix, value)
        original = self.seen.setdefault(alias, value)
        if original != value:
            raise ValueError(f"pseudonym collision for prefix {self.prefix}; use a new salt")
        return alias


def deidentify(bundle: Bundle, salt: bytes, today: dt.date) -> Bundle:
    """A de-identified copy of ``bundle``; ``today`` fixes the export year for the age cap."""
    if len(salt) < 16:
        raise ValueError("the de-identification salt must be at least 16 bytes")
    patient = _Pseudonyms(salt, "P-")
    session = _Pseudonyms(salt, "S-")
    event = _Pseudonyms(salt, "E-")
    practitioner = _Pseudonyms(salt, "R-")
    lots: dict[tuple[str, str], str] = {}
    shifts: dict[str, int] = {}

    def days(patient_id: str) -> int:
        if patient_id not in shifts:
            shifts[patient_id] = shift_days(salt, patient_id)
        return shifts[patient_id]

    def lot_alias(product: str, lot: str | None) -> str | None:
        if lot is None:
            return None
        key = (product, lot)
        if key not in lots:
            lots[key] = pseudonym(salt, "L-", f"{product}\x1f{lot}")
        return lots[key]

    out = Bundle()
    earliest: dict[str, dt.date] = {}

    def add(file: str, values: dict[str, Any], patient_id: str, *dates: str) -> None:
        for column in dates:
            day = _shift(values[column], days(patient_id))
            values[column] = day
            if day is not None and (patient_id not in earliest or day < earliest[patient_id]):
                earliest[patient_id] = day
        out.rows[file].append(BundleRow(values=values))

    session_patient: dict[str, str] = {}
    for row in bundle.rows[SESSIONS.name]:
        values = dict(row.values)
        session_patient[values["session_id"]] = values["patient_id"]
        pid = values["patient_id"]
        values["session_id"] = session(values["session_id"])
        values["patient_id"] = patient(pid)
        values["practitioner_id"] = practitioner(values["practitioner_id"])
        add(SESSIONS.name, values, pid, "date")
    for row in bundle.rows[INJECTIONS.name]:
        values = dict(row.values)
        pid = session_patient[values["session_id"]]
        values["session_id"] = session(values["session_id"])
        values["lot"] = lot_alias(values["product"], values["lot"])
        values["expiry"] = _shift(values["expiry"], days(pid))
        out.rows[INJECTIONS.name].append(BundleRow(values=values))
    for row in bundle.rows[MEASUREMENTS.name]:
        values = dict(row.values)
        pid = values["patient_id"]
        values["patient_id"] = patient(pid)
        add(MEASUREMENTS.name, values, pid, "date")
    for row in bundle.rows[ADVERSE_EVENTS.name]:
        values = dict(row.values)
        pid = values["patient_id"]
        values["event_id"] = event(values["event_id"])
        values["patient_id"] = patient(pid)
        values["session_id"] = session(values["session_id"])
        add(
            ADVERSE_EVENTS.name,
            values,
            pid,
            "onset_date",
            "resolved_date",
            "last_seen_unresolved",
        )
    for row in bundle.rows[PATIENTS.name]:
        values = dict(row.values)
        pid = values["patient_id"]
        values["patient_id"] = patient(pid)
        born = values["birth_year"]
        if born is not None:
            born = max(born, today.year - OLDEST_AGE_SHOWN - 1)
            if pid in earliest:
                born = min(born, earliest[pid].year)
            values["birth_year"] = born
        out.rows[PATIENTS.name].append(BundleRow(values=values))
    return out
