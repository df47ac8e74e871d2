"""A seeded synthetic practice with a planted cost per responder (issue 16 part 3).

The weight-adjusted generator (``synthetic.py``) measures girth, which has no responder
definition; this one grades cellulite on the Hexsel scale (≥1-point fall = responder,
``responders.RULES``) so that the cost per responder has a planted truth:

- each patient has one course of ``k`` sessions (``session_shares`` over 3–6), each at
  ``session_price`` (or, for a share ``second_currency_share`` of patients, at
  ``second_price`` in ``second_currency``);
- a baseline grade on the first session's day and one 12 weeks after the last session (the
  primary window's target);
- the course responds with probability ``response_base + response_per_session × (k − 3)``:
  longer courses respond more often, as a practice would hope.

Truth (main currency): cost per responder = price × E[k] / P(response), and the naive figure
(mean cost of a responder's own course) = price × E[k | response]. Every number here is a
synthetic parameter, not a clinical claim.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from mesoclinic.evidence.synthetic import BASE_DATE

SESSION_COUNTS = np.array([3, 4, 5, 6])


@dataclass(frozen=True)
class PricedScaleConfig:
    n_patients: int = 400
    session_shares: tuple[float, float, float, float] = (0.25, 0.25, 0.25, 0.25)
    session_price: float = 120.0
    currency: str = "EUR"
    response_base: float = 0.25
    response_per_session: float = 0.1
    second_currency_share: float = 0.0
    second_price: float = 100.0
    second_currency: str = "GBP"


def planted_cost_per_responder(config: PricedScaleConfig) -> tuple[float, float]:
    """(cost per responder, mean cost of a responder's course) in the main currency."""
    shares = np.array(config.session_shares) / sum(config.session_shares)
    respond = config.response_base + config.response_per_session * (SESSION_COUNTS - 3)
    p = float((shares * respond).sum())
    mean_sessions = float((shares * SESSION_COUNTS).sum())
    sessions_given_response = float((shares * respond * SESSION_COUNTS).sum()) / p
    return config.session_price * mean_sessions / p, config.session_price * sessions_given_response


def generate_priced_scale(config: PricedScaleConfig, rng: np.random.Generator) -> dict[str, pd.DataFrame | None]:  # fmt: skip
    """The registry tables (patients, sessions, measurements, adverse_events) of one practice."""
    n = config.n_patients
    shares = np.array(config.session_shares) / sum(config.session_shares)
    k = rng.choice(SESSION_COUNTS, size=n, p=shares)
    respond = rng.random(n) < config.response_base + config.response_per_session * (k - 3)
    second = rng.random(n) < config.second_currency_share
    start = BASE_DATE + rng.integers(0, 365, n).astype("timedelta64[D]")
    pid = np.array([f"Q{i:05d}" for i in range(n)], dtype=object)
    patient, number = np.repeat(np.arange(n), k), np.concatenate([np.arange(m) for m in k])
    sessions = pd.DataFrame(
        {
            "session_id": [f"QS{i:06d}" for i in range(len(patient))],
            "patient_id": pid[patient],
            "date": start[patient] + (14 * number).astype("timedelta64[D]"),
            "indication": "cellulite",
            "area": "thigh_outer",
            "side": "left",
            "protocol": "synthetic priced course",
            "price": np.where(second[patient], config.second_price, config.session_price),
            "currency": np.where(second[patient], config.second_currency, config.currency).astype(
                object
            ),  # fmt: skip
        }
    )
    baseline = rng.integers(6, 13, n)
    fall = np.where(respond, rng.integers(1, 4, n), -rng.integers(0, 2, n))
    after = start + (14 * (k - 1) + 84).astype("timedelta64[D]")
    measurements = pd.DataFrame(
        {
            "patient_id": np.concatenate([pid, pid]),
            "date": np.concatenate([start, after]),
            "kind": "hexsel_css",
            "value": np.concatenate([baseline, baseline - fall]).astype(float),
            "area": "thigh_outer",
            "side": "left",
            "site_role": "",
            "rater": "",
        }
    )
    patients = pd.DataFrame({"patient_id": pid, "sex": "f", "birth_year": 1980})
    return {
        "patients": patients,
        "sessions": sessions,
        "measurements": measurements,
        "adverse_events": None,
    }
