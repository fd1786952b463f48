"""Holdout metrics against hand-computed values and the trivial baseline."""

from __future__ import annotations

import numpy as np
import pytest

from jobs.schema import FEATURES
from jobs.training.evaluate import holdout_metrics, permutation_importances


def test_holdout_metrics_match_a_hand_computed_example():
    y = np.array([0, 0, 0, 0, 0, 0, 1, 1, 0, 1])
    p = np.array([0.01, 0.02, 0.03, 0.04, 0.30, 0.05, 0.40, 0.06, 0.07, 0.50])
    metrics = holdout_metrics(y, p, threshold=0.30, train_positive_rate=0.2)
    # Declined (p >= 0.30): rows 4 (repaid), 6 and 9 (defaulted).
    assert metrics["confusion_matrix"] == {"tn": 6, "fp": 1, "fn": 1, "tp": 2}
    assert metrics["precision"] == pytest.approx(2 / 3)
    assert metrics["recall"] == pytest.approx(2 / 3)
    assert metrics["f1"] == pytest.approx(2 / 3)
    assert metrics["decline_rate"] == pytest.approx(0.3)
    assert metrics["positive_rate"] == pytest.approx(0.3)
    # 21 positive-negative pairs; the defaulter at 0.06 ranks below 0.30 and 0.07 only.
    assert metrics["roc_auc"] == pytest.approx(19 / 21)
    assert metrics["baseline_roc_auc"] == 0.5
    assert metrics["baseline_pr_auc"] == pytest.approx(0.3)
    assert metrics["baseline_brier_score"] == pytest.approx(np.mean((0.2 - y) ** 2))
    assert metrics["threshold"] == 0.30


def test_holdout_metrics_need_both_classes():
    with pytest.raises(ValueError, match=r"holdout .* has 0 default"):
        holdout_metrics(np.zeros(5, dtype=int), np.linspace(0, 1, 5), 0.5, 0.1)


def test_permutation_importances_credit_only_the_feature_the_scores_use():
    rng = np.random.default_rng(0)
    rows = rng.normal(size=(4000, len(FEATURES)))
    y = (rows[:, 2] + rng.normal(0, 0.5, len(rows)) > 1).astype(int)
    importances = permutation_importances(lambda x: x[:, 2], rows, y, seed=0)
    assert list(importances) == list(FEATURES)
    assert importances["age"] > 0.3
    others = [value for name, value in importances.items() if name != "age"]
    assert max(abs(value) for value in others) == 0.0


def test_permutation_importances_score_at_most_max_rows_rows():
    rng = np.random.default_rng(1)
    rows = rng.normal(size=(5000, len(FEATURES)))
    y = (rows[:, 0] + rng.normal(0, 0.5, len(rows)) > 1).astype(int)
    sizes: list[int] = []

    def predict(x: np.ndarray) -> np.ndarray:
        sizes.append(len(x))
        return x[:, 0]

    importances = permutation_importances(predict, rows, y, seed=0, repeats=2, max_rows=1200)
    assert sizes == [1200] * (1 + 2 * len(FEATURES))
    assert importances["nb_previous_loans"] > 0.3
