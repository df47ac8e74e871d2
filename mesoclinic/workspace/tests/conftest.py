"""Products and lots for the Today tests, shared with the treatment tests."""

from __future__ import annotations

from mesoclinic.treatments.tests.conftest import (  # noqa: F401
    lido_lot,
    lidocaine,
    pcdc,
    pcdc_lot,
)
