"""What the FHIR tests share: exporting a clinic and reading the NDJSON back, and the R4 check."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import fhir.resources
from fhir.resources import construct_fhir_element

from mesoclinic.clinics.models import Clinic
from mesoclinic.fhir.export import export_fhir

UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")


def export(path: Path, clinic: Clinic, **options: Any) -> dict[str, list[dict[str, Any]]]:
    """Export ``clinic`` into ``path`` and read every file back: resources by type."""
    export_fhir(path, clinic, **options)
    out: dict[str, list[dict[str, Any]]] = {}
    for file in sorted(path.glob("*.ndjson")):
        with file.open(encoding="utf-8") as lines:
            out[file.stem] = [json.loads(line) for line in lines]
    return out


def every(resources: dict[str, list[dict[str, Any]]]) -> Iterator[dict[str, Any]]:
    for rows in resources.values():
        yield from rows


def r4_errors(resource: dict[str, Any]) -> str | None:
    """None when ``resource`` is valid R4 (4.0.1) by fhir.resources, else the error."""
    assert fhir.resources.__fhir_version__ == "4.0.1"
    try:
        construct_fhir_element(resource["resourceType"], resource)
    except Exception as error:  # pydantic's ValidationError, or an unknown resourceType
        return str(error)
    return None


def references(value: Any) -> Iterator[str]:
    """Every ``reference`` string anywhere in a resource."""
    if isinstance(value, dict):
        for key, item in value.items():
            if key == "reference" and isinstance(item, str):
                yield item
            else:
                yield from references(item)
    elif isinstance(value, list):
        for item in value:
            yield from references(item)
