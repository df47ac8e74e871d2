"""Shared synthetic bundles for the evidence tests (fixed seeds, built once per module)."""

from __future__ import annotations

import numpy as np
import pytest

from mesoclinic.evidence.synthetic import SyntheticBundle, SyntheticConfig, generate

SEED = 20240611


@pytest.fixture(scope="session")
def bundle() -> SyntheticBundle:
    return generate(SyntheticConfig(), np.random.default_rng(SEED))
