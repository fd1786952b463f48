"""The model's parts: null handling inside the pipeline, calibration and the threshold rule."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.metrics import fbeta_score

from jobs.schema import FEATURES
from jobs.training import cli
from jobs.training.model import (
    NULL_FILL,
    Calibration,
    ForestParams,
    build_pipeline,
    choose_threshold,
    features_matrix,
    fit_calibration,
    fit_forest,
    forest_scores,
)


def test_fit_forest_scores_nulls_as_the_fill_value(feature_frame):
    pipeline = fit_forest(feature_frame, ForestParams(n_estimators=10, min_samples_leaf=5), 1)
    rows = features_matrix(feature_frame.head(200))
    assert np.isnan(rows).any()
    filled = np.where(np.isnan(rows), NULL_FILL, rows)
    np.testing.assert_array_equal(forest_scores(pipeline, rows), forest_scores(pipeline, filled))
    # Predicting on one thread, as served: no process pool per request.
    assert pipeline.named_steps["forest"].n_jobs is None


def test_fit_forest_refuses_a_single_class(feature_frame):
    with pytest.raises(ValueError, match="only one class"):
        fit_forest(feature_frame.assign(status=0), ForestParams(n_estimators=2), 1)


def test_fit_calibration_recovers_a_known_platt_mapping():
    rng = np.random.default_rng(3)
    scores = rng.uniform(0.01, 0.99, 200_000)
    truth = Calibration(slope=1.3, intercept=-2.0)
    y = (rng.random(len(scores)) < truth.apply(scores)).astype(int)
    fitted = fit_calibration(scores, y)
    assert fitted.slope == pytest.approx(1.3, abs=0.05)
    assert fitted.intercept == pytest.approx(-2.0, abs=0.05)


def test_calibration_is_increasing_and_bounded():
    calibration = Calibration(slope=0.8, intercept=-3.0)
    scores = np.array([0.0, 1e-9, 0.1, 0.5, 0.9, 1.0])
    probabilities = calibration.apply(scores)
    assert np.all(np.diff(probabilities) >= 0)
    assert np.all((probabilities > 0) & (probabilities < 1))


def test_choose_threshold_maximises_f_beta_among_all_cut_points():
    rng = np.random.default_rng(5)
    y = (rng.random(3000) < 0.05).astype(int)
    probabilities = np.clip(0.05 + 0.1 * y + rng.normal(0, 0.06, len(y)), 0, 1)
    declined = probabilities[None, :] >= np.unique(probabilities)[:, None]  # every cut point
    tp = (declined & (y == 1)).sum(axis=1)
    precision = tp / declined.sum(axis=1)
    recall = tp / y.sum()
    for beta in (0.5, 1.0, 2.0):
        with np.errstate(invalid="ignore"):
            f_beta = (1 + beta**2) * precision * recall / (beta**2 * precision + recall)
        threshold = choose_threshold(probabilities, y, beta)
        achieved = fbeta_score(y, probabilities >= threshold, beta=beta)
        assert achieved == pytest.approx(np.nanmax(f_beta))


def test_choose_threshold_needs_defaults_in_the_validation_slice():
    with pytest.raises(ValueError, match="has 0 default"):
        choose_threshold(np.array([0.1, 0.2]), np.array([0, 0]))


def test_fit_forest_learns_from_the_five_features_only(feature_frame):
    params = ForestParams(n_estimators=10, min_samples_leaf=5)
    pipeline = fit_forest(feature_frame, params, 1)
    assert pipeline.named_steps["forest"].n_features_in_ == len(FEATURES)
    # Identifiers carry no signal and must never reach the model: scrambling them changes nothing.
    rng = np.random.default_rng(0)
    scrambled = feature_frame.assign(
        id=rng.permutation(feature_frame["id"].to_numpy()),
        loan_id=rng.permutation(feature_frame["loan_id"].to_numpy()),
    )
    rows = features_matrix(feature_frame)
    np.testing.assert_array_equal(
        forest_scores(pipeline, rows), forest_scores(fit_forest(scrambled, params, 1), rows)
    )


def test_the_default_forest_weights_classes_per_bootstrap_sample():
    assert ForestParams().class_weight == "balanced_subsample"
    forest = build_pipeline(ForestParams()).named_steps["forest"]
    assert forest.class_weight == "balanced_subsample"
    assert cli.forest_params(cli.parse_args([], {})).class_weight == "balanced_subsample"
