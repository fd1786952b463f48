"""The review report: one self-contained HTML file a reviewer reads before approving a model.

Plots (ROC and PR curves against the trivial baseline, the confusion matrix at the threshold,
calibration, feature importance) are PNGs inlined as data URIs, with their numbers beside them.
The page makes no request of its own: no scripts, stylesheets, fonts or images from elsewhere.
"""

from __future__ import annotations

import base64
import html
import io
from collections.abc import Iterable, Mapping
from typing import Any

import numpy as np
from matplotlib.figure import Figure
from sklearn.calibration import calibration_curve
from sklearn.metrics import precision_recall_curve, roc_curve

REPORT_FILE = "report.html"
CALIBRATION_BINS = 10
_MODEL_COLOUR = "#1f5fa8"
_BASELINE_COLOUR = "#9a9a9a"

_STYLE = """
body { font-family: system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; margin: 2rem auto;
       max-width: 72rem; color: #1d1d1f; line-height: 1.4; padding: 0 1rem; }
h1 { font-size: 1.6rem; margin-bottom: .2rem; } h2 { font-size: 1.2rem; margin-top: 2rem; }
.subtitle { color: #555; margin-top: 0; }
section.plot { display: flex; flex-wrap: wrap; gap: 1.5rem; align-items: flex-start; }
section.plot img { width: 30rem; max-width: 100%; height: auto; border: 1px solid #ddd; }
table { border-collapse: collapse; font-size: .95rem; }
th, td { text-align: left; padding: .25rem .8rem .25rem 0; border-bottom: 1px solid #eee; }
td.number { text-align: right; font-variant-numeric: tabular-nums; }
p.note { color: #555; font-size: .9rem; max-width: 40rem; }
"""


def render_report(evaluation: Mapping[str, Any], y: np.ndarray, probabilities: np.ndarray) -> str:
    """The report as an HTML document for `evaluation` (evaluation.json) and holdout scores."""
    metrics = evaluation
    title = f"Credit-risk model review: {evaluation['training_job']}"
    sections = [
        _table_section(
            "Headline (holdout)",
            [
                ("ROC-AUC, model / trivial baseline", _pair(metrics, "roc_auc")),
                ("PR-AUC, model / trivial baseline", _pair(metrics, "pr_auc")),
                ("Default rate", _fmt(metrics["positive_rate"])),
                ("Threshold (decline at or above)", _fmt(metrics["threshold"])),
                (
                    "Precision / recall / F1 at the threshold",
                    " / ".join(_fmt(metrics[key]) for key in ("precision", "recall", "f1")),
                ),
            ],
        ),
        _summary(evaluation),
        _plot_section(
            "ROC curve",
            _roc_figure(y, probabilities, metrics),
            [
                ("ROC-AUC (model)", _fmt(metrics["roc_auc"])),
                ("ROC-AUC (trivial baseline)", _fmt(metrics["baseline_roc_auc"])),
            ],
            "How well the model ranks defaulters above repayers, on the holdout. 0.5 is chance.",
        ),
        _plot_section(
            "Precision-recall curve",
            _pr_figure(y, probabilities, metrics),
            [
                ("PR-AUC (average precision, model)", _fmt(metrics["pr_auc"])),
                ("PR-AUC (trivial baseline = default rate)", _fmt(metrics["baseline_pr_auc"])),
                ("Precision at the threshold", _fmt(metrics["precision"])),
                ("Recall at the threshold", _fmt(metrics["recall"])),
                ("F1 at the threshold", _fmt(metrics["f1"])),
            ],
            "With few defaults, this curve shows what declining the riskiest loans buys: of the "
            "loans declined (precision), how many would have defaulted; of the defaults (recall), "
            "how many are declined.",
        ),
        _plot_section(
            "Confusion matrix at the threshold",
            _confusion_figure(metrics["confusion_matrix"]),
            [
                ("Threshold (decline at or above)", _fmt(metrics["threshold"])),
                ("Declined share of holdout loans", _fmt(metrics["decline_rate"])),
                *((label, str(metrics["confusion_matrix"][key])) for key, label in _CELLS),
            ],
            f"The threshold was chosen on the validation slice (never the holdout): "
            f"{evaluation['threshold_rule']}",
        ),
        _plot_section(
            "Calibration",
            _calibration_figure(y, probabilities),
            [
                ("Mean predicted probability", _fmt(metrics["mean_predicted_probability"])),
                ("Observed default rate", _fmt(metrics["positive_rate"])),
                ("Brier score (model)", _fmt(metrics["brier_score"])),
                ("Brier score (trivial baseline)", _fmt(metrics["baseline_brier_score"])),
            ],
            "Predicted probability against the observed default rate, in bins holding equal "
            "numbers of holdout loans. On the diagonal, a probability of 3 % means 3 in 100 "
            "such loans default.",
        ),
        _plot_section(
            "Feature importance",
            _importance_figure(evaluation),
            [
                (f"{name} (holdout ROC-AUC drop)", _fmt(value))
                for name, value in evaluation["permutation_importances"].items()
            ],
            "Top: impurity decrease inside the forest (training rows). Bottom: how much holdout "
            "ROC-AUC drops when the feature's values are shuffled, the more honest measure.",
        ),
        _table_section("Hyperparameters", evaluation["hyperparameters"].items()),
    ]
    return (
        "<!DOCTYPE html>\n<html lang='en'>\n<head>\n<meta charset='utf-8'>\n"
        f"<title>{html.escape(title)}</title>\n<style>{_STYLE}</style>\n</head>\n<body>\n"
        f"<h1>{html.escape(title)}</h1>\n"
        f"<p class='subtitle'>Trained {html.escape(evaluation['created_at'])}. Every number "
        "and plot below is computed on the holdout: the latest loans, made after all training "
        "loans.</p>\n" + "\n".join(sections) + "\n</body>\n</html>\n"
    )


_CELLS = (
    ("tn", "Repaid, accepted (true negatives)"),
    ("fp", "Repaid, declined (false positives)"),
    ("fn", "Defaulted, accepted (false negatives)"),
    ("tp", "Defaulted, declined (true positives)"),
)


def _summary(evaluation: Mapping[str, Any]) -> str:
    periods = evaluation["periods"]
    rows = [
        (
            name.capitalize(),
            f"{periods[name]['start']} to {periods[name]['end']}",
            str(periods[name]["rows"]),
            str(periods[name]["positives"]),
        )
        for name in ("train", "validation", "holdout")
    ]
    body = "".join(
        "<tr>" + "".join(f"<td>{html.escape(cell)}</td>" for cell in row) + "</tr>" for row in rows
    )
    return (
        "<h2>Data</h2>\n<table><tr><th>Slice</th><th>Loan dates</th><th>Loans</th>"
        f"<th>Defaults</th></tr>{body}</table>\n<p class='note'>Train: fits the forest. "
        "Validation: calibrates its scores and chooses the threshold. Holdout: judges it, once."
        "</p>"
    )


def _plot_section(title: str, figure: Figure, numbers: Iterable[tuple[str, str]], note: str) -> str:
    rows = "".join(
        f"<tr><td>{html.escape(label)}</td><td class='number'>{html.escape(value)}</td></tr>"
        for label, value in numbers
    )
    return (
        f"<h2>{html.escape(title)}</h2>\n<section class='plot'>"
        f"<img alt='{html.escape(title)}' src='data:image/png;base64,{_png(figure)}'>"
        f"<div><table>{rows}</table><p class='note'>{html.escape(note)}</p></div></section>"
    )


def _table_section(title: str, items: Iterable[tuple[str, Any]]) -> str:
    rows = "".join(
        f"<tr><td>{html.escape(str(k))}</td><td>{html.escape(str(v))}</td></tr>" for k, v in items
    )
    return f"<h2>{html.escape(title)}</h2>\n<table>{rows}</table>"


def _pair(metrics: Mapping[str, Any], name: str) -> str:
    return f"{_fmt(metrics[name])} / {_fmt(metrics['baseline_' + name])}"


def _fmt(value: float) -> str:
    return f"{value:.4f}"


def _png(figure: Figure) -> str:
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=100, bbox_inches="tight")
    return base64.b64encode(buffer.getvalue()).decode("ascii")


def _axes(figure: Figure, title: str, x_label: str, y_label: str) -> Any:
    axes = figure.add_subplot()
    axes.set_title(title)
    axes.set_xlabel(x_label)
    axes.set_ylabel(y_label)
    axes.grid(alpha=0.3)
    return axes


def _roc_figure(y: np.ndarray, probabilities: np.ndarray, metrics: Mapping[str, Any]) -> Figure:
    fpr, tpr, _ = roc_curve(y, probabilities)
    figure = Figure(figsize=(5, 4.2))
    axes = _axes(figure, "ROC curve (holdout)", "False positive rate", "True positive rate")
    axes.plot(fpr, tpr, color=_MODEL_COLOUR, label=f"model (AUC {metrics['roc_auc']:.3f})")
    axes.plot(
        [0, 1], [0, 1], "--", color=_BASELINE_COLOUR,
        label=f"trivial baseline (AUC {metrics['baseline_roc_auc']:.3f})",
    )  # fmt: skip
    axes.legend(loc="lower right")
    return figure


def _pr_figure(y: np.ndarray, probabilities: np.ndarray, metrics: Mapping[str, Any]) -> Figure:
    precision, recall, _ = precision_recall_curve(y, probabilities)
    figure = Figure(figsize=(5, 4.2))
    axes = _axes(figure, "Precision-recall curve (holdout)", "Recall", "Precision")
    axes.plot(recall, precision, color=_MODEL_COLOUR, label=f"model (AP {metrics['pr_auc']:.3f})")
    axes.axhline(
        metrics["baseline_pr_auc"], linestyle="--", color=_BASELINE_COLOUR,
        label=f"trivial baseline (AP {metrics['baseline_pr_auc']:.3f})",
    )  # fmt: skip
    axes.plot(
        [metrics["recall"]], [metrics["precision"]], "o", color="#c0392b",
        label=f"threshold {metrics['threshold']:.3f}",
    )  # fmt: skip
    axes.set_xlim(0, 1)
    axes.set_ylim(0, 1)
    axes.legend(loc="upper right")
    return figure


def _confusion_figure(cells: Mapping[str, int]) -> Figure:
    matrix = np.array([[cells["tn"], cells["fp"]], [cells["fn"], cells["tp"]]])
    shares = matrix / matrix.sum(axis=1, keepdims=True).clip(min=1)
    figure = Figure(figsize=(4.6, 4.2))
    axes = figure.add_subplot()
    axes.imshow(shares, cmap="Blues", vmin=0, vmax=1)
    for (row, column), count in np.ndenumerate(matrix):
        axes.text(
            column, row, f"{count}\n({shares[row, column]:.1%} of row)", ha="center",
            va="center", color="white" if shares[row, column] > 0.5 else "black",
        )  # fmt: skip
    axes.set_xticks([0, 1], labels=["accept", "decline"])
    axes.set_yticks([0, 1], labels=["repaid", "defaulted"])
    axes.set_xlabel("Decision")
    axes.set_ylabel("Outcome")
    axes.set_title("Confusion matrix (holdout)")
    return figure


def _calibration_figure(y: np.ndarray, probabilities: np.ndarray) -> Figure:
    observed, predicted = calibration_curve(
        y, probabilities, n_bins=CALIBRATION_BINS, strategy="quantile"
    )
    limit = float(max(observed.max(initial=0), predicted.max(initial=0)) * 1.1) or 1.0
    figure = Figure(figsize=(5, 4.2))
    axes = _axes(figure, "Calibration (holdout)", "Mean predicted probability", "Observed rate")
    axes.plot([0, limit], [0, limit], "--", color=_BASELINE_COLOUR, label="perfectly calibrated")
    axes.plot(predicted, observed, "o-", color=_MODEL_COLOUR, label="model (equal-count bins)")
    axes.set_xlim(0, limit)
    axes.set_ylim(0, limit)
    axes.legend(loc="upper left")
    return figure


def _importance_figure(evaluation: Mapping[str, Any]) -> Figure:
    figure = Figure(figsize=(5, 5.6))
    panels = (
        ("Impurity decrease inside the forest", evaluation["feature_importances"]),
        ("Holdout ROC-AUC drop when shuffled", evaluation["permutation_importances"]),
    )
    for index, (title, values) in enumerate(panels, 1):
        axes = figure.add_subplot(2, 1, index)
        names = list(values)
        axes.barh(names, [values[name] for name in names], color=_MODEL_COLOUR)
        axes.invert_yaxis()
        axes.set_title(title)
        axes.grid(axis="x", alpha=0.3)
    figure.tight_layout()
    return figure
