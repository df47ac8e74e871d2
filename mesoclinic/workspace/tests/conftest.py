"""Products, lots and a draft session for the Today and chart tests, shared with the treatment
tests."""

from __future__ import annotations

from mesoclinic.treatments.tests.conftest import (  # noqa: F401
    draft,
    lido_lot,
    lidocaine,
    pcdc,
    pcdc_lot,
)
