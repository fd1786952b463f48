"""Holdout metrics. Everything here is computed on the holdout: loans the model never saw, made
after every loan it learned from. With about 1.5 % defaults, accuracy says nothing; ROC-AUC and
PR-AUC are reported beside a trivial model's, and the decision's quality at the threshold.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
from sklearn.metrics import (
    average_precision_score,
    brier_score_loss,
    confusion_matrix,
    roc_auc_score,
)

from jobs.schema import FEATURES

PERMUTATION_REPEATS = 3
# Permutation importances score (1 + features x repeats) copies of the rows they use: on a large
# holdout, a random sample of this many rows ranks the features as well, at a fraction of the cost.
PERMUTATION_MAX_ROWS = 50_000


def holdout_metrics(
    y: np.ndarray, probabilities: np.ndarray, threshold: float, train_positive_rate: float
) -> dict[str, Any]:
    """ROC-AUC, PR-AUC, the decision's confusion matrix and scores, and the trivial baseline.

    The baseline is a trivial model that gives every loan the training default rate: its ROC-AUC
    is 0.5 and its PR-AUC the holdout's default rate.
    """
    if len(np.unique(y)) < 2:
        raise ValueError(
            f"the holdout ({len(y)} rows) has {int(np.sum(y))} default(s): ROC-AUC needs both "
            "classes (use more data or a larger --holdout-fraction)"
        )
    declined = probabilities >= threshold
    tn, fp, fn, tp = (int(v) for v in confusion_matrix(y, declined, labels=[0, 1]).ravel())
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    baseline = np.full(len(y), train_positive_rate)
    return {
        "roc_auc": float(roc_auc_score(y, probabilities)),
        "pr_auc": float(average_precision_score(y, probabilities)),
        "positive_rate": float(np.mean(y)),
        "threshold": float(threshold),
        "precision": precision,
        "recall": recall,
        "f1": f1,
        "decline_rate": float(np.mean(declined)),
        "confusion_matrix": {"tn": tn, "fp": fp, "fn": fn, "tp": tp},
        "brier_score": float(brier_score_loss(y, probabilities)),
        "baseline_roc_auc": float(roc_auc_score(y, baseline)),
        "baseline_pr_auc": float(average_precision_score(y, baseline)),
        "baseline_brier_score": float(brier_score_loss(y, baseline)),
        "mean_predicted_probability": float(np.mean(probabilities)),
    }


def permutation_importances(
    predict: Callable[[np.ndarray], np.ndarray],
    rows: np.ndarray,
    y: np.ndarray,
    *,
    seed: int,
    repeats: int = PERMUTATION_REPEATS,
    max_rows: int = PERMUTATION_MAX_ROWS,
) -> dict[str, float]:
    """Mean drop of holdout ROC-AUC when one feature's column is shuffled, per feature.

    Above `max_rows` rows, a random sample of `max_rows` of them (drawn with `seed`) is used.
    """
    rng = np.random.default_rng(seed)
    if len(rows) > max_rows:
        sample = np.sort(rng.choice(len(rows), size=max_rows, replace=False))
        rows, y = rows[sample], y[sample]
    reference = roc_auc_score(y, predict(rows))
    importances: dict[str, float] = {}
    for column, name in enumerate(FEATURES):
        drops = []
        for _ in range(repeats):
            shuffled = rows.copy()
            shuffled[:, column] = rng.permutation(shuffled[:, column])
            drops.append(reference - roc_auc_score(y, predict(shuffled)))
        importances[name] = float(np.mean(drops))
    return importances
