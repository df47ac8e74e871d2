"""Coverage of the 95% intervals over 200 seeds (ADEMP, evidence-analytics.md §5).

Slow: run with ``pytest -m slow``. The Monte Carlo SE of a coverage of 0.95 over 200
replicates is about 1.5%, so [0.90, 0.99] allows for about three of them either side.
"""

from __future__ import annotations

import numpy as np
import pytest

from mesoclinic.evidence.engine.courses import build_dataset
from mesoclinic.evidence.engine.estimates import control_difference, per_session_effect
from mesoclinic.evidence.engine.tables import normalise
from mesoclinic.evidence.synthetic import SyntheticConfig, generate

REPLICATES = 200


@pytest.mark.slow
def test_it_covers_the_planted_effects_95_percent_of_the_time():
    # given 200 seeded bundles with a planted effect (-0.5 cm/session) and a null indication
    config = SyntheticConfig()
    planted = {a.indication: a.effect_cm_per_session for a in config.arms}
    hits = {(ind, figure): 0 for ind in planted for figure in ("adjusted", "control")}
    estimates = []
    for seed in range(REPLICATES):
        tables = normalise(**generate(config, np.random.default_rng(seed)).tables())
        for indication, truth in planted.items():
            dataset = build_dataset(tables, indication, None, "circumference_cm")
            # when the adjusted effect and the control-site difference are estimated
            effect, _, _ = per_session_effect(dataset)
            control, _ = control_difference(dataset)
            assert effect is not None
            assert control is not None
            hits[(indication, "adjusted")] += effect["ci95"][0] <= truth <= effect["ci95"][1]
            hits[(indication, "control")] += control["ci95"][0] <= truth <= control["ci95"][1]
            if indication == "localized_fat":
                estimates.append(effect["estimate"])
    coverage = {key: count / REPLICATES for key, count in hits.items()}
    print(f"coverage of the 95% intervals over {REPLICATES} seeds: {coverage}")  # noqa: T201
    # then every 95% interval covers the planted value 90–99% of the time
    for key, value in coverage.items():
        assert 0.90 <= value <= 0.99, (key, coverage)
    # and the adjusted estimate is close to unbiased (documented residual bias < 0.03)
    assert abs(np.mean(estimates) - planted["localized_fat"]) < 0.03
