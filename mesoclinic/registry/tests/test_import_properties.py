"""Laws of the import as the bulk writer keeps them, over many generated bundles: an import
then an export gives the bundle back byte for byte (when every file has rows), and a second import adds nothing."""

from __future__ import annotations

import itertools
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from mesoclinic.clinics.models import Clinic
from mesoclinic.registry.bundle_writer import write_bundle
from mesoclinic.registry.services import export_registry, import_registry
from mesoclinic.registry.synthetic import generate_bundle
from mesoclinic.registry.tests.helpers import folder_bytes

pytestmark = pytest.mark.django_db

_clinics = itertools.count()


@settings(
    max_examples=8,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(seed=st.integers(0, 100_000), patients=st.integers(1, 12))
def test_it_exports_what_it_imported_and_adds_nothing_the_second_time(
    riverside: Clinic, seed: int, patients: int
) -> None:
    # given a generated bundle, and a clinic of its own beside one with earlier imports
    clinic = Clinic.objects.create(slug=f"prop-{next(_clinics)}", name="Property clinic")
    with tempfile.TemporaryDirectory() as tmp:
        source = Path(tmp) / "source"
        bundle = generate_bundle(seed=seed, patients=patients)
        # A header-only x_ column has no row to keep it, so no export can give it back.
        assume(all(bundle.rows.values()))
        write_bundle(bundle, source)
        import_registry(source, riverside)
        # when it is imported into the clinic, then exported
        first = import_registry(source, clinic)
        export_registry(Path(tmp) / "out", clinic)
        again = import_registry(source, clinic)
        # then the export is the bundle, and the second import created nothing
        assert folder_bytes(Path(tmp) / "out") == folder_bytes(source)
        assert first.changed_anything
        assert not again.changed_anything
