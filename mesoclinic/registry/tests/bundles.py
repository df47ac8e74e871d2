"""A small valid bundle, as CSV text, for the registry tests to copy and break one cell at a time."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

# The day the tests treat as "today" for the pure reader.
TODAY = dt.date(2025, 6, 30)

VALID: dict[str, str] = {
    "patients.csv": (
        "patient_id,sex,birth_year,height_cm,x_note\n"
        'P1,f,1980,165.5,"prefers mornings, ""quiet"" room"\n'
        "P2,m,1975,,\n"
    ),
    "sessions.csv": (
        "session_id,patient_id,date,indication,area,side,protocol,practitioner_id,price,currency\n"
        "S1,P1,2024-03-01,cellulite,thigh_outer,left,PC/DC 4x8w,DR1,120.00,EUR\n"
        "S1,P1,2024-03-01,cellulite,thigh_outer,right,PC/DC 4x8w,DR1,120,EUR\n"
        "S2,P2,2024-04-02,submental_fat,submental,midline,,,,\n"
    ),
    "injections.csv": (
        "session_id,area,product,lot,expiry,volume_ml,points,depth_mm,technique\n"
        "S1,thigh_outer,Lipo PC,L100,2024-01-31,4.50,20,6,papule\n"
        "S2,submental,DCA 1%,D7,2025-12-31,1.0,10,,point\n"
    ),
    "measurements.csv": (
        "patient_id,date,kind,value,area,side,site_role,rater\n"
        "P1,2024-03-01,weight_kg,70.2,,,,\n"
        "P1,2024-03-01,pcss,3,thigh_outer,left,treated,clinician\n"
    ),
    "adverse_events.csv": (
        "event_id,patient_id,session_id,type,onset_date,resolved_date,last_seen_unresolved,severity,serious\n"
        "E1,P1,S1,bruising,2024-03-02,2024-03-09,2024-03-05,mild,false\n"
    ),
}


def sources(**changes: str | None) -> dict[str, bytes]:
    """The valid bundle with some files replaced (``None`` removes the file)."""
    files: dict[str, str | None] = {**VALID}
    for key, text in changes.items():
        files[key.replace("__", ".")] = text
    return {name: text.encode() for name, text in files.items() if text is not None}


def write_folder(folder: Path, **changes: str | None) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name, data in sources(**changes).items():
        (folder / name).write_bytes(data)
    return folder
