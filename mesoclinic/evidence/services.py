"""Where the evidence report's rows come from: a clinic's records or a registry bundle.

A clinic's rows are those a registry export of that clinic would write
(``registry.exporter.clinic_rows``, which reaches every model through
``.for_clinic(clinic)``), so the report and the export never disagree on what a session or
a measurement is, and no other clinic's row can enter. ``patient_id`` there is the MRN: it
stays inside the engine (which reports counts only) and never reaches the output.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from mesoclinic.clinics.models import Clinic
from mesoclinic.evidence.columns import clinic_frames
from mesoclinic.evidence.figures import Tables
from mesoclinic.evidence.prices import dose_concentrations, fill_from_price_list
from mesoclinic.registry.bundle_format import (
    ADVERSE_EVENTS,
    INJECTIONS,
    MEASUREMENTS,
    PATIENTS,
    SESSIONS,
)
from mesoclinic.registry.bundle_model import Bundle
from mesoclinic.registry.bundle_reader import read_bundle


def _tables(bundle: Bundle) -> Tables:
    def values(name: str) -> list[dict[str, object]]:
        return [dict(row.values) for row in bundle.rows.get(name, [])]

    return Tables(values(PATIENTS.name), values(SESSIONS.name), values(MEASUREMENTS.name), values(ADVERSE_EVENTS.name), values(INJECTIONS.name))  # fmt: skip


def clinic_tables(clinic: Clinic) -> Tables:
    """The clinic's own records, and nothing of any other clinic (the export's rows, read
    column by column: ``columns.clinic_frames``), with the prices and concentrations of
    ``prices.py`` for the cost and dose figures."""
    frames = clinic_frames(clinic)
    frames["sessions"] = fill_from_price_list(frames["sessions"], clinic)
    tables = Tables(**frames)
    tables.dose_mg = dose_concentrations(clinic)
    return tables


def bundle_tables(path: str | Path, clinic: Clinic | None = None) -> Tables:
    """A registry bundle (folder or .zip), validated as the importer does; ValueError lists
    the first errors when it is not valid."""
    # Without a clinic, "not in the future" allows the earliest time zone ahead of UTC.
    today = clinic.today() if clinic is not None else dt.datetime.now(dt.UTC).date() + dt.timedelta(days=1)  # fmt: skip
    result = read_bundle(path, today=today)
    if not result.ok:
        shown = "; ".join(str(e) for e in result.errors[:5])
        more = f" (and {len(result.errors) - 5} more)" if len(result.errors) > 5 else ""
        raise ValueError(f"--bundle: not a valid registry bundle: {shown}{more}")
    return _tables(result.bundle)
