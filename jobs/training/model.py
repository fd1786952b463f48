"""The model: a null filler and a random forest in one scikit-learn pipeline, its calibration and
its decision threshold.

- Nulls (first loans have no average of previous loans; pensioners and later job starts have no
  years on the job) become -1, a value no feature can take (all are >= 0), inside the pipeline,
  so the saved model, its ONNX form and therefore serving fill them identically.
- Imbalance (about 1.5 % defaults): class weights inversely proportional to class frequencies in
  each tree's bootstrap sample of the *training* rows (`balanced_subsample`); nothing is resampled.
- Weighted trees over-state the default rate, so the forest's score is calibrated (Platt scaling
  on its logit) on the validation slice: the served `probability_of_default` is a probability.
- The decision threshold maximises F-beta (F1 by default) of the validation slice.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

import numpy as np
import pandas as pd
from sklearn.ensemble import RandomForestClassifier
from sklearn.impute import SimpleImputer
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import precision_recall_curve
from sklearn.pipeline import Pipeline

from jobs.schema import FEATURES, TARGET

NULL_FILL = -1.0
FOREST_STEP = "forest"
# Forest scores are clipped away from 0 and 1 before the logit of the calibration.
SCORE_CLIP = 1e-6


@dataclass(frozen=True)
class Calibration:
    """Platt scaling on the logit of the forest's score: the score -> probability of default.

    export.py compiles the same formula into the ONNX graph; the training job checks they agree.
    """

    slope: float
    intercept: float

    def apply(self, scores: np.ndarray) -> np.ndarray:
        linear = self.slope * score_logit(scores) + self.intercept
        result: np.ndarray = 1.0 / (1.0 + np.exp(-linear))
        return result


def score_logit(scores: np.ndarray) -> np.ndarray:
    """The logit of forest scores, clipped away from 0 and 1 (the calibration's input)."""
    clipped = np.clip(scores, SCORE_CLIP, 1.0 - SCORE_CLIP)
    result: np.ndarray = np.log(clipped) - np.log1p(-clipped)
    return result


@dataclass(frozen=True)
class ForestParams:
    """The forest's hyperparameters (the training job's `--n-estimators` and friends)."""

    # 50 trees rank the holdout as well as 200 did (98.5-99 % of the oracle's ROC-AUC at full
    # size) in a quarter of the fitting time (docs/training.md, tuning).
    n_estimators: int = 50
    max_depth: int | None = 12
    # A fraction of the training rows (or a count): leaves of 0.3 % of the rows keep the forest's
    # steps small and its scores smooth at every data size (docs/training.md, tuning).
    min_samples_leaf: int | float = 0.003
    max_features: str | int | float | None = "sqrt"
    # Each tree's bootstrap sample draws 20 % of the training rows: faster, no worse; smaller
    # samples lose quality on small files (under 3,000 users).
    max_samples: float | None = 0.2
    class_weight: str | None = "balanced_subsample"
    random_state: int = 0

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def features_matrix(frame: pd.DataFrame) -> np.ndarray:
    """The five features in model order as float64, NaN for nulls."""
    return frame.loc[:, list(FEATURES)].to_numpy(dtype=np.float64, na_value=np.nan)


def labels(frame: pd.DataFrame) -> np.ndarray:
    return frame[TARGET].to_numpy(dtype=np.int64)


def build_pipeline(params: ForestParams, n_jobs: int | None = None) -> Pipeline:
    forest = RandomForestClassifier(
        n_estimators=params.n_estimators,
        max_depth=params.max_depth,
        min_samples_leaf=params.min_samples_leaf,
        max_features=params.max_features,
        max_samples=params.max_samples,
        class_weight=params.class_weight,
        random_state=params.random_state,
        n_jobs=n_jobs,
    )
    # keep_empty_features: a column that is all null in a small file must stay a column.
    imputer = SimpleImputer(strategy="constant", fill_value=NULL_FILL, keep_empty_features=True)
    return Pipeline([("fill_nulls", imputer), (FOREST_STEP, forest)])


def fit_forest(frame: pd.DataFrame, params: ForestParams, n_jobs: int | None) -> Pipeline:
    """Fit on the training rows; the returned pipeline predicts on one thread (serving-like)."""
    y = labels(frame)
    if len(np.unique(y)) < 2:
        raise ValueError(
            f"the training rows ({len(y)}) hold only one class; need defaults and non-defaults"
        )
    pipeline = build_pipeline(params, n_jobs).fit(features_matrix(frame), y)
    pipeline.set_params(**{f"{FOREST_STEP}__n_jobs": None})
    return pipeline


def forest_scores(pipeline: Pipeline, rows: np.ndarray) -> np.ndarray:
    """The forest's (uncalibrated) probability of class 1."""
    return np.asarray(pipeline.predict_proba(rows)[:, 1], dtype=np.float64)


def fit_calibration(scores: np.ndarray, y: np.ndarray) -> Calibration:
    """Platt scaling: a logistic regression of the label on the logit of the forest's score."""
    _require_both_classes(y, "calibrate the forest's scores")
    regression = LogisticRegression(C=1e6, max_iter=1000)
    regression.fit(score_logit(scores).reshape(-1, 1), y)
    return Calibration(
        slope=float(regression.coef_[0, 0]), intercept=float(regression.intercept_[0])
    )


def choose_threshold(probabilities: np.ndarray, y: np.ndarray, beta: float = 1.0) -> float:
    """The probability threshold with the highest F-beta on these rows (the lowest on ties).

    A row is declined when its probability is at or above the threshold.
    """
    if beta <= 0:
        raise ValueError(f"beta must be positive, got {beta}")
    _require_both_classes(y, "choose a decision threshold")
    precision, recall, thresholds = precision_recall_curve(y, probabilities)
    # The last (precision 1, recall 0) point has no threshold.
    precision, recall = precision[:-1], recall[:-1]
    weight = beta**2
    denominator = weight * precision + recall
    f_beta = np.divide(
        (1 + weight) * precision * recall,
        denominator,
        out=np.zeros_like(denominator),
        where=denominator > 0,
    )
    return float(thresholds[int(np.argmax(f_beta))])


def calibrate_and_choose_threshold(
    pipeline: Pipeline, validation: pd.DataFrame, beta: float
) -> tuple[Calibration, float]:
    """Calibrate on the validation slice, then choose the F-beta threshold on its probabilities."""
    y = labels(validation)
    scores = forest_scores(pipeline, features_matrix(validation))
    calibration = fit_calibration(scores, y)
    return calibration, choose_threshold(calibration.apply(scores), y, beta)


def feature_importances(pipeline: Pipeline) -> dict[str, float]:
    """The forest's impurity-based importances by feature name."""
    forest: RandomForestClassifier = pipeline.named_steps[FOREST_STEP]
    return {
        name: float(value)
        for name, value in zip(FEATURES, forest.feature_importances_, strict=True)
    }


def _require_both_classes(y: np.ndarray, purpose: str) -> None:
    positives = int(np.sum(y))
    if positives == 0 or positives == len(y):
        raise ValueError(
            f"cannot {purpose}: the validation slice ({len(y)} rows) has {positives} default(s); "
            "it needs both defaults and non-defaults (use more data or a larger "
            "--validation-fraction)"
        )
