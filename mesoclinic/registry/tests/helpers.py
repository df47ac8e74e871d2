"""Running the registry commands in tests and counting what they wrote."""

from __future__ import annotations

from io import StringIO
from pathlib import Path

from django.core.management import call_command

from mesoclinic.audit.models import AuditEvent
from mesoclinic.formulary.models import Lot, Product
from mesoclinic.outcomes.models import Measurement
from mesoclinic.patients.models import Patient
from mesoclinic.safety.models import AdverseEvent
from mesoclinic.treatments.models import Injection, SessionArea, TreatmentSession

MODELS = (
    Patient,
    TreatmentSession,
    SessionArea,
    Injection,
    Measurement,
    AdverseEvent,
    Product,
    Lot,
    AuditEvent,
)


def row_counts() -> dict[str, int]:
    """Rows in every table an import may write, across all clinics."""
    return {model.__name__: model._default_manager.count() for model in MODELS}


def run(command: str, path: Path, clinic: str, *flags: str) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command(command, str(path), *flags, clinic=clinic, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def run_import(path: Path, clinic: str) -> tuple[str, str]:
    return run("import_registry", path, clinic)


def run_export(path: Path, clinic: str, *flags: str) -> tuple[str, str]:
    return run("export_registry", path, clinic, *flags)


def folder_bytes(folder: Path) -> dict[str, bytes]:
    return {path.name: path.read_bytes() for path in sorted(folder.iterdir())}
