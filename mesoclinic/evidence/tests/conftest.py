"""Shared synthetic bundles for the evidence tests (fixed seeds, built once per module)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from mesoclinic.evidence.synthetic import SyntheticBundle, SyntheticConfig, generate

SEED = 20240611
HERE = Path(__file__).resolve().parent


@pytest.fixture(scope="session")
def bundle() -> SyntheticBundle:
    return generate(SyntheticConfig(), np.random.default_rng(SEED))


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Keep the default run fast: this folder's slow tests run only with ``-m slow``."""
    if "slow" in (config.getoption("markexpr") or ""):
        return
    skip = pytest.mark.skip(reason="slow statistical check: run with -m slow")
    for item in items:
        if "slow" in item.keywords and Path(str(item.path)).is_relative_to(HERE):
            item.add_marker(skip)
