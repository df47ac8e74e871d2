"""What a clinic has recorded, as registry bundle rows with the database keys an import needs
(pure data, no Django import).

``exporter.clinic_rows`` fills it from the database; an export writes its rows, and the
import's planner (``importer.plan_import``) compares a bundle against these same rows, so
"already there" means exactly "an export would write this row".
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from mesoclinic.registry.bundle_format import (
    ADVERSE_EVENTS,
    INJECTIONS,
    MEASUREMENTS,
    PATIENTS,
    SESSIONS,
)
from mesoclinic.registry.bundle_model import Bundle, BundleRow

# A lot is named by its product's name and its number, in a bundle as in the formulary.
LotKey = tuple[str, str]


@dataclass
class SessionRecord:
    pk: int
    patient_pk: int
    signed: bool
    shared: dict[str, Any]
    rows: dict[tuple[str, str], BundleRow] = field(default_factory=dict)


@dataclass
class ClinicRows:
    """What an export of the clinic holds, with the database keys the importer needs."""

    patients: dict[str, tuple[int, BundleRow]] = field(default_factory=dict)
    sessions: dict[str, SessionRecord] = field(default_factory=dict)
    injections: list[BundleRow] = field(default_factory=list)
    measurements: list[BundleRow] = field(default_factory=list)
    events: dict[str, tuple[int, BundleRow]] = field(default_factory=dict)
    # For the importer: product name -> pk; (product name, lot number) -> (lot pk, expiry date)
    products: dict[str, int] = field(default_factory=dict)
    lots: dict[LotKey, tuple[int, dt.date | None]] = field(default_factory=dict)
    skipped_sessions: int = 0

    def bundle(self) -> Bundle:
        bundle = Bundle()
        bundle.rows[PATIENTS.name] = [row for _, row in self.patients.values()]
        bundle.rows[SESSIONS.name] = [
            row for record in self.sessions.values() for row in record.rows.values()
        ]
        bundle.rows[INJECTIONS.name] = list(self.injections)
        bundle.rows[MEASUREMENTS.name] = list(self.measurements)
        bundle.rows[ADVERSE_EVENTS.name] = [row for _, row in self.events.values()]
        return bundle
