"""Where the evidence report's rows come from: a clinic's records or a registry bundle.

A clinic's rows are those a registry export of that clinic would write
(``registry.exporter.clinic_rows``, which reaches every model through
``.for_clinic(clinic)``), so the report and the export never disagree on what a session or
a measurement is, and no other clinic's row can enter. ``patient_id`` there is the MRN: it
stays inside the engine (which reports counts only) and never reaches the output.
"""

from __future__ import annotations

from pathlib import Path

from mesoclinic.clinics.models import Clinic
from mesoclinic.evidence.columns import clinic_frames
from mesoclinic.evidence.figures import Tables
from mesoclinic.evidence.prices import dose_concentrations, fill_from_price_list
from mesoclinic.evidence.site_reader import default_today, registry_tables


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
    return registry_tables(path, today=clinic.today() if clinic is not None else default_today())
