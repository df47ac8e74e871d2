"""The profiled-REML random-intercept solver against statsmodels MixedLM."""

from __future__ import annotations

import warnings

import numpy as np
import pytest
from statsmodels.regression.mixed_linear_model import MixedLM

from mesoclinic.evidence.engine.courses import build_dataset
from mesoclinic.evidence.engine.estimates import design, model_frame
from mesoclinic.evidence.engine.lmm import fit_random_intercept
from mesoclinic.evidence.engine.tables import normalise
from mesoclinic.evidence.synthetic import SyntheticConfig, generate


@pytest.fixture(scope="module")
def small_model():
    bundle = generate(SyntheticConfig(n_patients=150), np.random.default_rng(11))
    dataset = build_dataset(normalise(**bundle.tables()), "localized_fat", None, "circumference_cm")  # fmt: skip
    frame, _ = model_frame(dataset)
    x, names = design(frame)
    return frame["y"].to_numpy(), x, frame["group"].to_numpy(), names, frame["patient"].to_numpy()  # fmt: skip


def test_it_matches_statsmodels_mixedlm_on_a_small_dataset(small_model):
    # given the report's model on a small synthetic dataset
    y, x, groups, names, patients = small_model
    # when both fit it by REML with a random intercept per patient
    ours = fit_random_intercept(y, x, groups, names, patients)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        reference = MixedLM(y, x, groups=groups).fit(reml=True)
    # then estimates, standard errors and variance components agree to 1e-3
    assert ours.converged
    assert reference.converged
    np.testing.assert_allclose(ours.params, reference.fe_params, atol=1e-3)
    np.testing.assert_allclose(np.sqrt(np.diag(ours.cov_model)), reference.bse_fe, atol=1e-3)
    assert ours.scale == pytest.approx(reference.scale, rel=1e-3)
    # variance components: statsmodels stops its optimiser at ~1e-4 relative precision
    assert ours.group_var == pytest.approx(float(np.asarray(reference.cov_re)[0, 0]), rel=1e-3)
    assert ours.reml_loglike == pytest.approx(reference.llf, abs=1e-3)


def test_it_reports_a_rank_deficient_design_as_not_converged():
    # given a design whose sessions column duplicates another column
    rng = np.random.default_rng(3)
    groups = np.repeat(np.arange(30), 4)
    sessions = np.tile(np.arange(4.0), 30)
    x = np.column_stack([np.ones(120), sessions, 2 * sessions])
    # when it is fitted
    fit = fit_random_intercept(rng.normal(size=120), x, groups, ("Intercept", "a", "b"))
    # then no number is returned, with the reason
    assert not fit.converged
    assert "rank-deficient" in fit.message
    assert np.isnan(fit.params).all()


def test_it_puts_a_zero_patient_variance_on_the_boundary():
    # given data with no patient-level variation at all, only residual noise
    rng = np.random.default_rng(4)
    groups = np.repeat(np.arange(200), 5)
    x = np.column_stack([np.ones(1000), np.tile(np.arange(5.0), 200)])
    y = 1.0 - 0.5 * x[:, 1] + rng.normal(size=1000)
    # when it is fitted
    fit = fit_random_intercept(y, x, groups, ("Intercept", "sess"))
    # then the fit converges with (almost) no patient variance and the slope is recovered
    assert fit.converged
    assert fit.group_var < 0.05
    assert fit.params[1] == pytest.approx(-0.5, abs=0.05)


def test_it_widens_the_robust_interval_when_the_response_varies_between_patients():
    # given a per-session effect that varies between patients (a random slope)
    rng = np.random.default_rng(9)
    groups = np.repeat(np.arange(300), 6)
    sess = np.tile(np.arange(6.0), 300)
    slope = -0.5 + 0.4 * rng.standard_normal(300)
    y = rng.normal(0, 3, 300)[groups] + slope[groups] * sess + rng.normal(size=1800)
    # when the random-intercept model is fitted
    fit = fit_random_intercept(y, np.column_stack([np.ones(1800), sess]), groups, ("Intercept", "sess"))  # fmt: skip
    # then the cluster-robust standard error is wider than the model-based one
    assert fit.se_robust("sess") > 1.5 * fit.se_model("sess")
