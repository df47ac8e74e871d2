"""De-identifying a registry bundle for research and pooling (pure Python).

What changes, and why (../shared/reference/security-reliability.md §2, HIPAA Safe Harbor
45 CFR 164.514(b)(2), https://www.hhs.gov/hipaa/for-professionals/privacy/special-topics/de-identification/index.html;
``docs/deidentified-export.md``):
- Ids (patient = the MRN, identifier #8; session, adverse event; practitioner; lot numbers,
  which may fall under #13/#18) become pseudonyms: HMAC-SHA256 keyed with the pseudonym key
  (held outside the database, ``pseudonym_key``), truncated to 64 bits and prefixed (``P-``,
  ``S-``, ``E-``, ``R-``, ``L-``). The same key always gives the same pseudonym, so extracts
  taken at different times link up; without the key they cannot be reversed or recomputed
  from an MRN.
- Every date of one patient moves back by the same number of days, 1 to 364, derived from
  the HMAC of the patient id (REDCap's range, reference [38]; keyed per patient as in [39]),
  so intervals within a patient (sessions to outcome, onset to resolution, use after a
  lot's expiry) are kept exactly while the calendar dates are not the real ones. A lot's
  expiry moves with the patient whose injection it is, so "used after expiry" survives.
  Shifted full dates are not Safe Harbor on their own (reference §2, "Ours"): this
  extract is pseudonymised data for Expert Determination / GDPR-pseudonymised use, and the
  evidence report works on intervals.
- The quasi-identifiers (sex, birth year, height, first measured weight) are generalised
  into bands and the patients still in a class smaller than k are suppressed, every row of
  theirs in every file (``anonymity``). The spec's ``birth_year`` and ``height_cm`` columns
  hold exact values only, so in the extract they are left empty ("unknown", which the spec
  allows) and the bands go in ``x_birth_years``, ``x_height_cm`` and ``x_weight_kg`` of
  patients.csv (``x_`` columns are the spec's place for what it does not define).
- ``x_`` columns of the clinic's own are dropped: they are free text of unknown content
  (names, phone numbers, notes) that no scrubber can be trusted to clean, and reference §2
  says to leave free text out by default.
- Kept as they are: sex, codes, products, volumes, measurements (weights included: they are
  an outcome of the evidence report; see the residual risk in the docs), prices, protocol
  (a course name such as ``PC/DC 4x8w``).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
from typing import Any

from mesoclinic.registry.anonymity import (
    DEFAULT_K,
    MAX_SUPPRESSED_FRACTION,
    Generalisation,
    Traits,
    generalise,
)
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
MIN_KEY_BYTES = 16
BAND_COLUMNS = ("x_birth_years", "x_height_cm", "x_weight_kg")


def _digest(key: bytes, namespace: str, value: str) -> bytes:
    return hmac.new(key, f"{namespace}\x1f{value}".encode(), hashlib.sha256).digest()


def pseudonym(key: bytes, prefix: str, value: str) -> str:
    """A stable pseudonym such as ``P-3f9a0c1b2d4e5f60`` for ``value`` under ``key``."""
    return prefix + _digest(key, prefix, value).hex()[:PSEUDONYM_HEX]


def shift_days(key: bytes, patient_id: str) -> int:
    """How many days (1–364) this patient's dates move back; the same on every export."""
    number = int.from_bytes(_digest(key, "date-shift", patient_id)[:8], "big")
    return 1 + number % MAX_SHIFT_DAYS


def _shift(day: dt.date | None, days: int) -> dt.date | None:
    return None if day is None else day - dt.timedelta(days=days)


class _Pseudonyms:
    """Pseudonyms of one kind, refusing the (astronomically unlikely) collision."""

    def __init__(self, key: bytes, prefix: str) -> None:
        self.key = key
        self.prefix = prefix
        self.seen: dict[str, str] = {}

    def __call__(self, value: str | None) -> str | None:
        if value is None:
            return None
        alias = pseudonym(self.key, self.prefix, value)
        original = self.seen.setdefault(alias, value)
        if original != value:
            raise ValueError(f"pseudonym collision for prefix {self.prefix}; use a new key")
        return alias


def patient_traits(bundle: Bundle) -> dict[str, Traits]:
    """Each patient's quasi-identifiers; the weight is the first measured (earliest date)."""
    first_weight: dict[str, tuple[dt.date, Any]] = {}
    for row in bundle.rows[MEASUREMENTS.name]:
        values = row.values
        if values["kind"] != "weight_kg":
            continue
        seen = first_weight.get(values["patient_id"])
        if seen is None or (values["date"], values["value"]) < seen:
            first_weight[values["patient_id"]] = (values["date"], values["value"])
    return {
        row.values["patient_id"]: Traits(
            sex=row.values["sex"],
            birth_year=row.values["birth_year"],
            height_cm=row.values["height_cm"],
            weight_kg=first_weight[row.values["patient_id"]][1]
            if row.values["patient_id"] in first_weight
            else None,
        )
        for row in bundle.rows[PATIENTS.name]
    }


def deidentify(
    bundle: Bundle,
    key: bytes,
    today: dt.date,
    *,
    k: int = DEFAULT_K,
    max_suppressed_fraction: float = MAX_SUPPRESSED_FRACTION,
) -> tuple[Bundle, Generalisation]:
    """A de-identified copy of ``bundle`` with its quasi-identifiers generalised to ``k``.

    ``today`` fixes the export year for the "90 or older" group. Every row of a suppressed
    patient is left out of every file, so nothing in the copy refers to a missing row.
    """
    if len(key) < MIN_KEY_BYTES:
        raise ValueError(f"the pseudonym key must be at least {MIN_KEY_BYTES} bytes")
    chosen = generalise(
        patient_traits(bundle), today.year, k=k, max_suppressed_fraction=max_suppressed_fraction
    )
    gone = chosen.suppressed
    patient = _Pseudonyms(key, "P-")
    session = _Pseudonyms(key, "S-")
    event = _Pseudonyms(key, "E-")
    practitioner = _Pseudonyms(key, "R-")
    lots: dict[tuple[str, str], str] = {}
    shifts: dict[str, int] = {}

    def days(patient_id: str) -> int:
        if patient_id not in shifts:
            shifts[patient_id] = shift_days(key, patient_id)
        return shifts[patient_id]

    def lot_alias(product: str, lot: str | None) -> str | None:
        if lot is None:
            return None
        pair = (product, lot)
        if pair not in lots:
            lots[pair] = pseudonym(key, "L-", f"{product}\x1f{lot}")
        return lots[pair]

    out = Bundle()
    out.extra_columns[PATIENTS.name] = BAND_COLUMNS

    def add(file: str, values: dict[str, Any], patient_id: str, *dates: str) -> None:
        for column in dates:
            values[column] = _shift(values[column], days(patient_id))
        out.rows[file].append(BundleRow(values=values))

    session_patient: dict[str, str] = {}
    for row in bundle.rows[SESSIONS.name]:
        values = dict(row.values)
        pid = values["patient_id"]
        if pid in gone:
            continue
        session_patient[values["session_id"]] = pid
        values["session_id"] = session(values["session_id"])
        values["patient_id"] = patient(pid)
        values["practitioner_id"] = practitioner(values["practitioner_id"])
        add(SESSIONS.name, values, pid, "date")
    for row in bundle.rows[INJECTIONS.name]:
        values = dict(row.values)
        if values["session_id"] not in session_patient:
            continue  # a suppressed patient's session
        pid = session_patient[values["session_id"]]
        values["session_id"] = session(values["session_id"])
        values["lot"] = lot_alias(values["product"], values["lot"])
        values["expiry"] = _shift(values["expiry"], days(pid))
        out.rows[INJECTIONS.name].append(BundleRow(values=values))
    for row in bundle.rows[MEASUREMENTS.name]:
        values = dict(row.values)
        pid = values["patient_id"]
        if pid in gone:
            continue
        values["patient_id"] = patient(pid)
        add(MEASUREMENTS.name, values, pid, "date")
    for row in bundle.rows[ADVERSE_EVENTS.name]:
        values = dict(row.values)
        pid = values["patient_id"]
        if pid in gone:
            continue
        values["event_id"] = event(values["event_id"])
        values["patient_id"] = patient(pid)
        # An event is attributed to one of its own patient's sessions, so this stays kept.
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
        pid = row.values["patient_id"]
        if pid in gone:
            continue
        bands = chosen.banded[pid]
        values = {
            **row.values,
            "patient_id": patient(pid),
            "birth_year": None,
            "height_cm": None,
        }
        extra = dict(
            zip(BAND_COLUMNS, (bands.birth_years, bands.height_cm, bands.weight_kg), strict=True)
        )
        out.rows[PATIENTS.name].append(BundleRow(values=values, extra=extra))
    return out, chosen
