"""The fast path (ONNX Runtime) must give scikit-learn's probabilities, within 1e-6, everywhere:
on realistic rows with nulls, and exactly at, just above and just below every split threshold,
where float32/float64 rounding decides which branch a value takes."""

from __future__ import annotations

import json

import joblib
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sklearn.base import clone

from jobs.schema import FEATURES
from jobs.training.export import PARITY_TOLERANCE, ParityError, check_parity
from jobs.training.inference import model_fn
from jobs.training.model import FOREST_STEP, Calibration, features_matrix


@pytest.fixture(scope="module")
def pipeline(trained_model):
    return joblib.load(trained_model.model_dir / "model.joblib")


@pytest.fixture(scope="module")
def served(trained_model):
    return model_fn(str(trained_model.model_dir))


@pytest.fixture(scope="module")
def calibration(trained_model):
    metadata = json.loads((trained_model.model_dir / "metadata.json").read_text())
    return Calibration(**metadata["calibration"])


def test_onnx_equals_sklearn_on_thousands_of_rows_with_nulls(
    pipeline, served, calibration, feature_frame
):
    rng = np.random.default_rng(1)
    rows = features_matrix(feature_frame.sample(5000, replace=True, random_state=1))
    rows[:, 1] *= rng.uniform(0.9, 1.1, len(rows))  # amounts between the training values
    rows[rng.random(len(rows)) < 0.2, 1] = np.nan
    rows[rng.random(len(rows)) < 0.2, 3] = np.nan
    assert np.isnan(rows).any(axis=1).sum() > 1000
    np.testing.assert_allclose(
        served.forest_scores(rows),
        pipeline.predict_proba(rows)[:, 1],
        atol=PARITY_TOLERANCE,
        rtol=0,
    )
    np.testing.assert_allclose(
        served.predict_proba(rows),
        calibration.apply(pipeline.predict_proba(rows)[:, 1]),
        atol=PARITY_TOLERANCE,
        rtol=0,
    )


def split_thresholds(pipeline):
    """The distinct (feature index, threshold) pairs of the forest's split nodes."""
    pairs = set()
    for tree in pipeline.named_steps[FOREST_STEP].estimators_:
        split = tree.tree_.feature >= 0
        pairs.update(
            zip(
                tree.tree_.feature[split].tolist(),
                tree.tree_.threshold[split].tolist(),
                strict=True,
            )
        )
    return sorted(pairs)


def neighbours(threshold: float) -> list[float]:
    """The threshold, its float64 neighbours, and the float32 values around it."""
    as_float32 = np.float32(threshold)
    candidates = [
        threshold,
        np.nextafter(threshold, np.inf),
        np.nextafter(threshold, -np.inf),
        float(as_float32),
        float(np.nextafter(as_float32, np.float32(np.inf))),
        float(np.nextafter(as_float32, np.float32(-np.inf))),
    ]
    return [float(value) for value in candidates]


def test_onnx_routes_values_at_every_split_threshold_as_sklearn(pipeline, served, feature_frame):
    base = features_matrix(feature_frame.head(1).fillna(1.0))[0]
    rows = []
    for feature, threshold in split_thresholds(pipeline):
        for value in neighbours(float(threshold)):
            row = base.copy()
            row[feature] = value
            rows.append(row)
    rows_array = np.array(rows)
    assert len(rows_array) > 1000
    differences = np.abs(
        served.forest_scores(rows_array) - pipeline.predict_proba(rows_array)[:, 1]
    )
    assert differences.max() <= PARITY_TOLERANCE


@pytest.fixture(scope="module")
def thresholds_by_feature(pipeline):
    pairs = split_thresholds(pipeline)
    return [[t for f, t in pairs if f == index] or [0.0] for index in range(len(FEATURES))]


@settings(max_examples=150, deadline=None)
@given(data=st.data())
def test_onnx_equals_sklearn_for_any_row(pipeline, served, thresholds_by_feature, data):
    row = []
    for index, name in enumerate(FEATURES):
        near_split = thresholds_by_feature[index]
        value = data.draw(
            st.one_of(
                st.floats(0, 1000, allow_nan=False),
                st.sampled_from(near_split)
                .map(lambda t: neighbours(float(t)))
                .flatmap(st.sampled_from),
                st.none()
                if name in ("avg_amount_loans_previous", "years_on_the_job")
                else st.nothing(),
            )
        )
        row.append(np.nan if value is None else value)
    rows = np.array([row])
    assert (
        abs(served.forest_scores(rows)[0] - pipeline.predict_proba(rows)[0, 1]) <= PARITY_TOLERANCE
    )


def test_check_parity_refuses_a_model_that_serves_other_numbers(
    pipeline, served, calibration, feature_frame
):
    rows = features_matrix(feature_frame)
    answered = served.scores_and_probabilities(rows)
    assert check_parity(pipeline, calibration, rows, *answered) <= PARITY_TOLERANCE
    shifted = Calibration(calibration.slope, calibration.intercept + 0.01)
    with pytest.raises(ParityError, match="differ by up to"):
        check_parity(pipeline, shifted, rows, *answered)
    other = clone(pipeline).set_params(forest__random_state=99)
    other.fit(rows, feature_frame["status"].to_numpy())
    with pytest.raises(ParityError, match="differ by up to"):
        check_parity(other, calibration, rows, *answered)
