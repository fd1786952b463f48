"""Model metrics as people read them: the rows "metric / model / baseline" and the data summary.

The numbers come from the training job's `evaluation.json` (ARCHITECTURE.md 3.4); a baseline value
is either a top-level `baseline_<metric>` or an entry of a `baseline` object.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

HEADLINE_METRIC = "roc_auc"
LABELS: dict[str, str] = {
    "roc_auc": "ROC AUC",
    "pr_auc": "PR AUC",
    "precision": "Precision",
    "recall": "Recall",
    "f1": "F1",
    "accuracy": "Accuracy",
    "brier_score": "Brier score",
    "log_loss": "Log loss",
    "decline_rate": "Decline rate at the threshold",
    "mean_predicted_probability": "Mean predicted probability",
    "threshold": "Decision threshold",
}
SUMMARY_LABELS: dict[str, str] = {
    "n_train": "Training rows",
    "n_test": "Holdout rows",
    "positive_rate": "Default rate in the holdout",
}
_BASELINE_PREFIX = "baseline_"


@dataclass(frozen=True, slots=True)
class MetricRow:
    name: str
    label: str
    value: float
    baseline: float | None


def scalar_metrics(evaluation: Mapping[str, Any]) -> dict[str, float]:
    """The finite numbers of an evaluation document, baselines flattened to `baseline_<name>`."""
    result: dict[str, float] = {}
    for name, value in evaluation.items():
        if name == "baseline" and isinstance(value, Mapping):
            result.update(
                {f"{_BASELINE_PREFIX}{k}": float(v) for k, v in value.items() if _is_number(v)}
            )
        elif _is_number(value):
            result[name] = float(value)
    return result


def metric_rows(metrics: Mapping[str, float]) -> list[MetricRow]:
    """Known metrics in a fixed order, then any other model metric; each beside its baseline."""
    names = [name for name in LABELS if name in metrics]
    names += sorted(
        name
        for name in metrics
        if name not in LABELS
        and name not in SUMMARY_LABELS
        and not name.startswith(_BASELINE_PREFIX)
    )
    return [
        MetricRow(
            name=name,
            label=LABELS.get(name, name),
            value=metrics[name],
            baseline=metrics.get(f"{_BASELINE_PREFIX}{name}"),
        )
        for name in names
    ]


def data_summary(metrics: Mapping[str, float]) -> list[tuple[str, str]]:
    rows = []
    for name, label in SUMMARY_LABELS.items():
        if name in metrics:
            value = metrics[name]
            shown = f"{value:.1%}" if name == "positive_rate" else f"{int(value):,}"
            rows.append((label, shown))
    return rows


def headline(metrics: Mapping[str, float]) -> str:
    """`ROC AUC 0.812 (baseline 0.700)`, or '' when the headline metric is absent."""
    if HEADLINE_METRIC not in metrics:
        return ""
    text = f"{LABELS[HEADLINE_METRIC]} {fmt(metrics[HEADLINE_METRIC])}"
    baseline = metrics.get(f"{_BASELINE_PREFIX}{HEADLINE_METRIC}")
    return text if baseline is None else f"{text} (baseline {fmt(baseline)})"


def fmt(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.3f}"


def _is_number(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)
