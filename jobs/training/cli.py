"""`python -m jobs.training`: the training job's entry point, locally and in SageMaker Training.

SageMaker's training toolkit passes each hyperparameter as `--<name> <value>`; the names here are
kebab-case (`--n-estimators 300`), and the snake_case spelling is accepted too. Directory defaults
come from the SageMaker variables (`SM_CHANNEL_TRAIN`, `SM_MODEL_DIR`, `SM_OUTPUT_DATA_DIR`).
"""

from __future__ import annotations

import argparse
import json
import logging
import math
import os
import sys
import time
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, NoReturn

import numpy as np
from sklearn.pipeline import Pipeline

from jobs.schema import FEATURES, NULLABLE_FEATURES
from jobs.training import evaluate, export, inference, model, report
from jobs.training.data import load_features
from jobs.training.split import Slices, train_validation_holdout

log = logging.getLogger("jobs.training")
metric_log = logging.getLogger("jobs.training.metrics")

EVALUATION_FILE = "evaluation.json"
DEFAULT_FAILURE_FILE = Path("/opt/ml/output/failure")
# SageMaker's FailureReason holds at most 1024 characters.
FAILURE_REASON_LIMIT = 1024
# Logged as `METRIC <name>=<value>` for the training job's MetricDefinitions.
LOGGED_METRICS = (
    "roc_auc",
    "pr_auc",
    "baseline_roc_auc",
    "baseline_pr_auc",
    "positive_rate",
    "threshold",
    "precision",
    "recall",
    "f1",
    "brier_score",
)
CLASS_WEIGHTS = {"balanced_subsample": "balanced_subsample", "balanced": "balanced", "none": None}


class UsageError(Exception):
    """Bad command-line arguments (raised instead of argparse's exit)."""


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        raise UsageError(message)


def build_parser(environ: Mapping[str, str]) -> argparse.ArgumentParser:
    parser = _Parser(prog="python -m jobs.training", description=__doc__)

    def option(name: str, **kwargs: Any) -> None:
        spellings = [f"--{name}"]
        if "-" in name:
            spellings.append(f"--{name.replace('-', '_')}")
        parser.add_argument(*spellings, **kwargs)

    default_job = environ.get("TRAINING_JOB_NAME") or f"local-{datetime.now(UTC):%Y%m%dT%H%M%SZ}"
    option(
        "train-dir",
        type=Path,
        default=Path(environ.get("SM_CHANNEL_TRAIN", "/opt/ml/input/data/train")),
        help="directory of the processing job's features parquet (default: $SM_CHANNEL_TRAIN)",
    )
    option(
        "model-dir",
        type=Path,
        default=Path(environ.get("SM_MODEL_DIR", "/opt/ml/model")),
        help="where the model directory is written (default: $SM_MODEL_DIR)",
    )
    option(
        "output-dir",
        type=Path,
        default=Path(environ.get("SM_OUTPUT_DATA_DIR", "/opt/ml/output/data")),
        help="where evaluation.json and report.html go (default: $SM_OUTPUT_DATA_DIR)",
    )
    option(
        "failure-file",
        type=Path,
        default=DEFAULT_FAILURE_FILE,
        help="where the failure reason goes (the default only when its folder exists)",
    )
    option(
        "training-job-name",
        default=default_job,
        help="recorded in the model metadata (default: $TRAINING_JOB_NAME or local-<time>)",
    )
    defaults = model.ForestParams()
    option("n-estimators", type=_positive_int, default=defaults.n_estimators, help="trees")
    option(
        "max-depth",
        type=_non_negative_int,
        default=defaults.max_depth,
        help="maximum tree depth, 0 for unlimited (default: %(default)s)",
    )
    option(
        "min-samples-leaf",
        type=_count_or_fraction,
        default=defaults.min_samples_leaf,
        help="smallest leaf: a row count, or a fraction (< 1) of the training rows",
    )
    option(
        "max-features",
        type=_max_features,
        default=defaults.max_features,
        help="features tried per split: sqrt, log2, all, a count or a fraction",
    )
    option(
        "max-samples",
        type=_fraction,
        default=defaults.max_samples,
        help="fraction of the training rows each tree's bootstrap sample draws (1: all)",
    )
    option("class-weight", choices=sorted(CLASS_WEIGHTS), default=defaults.class_weight)
    option("random-state", type=int, default=defaults.random_state)
    option("holdout-fraction", type=_fraction, default=0.2, help="latest share of loans held out")
    option(
        "validation-fraction",
        type=_fraction,
        default=0.2,
        help="latest share of the remaining loans used to calibrate and choose the threshold",
    )
    option("threshold-beta", type=_positive_float, default=1.0, help="beta of the F-beta rule")
    option("n-jobs", type=int, default=-1, help="cores used to fit the forest (-1: all)")
    return parser


def parse_args(
    argv: Sequence[str] | None = None, environ: Mapping[str, str] | None = None
) -> argparse.Namespace:
    return build_parser(os.environ if environ is None else environ).parse_args(argv)


def forest_params(args: argparse.Namespace) -> model.ForestParams:
    return model.ForestParams(
        n_estimators=args.n_estimators,
        max_depth=args.max_depth or None,
        min_samples_leaf=args.min_samples_leaf,
        max_features=args.max_features,
        max_samples=None if args.max_samples in (None, 1.0) else args.max_samples,
        class_weight=CLASS_WEIGHTS[args.class_weight],
        random_state=args.random_state,
    )


def run(args: argparse.Namespace) -> dict[str, Any]:
    """Fit, calibrate, choose the threshold, write the model, evaluate on the holdout, report."""
    params = forest_params(args)
    timer = PhaseTimer()
    with timer.phase("load_and_split"):
        slices = train_validation_holdout(
            load_features(args.train_dir), args.holdout_fraction, args.validation_fraction
        )
    periods = slices.periods()
    log.info("split by loan date: %s", periods)
    with timer.phase("fit"):
        pipeline = model.fit_forest(slices.train, params, args.n_jobs)
    with timer.phase("calibrate_and_threshold"):
        calibration, threshold = model.calibrate_and_choose_threshold(
            pipeline, slices.validation, args.threshold_beta
        )
    metadata = {
        "features": list(FEATURES),
        "nullable_features": list(NULLABLE_FEATURES),
        "null_fill": model.NULL_FILL,
        "threshold": threshold,
        "threshold_rule": _threshold_rule(args.threshold_beta, periods["validation"]),
        "calibration": {"slope": calibration.slope, "intercept": calibration.intercept},
        "training_job": args.training_job_name,
        "created_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "hyperparameters": {
            **params.as_dict(),
            "holdout_fraction": args.holdout_fraction,
            "validation_fraction": args.validation_fraction,
            "threshold_beta": args.threshold_beta,
        },
        "periods": periods,
    }
    with timer.phase("write_model"):
        export.write_model_dir(args.model_dir, pipeline, calibration, metadata)
    evaluation, probabilities = _evaluate_served_model(
        args.model_dir, pipeline, calibration, slices, metadata, timer=timer
    )
    with timer.phase("report"):
        html = report.render_report(evaluation, model.labels(slices.holdout), probabilities)
    evaluation["phase_seconds"] = timer.seconds
    args.output_dir.mkdir(parents=True, exist_ok=True)
    (args.output_dir / EVALUATION_FILE).write_text(
        json.dumps(evaluation, indent=2) + "\n", encoding="utf-8"
    )
    (args.output_dir / report.REPORT_FILE).write_text(html, encoding="utf-8")
    for name in LOGGED_METRICS:
        metric_log.info("METRIC %s=%.6g", name, evaluation[name])
    log.info("evaluation and report written to %s", args.output_dir)
    return evaluation


class PhaseTimer:
    """Wall and CPU seconds of each phase of the job (evaluation.json's `phase_seconds`)."""

    def __init__(self) -> None:
        self.seconds: dict[str, dict[str, float]] = {}

    @contextmanager
    def phase(self, name: str) -> Iterator[None]:
        wall, cpu = time.perf_counter(), time.process_time()
        yield
        self.seconds[name] = {
            "wall": round(time.perf_counter() - wall, 3),
            "cpu": round(time.process_time() - cpu, 3),  # every thread of this process
        }
        log.info("%s took %.2f s (%.2f s CPU)", name, *self.seconds[name].values())


def _evaluate_served_model(
    model_dir: Path,
    pipeline: Pipeline,
    calibration: model.Calibration,
    slices: Slices,
    metadata: dict[str, Any],
    *,
    timer: PhaseTimer,
) -> tuple[dict[str, Any], np.ndarray]:
    """The holdout evaluation of the model as it will be served (model.onnx behind inference.py)
    and its holdout probabilities.

    Refuses (ParityError) a model whose ONNX form does not reproduce scikit-learn's scores.
    """
    with timer.phase("evaluate"):
        served = inference.model_fn(str(model_dir))
        holdout_rows = model.features_matrix(slices.holdout)
        y_holdout = model.labels(slices.holdout)
        scores, probabilities = served.scores_and_probabilities(holdout_rows)
        parity = export.check_parity(pipeline, calibration, holdout_rows, scores, probabilities)
        train_positive_rate = float(model.labels(slices.train).mean())
        metrics = evaluate.holdout_metrics(
            y_holdout, probabilities, metadata["threshold"], train_positive_rate
        )
    with timer.phase("permutation_importances"):
        permutation = evaluate.permutation_importances(
            served.predict_proba,
            holdout_rows,
            y_holdout,
            seed=metadata["hyperparameters"]["random_state"],
        )
    evaluation = {
        **metrics,
        "n_train": len(slices.train),
        "n_validation": len(slices.validation),
        "n_test": len(slices.holdout),
        "periods": metadata["periods"],
        "threshold_rule": metadata["threshold_rule"],
        "calibration": metadata["calibration"],
        "feature_importances": model.feature_importances(pipeline),
        "permutation_importances": permutation,
        "hyperparameters": metadata["hyperparameters"],
        "onnx_max_abs_difference": parity,
        "training_job": metadata["training_job"],
        "created_at": metadata["created_at"],
        "features": metadata["features"],
        "report": report.REPORT_FILE,
    }
    return evaluation, probabilities


def _threshold_rule(beta: float, validation: Mapping[str, Any]) -> str:
    return (
        f"the probability with the highest F-beta score (beta = {beta:g}) on the validation "
        f"slice ({validation['start']} to {validation['end']}); a loan is declined when its "
        "probability of default is at or above it"
    )


def write_failure(path: Path, reason: str) -> None:
    """Write the failure reason where SageMaker reads it (the default path only in a container)."""
    if path == DEFAULT_FAILURE_FILE and not path.parent.is_dir():
        log.debug("no %s folder: not running in SageMaker, failure file skipped", path.parent)
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(reason[:FAILURE_REASON_LIMIT], encoding="utf-8")


def main(argv: Sequence[str] | None = None) -> int:
    logging.basicConfig(
        level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    parser = build_parser(os.environ)
    try:
        args = parser.parse_args(argv)
    except UsageError as error:
        parser.print_usage(sys.stderr)
        log.error("bad arguments: %s", error)
        write_failure(DEFAULT_FAILURE_FILE, f"bad arguments: {error}")
        return 2
    try:
        run(args)
    except Exception as error:
        log.exception("training failed")
        write_failure(args.failure_file, f"training failed: {type(error).__name__}: {error}")
        return 1
    return 0


def _positive_int(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be >= 1, got {text}")
    return value


def _non_negative_int(text: str) -> int:
    value = int(text)
    if value < 0:
        raise argparse.ArgumentTypeError(f"must be >= 0, got {text}")
    return value


def _positive_float(text: str) -> float:
    value = float(text)
    if not value > 0:
        raise argparse.ArgumentTypeError(f"must be > 0, got {text}")
    return value


def _fraction(text: str) -> float:
    value = float(text)
    if not 0 < value <= 1:
        raise argparse.ArgumentTypeError(f"must be in (0, 1], got {text}")
    return value


def _count_or_fraction(text: str) -> int | float:
    """A positive integer count, or a fraction in (0, 1) written with a decimal point."""
    try:
        return _positive_int(text)
    except ValueError:
        pass
    try:
        value = float(text)
    except ValueError:
        value = math.nan
    if not 0 < value < 1:
        raise argparse.ArgumentTypeError(
            f"must be a count >= 1 or a fraction in (0, 1), got {text!r}"
        )
    return value


def _max_features(text: str) -> str | int | float | None:
    if text in ("sqrt", "log2"):
        return text
    if text == "all":
        return None
    try:
        return _count_or_fraction(text)
    except argparse.ArgumentTypeError:
        raise argparse.ArgumentTypeError(
            f"must be sqrt, log2, all, a count or a fraction in (0, 1), got {text!r}"
        ) from None
