"""Products, lots and a draft session, shared with the treatment tests."""

from __future__ import annotations

from mesoclinic.treatments.tests.conftest import (  # noqa: F401
    draft,
    lido_lot,
    lidocaine,
    line_form,
    pcdc,
    pcdc_lot,
    ready,
)
