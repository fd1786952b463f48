from __future__ import annotations

import json
from pathlib import Path

from lambdas.shared.metrics import data_summary, headline, metric_rows, scalar_metrics

EVALUATION = json.loads(
    (Path(__file__).parents[2] / "data" / "lambdas" / "evaluation.json").read_text()
)


def test_scalar_metrics_keeps_finite_numbers_only() -> None:
    metrics = scalar_metrics({**EVALUATION, "flag": True, "bad": float("nan"), "name": "rf"})
    assert metrics["roc_auc"] == 0.7843
    assert metrics["n_train"] == 7890
    assert not {"flag", "bad", "name", "confusion_matrix", "features"} & set(metrics)


def test_scalar_metrics_flattens_a_baseline_object() -> None:
    metrics = scalar_metrics({"roc_auc": 0.8, "baseline": {"roc_auc": 0.6, "label": "prior"}})
    assert metrics == {"roc_auc": 0.8, "baseline_roc_auc": 0.6}


def test_metric_rows_put_each_metric_beside_its_baseline() -> None:
    rows = {row.name: row for row in metric_rows(scalar_metrics(EVALUATION))}
    assert rows["roc_auc"].baseline == 0.5
    assert rows["pr_auc"].baseline == 0.0815
    assert rows["recall"].baseline is None
    assert not {"baseline_roc_auc", "n_train", "n_test", "positive_rate"} & set(rows)


def test_metric_rows_list_known_metrics_first_then_the_rest_sorted() -> None:
    rows = metric_rows({"zeta": 1.0, "f1": 0.3, "alpha": 2.0, "roc_auc": 0.8})
    assert [row.name for row in rows] == ["roc_auc", "f1", "alpha", "zeta"]


def test_data_summary_formats_counts_and_rates() -> None:
    assert data_summary(scalar_metrics(EVALUATION)) == [
        ("Training rows", "7,890"),
        ("Holdout rows", "1,972"),
        ("Default rate in the holdout", "8.2%"),
    ]


def test_headline_names_the_metric_and_its_baseline() -> None:
    assert headline({"roc_auc": 0.78431, "baseline_roc_auc": 0.5}) == (
        "ROC AUC 0.784 (baseline 0.500)"
    )
    assert headline({"roc_auc": 0.7}) == "ROC AUC 0.700"
    assert headline({"pr_auc": 0.2}) == ""
