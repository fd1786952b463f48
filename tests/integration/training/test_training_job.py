"""`python -m jobs.training` as SageMaker runs it: a process, SM_* variables, hyperparameters as
arguments, METRIC lines in the log, the model directory and the evaluation on the holdout."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys

import numpy as np
import pandas as pd
import pytest
from sklearn.metrics import roc_auc_score

from jobs.training.inference import model_fn
from jobs.training.model import features_matrix, labels
from jobs.training.split import split_by_time
from tests.fixtures.training import SMALL_FOREST_ARGS, make_feature_frame, write_feature_parquet

pytestmark = pytest.mark.slow  # each test runs the job as a process (seconds)

CONTRACT_KEYS = {
    "roc_auc", "pr_auc", "positive_rate", "threshold", "precision", "recall", "f1",
    "confusion_matrix", "baseline_roc_auc", "baseline_pr_auc", "n_train", "n_test",
    "feature_importances", "hyperparameters", "periods",
}  # fmt: skip


def run_training_job(tmp_path, repo_root, extra_env=None, args=()):
    env = {
        **os.environ,
        "SM_CHANNEL_TRAIN": str(tmp_path / "train"),
        "SM_MODEL_DIR": str(tmp_path / "model"),
        "SM_OUTPUT_DATA_DIR": str(tmp_path / "output"),
        "TRAINING_JOB_NAME": "credit-risk-training-exec-42",
        "PYTHONPATH": str(repo_root),
        **(extra_env or {}),
    }
    return subprocess.run(
        [sys.executable, "-m", "jobs.training", *args],
        env=env,
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


@pytest.fixture(scope="module")
def job_run(tmp_path_factory, repo_root):
    tmp_path = tmp_path_factory.mktemp("job")
    frame = make_feature_frame(users=900, seed=11)
    write_feature_parquet(frame, tmp_path / "train")
    result = run_training_job(tmp_path, repo_root, args=SMALL_FOREST_ARGS)
    return tmp_path, frame, result


def test_training_job_runs_with_sagemaker_defaults_and_writes_everything(job_run):
    tmp_path, _, result = job_run
    assert result.returncode == 0, result.stderr
    assert {p.name for p in (tmp_path / "model").iterdir()} == {
        "model.onnx", "model.joblib", "metadata.json", "code",
    }  # fmt: skip
    assert sorted(p.name for p in (tmp_path / "model" / "code").iterdir()) == [
        "inference.py", "requirements.txt",
    ]  # fmt: skip
    evaluation = json.loads((tmp_path / "output" / "evaluation.json").read_text())
    assert set(evaluation) >= CONTRACT_KEYS
    assert (tmp_path / "output" / "report.html").stat().st_size > 10_000
    metadata = json.loads((tmp_path / "model" / "metadata.json").read_text())
    assert metadata["training_job"] == "credit-risk-training-exec-42"
    assert metadata["hyperparameters"]["n_estimators"] == 40
    assert metadata["threshold"] == evaluation["threshold"]


def test_training_job_records_the_wall_and_cpu_time_of_each_phase(job_run):
    tmp_path, _, result = job_run
    evaluation = json.loads((tmp_path / "output" / "evaluation.json").read_text())
    phases = evaluation["phase_seconds"]
    assert list(phases) == [
        "load_and_split", "fit", "calibrate_and_threshold", "write_model", "evaluate",
        "permutation_importances", "report",
    ]  # fmt: skip
    assert all(set(times) == {"wall", "cpu"} for times in phases.values())
    assert phases["fit"]["cpu"] > 0
    assert "fit took" in result.stderr


def test_training_job_logs_metric_lines_for_metric_definitions(job_run):
    tmp_path, _, result = job_run
    evaluation = json.loads((tmp_path / "output" / "evaluation.json").read_text())
    logged = result.stdout + result.stderr
    match = re.search(r"METRIC roc_auc=([0-9.eE+-]+)", logged)
    assert match, logged[-2000:]
    assert float(match.group(1)) == pytest.approx(evaluation["roc_auc"], rel=1e-5)
    for name in ("pr_auc", "baseline_roc_auc", "threshold", "precision", "recall", "f1"):
        assert re.search(rf"^.*METRIC {name}=[0-9.eE+-]+$", logged, re.MULTILINE), name


def test_training_job_holds_out_the_latest_loans_and_never_mixes_dates(job_run):
    tmp_path, frame, _ = job_run
    evaluation = json.loads((tmp_path / "output" / "evaluation.json").read_text())
    periods = evaluation["periods"]
    assert periods["train"]["end"] < periods["validation"]["start"]
    assert periods["validation"]["end"] < periods["holdout"]["start"]
    assert periods["holdout"]["end"] == frame["loan_date"].max()
    assert evaluation["n_train"] + evaluation["n_validation"] + evaluation["n_test"] == len(frame)
    assert evaluation["n_test"] == (frame["loan_date"] >= periods["holdout"]["start"]).sum()
    assert evaluation["n_train"] == periods["train"]["rows"]


def test_training_job_reports_metrics_the_served_model_achieves_on_the_holdout(job_run):
    """Recompute the headline numbers independently, from the artifact and the raw holdout."""
    tmp_path, frame, _ = job_run
    evaluation = json.loads((tmp_path / "output" / "evaluation.json").read_text())
    holdout = frame[frame["loan_date"] >= evaluation["periods"]["holdout"]["start"]]
    served = model_fn(str(tmp_path / "model"))
    probabilities = served.predict_proba(features_matrix(holdout))
    y = holdout["status"].to_numpy()
    assert evaluation["roc_auc"] == pytest.approx(roc_auc_score(y, probabilities), abs=1e-9)
    assert evaluation["positive_rate"] == pytest.approx(y.mean())
    declined = probabilities >= evaluation["threshold"]
    assert evaluation["confusion_matrix"]["tp"] == int((declined & (y == 1)).sum())
    assert evaluation["confusion_matrix"]["fp"] == int((declined & (y == 0)).sum())
    assert evaluation["roc_auc"] > evaluation["baseline_roc_auc"] + 0.1
    assert evaluation["pr_auc"] > evaluation["baseline_pr_auc"]


def test_training_job_chooses_the_threshold_without_the_holdout(job_run, tmp_path, repo_root):
    """Relabelling every holdout loan must not move the threshold (it comes from validation)."""
    _, frame, first = job_run
    assert first.returncode == 0
    first_threshold = json.loads((job_run[0] / "output" / "evaluation.json").read_text())[
        "threshold"
    ]
    holdout_start = split_by_time(
        frame.assign(loan_date=pd.to_datetime(frame["loan_date"])).sort_values(
            ["loan_date", "loan_id"], ignore_index=True
        ),
        0.2,
        "holdout",
    ).cut
    flipped = frame.copy()
    in_holdout = pd.to_datetime(flipped["loan_date"]) >= holdout_start
    flipped.loc[in_holdout, "status"] = 1 - flipped.loc[in_holdout, "status"]
    write_feature_parquet(flipped, tmp_path / "train")
    result = run_training_job(tmp_path, repo_root, args=SMALL_FOREST_ARGS)
    assert result.returncode == 0, result.stderr
    evaluation = json.loads((tmp_path / "output" / "evaluation.json").read_text())
    assert evaluation["threshold"] == first_threshold
    assert evaluation["n_train"] == labels(frame[~in_holdout]).size - evaluation["n_validation"]
    assert np.isclose(evaluation["positive_rate"], 1 - frame.loc[in_holdout, "status"].mean())


def test_training_job_fails_with_a_reason_in_the_failure_file(tmp_path, repo_root):
    (tmp_path / "train").mkdir()
    pd.DataFrame({"id": [1]}).to_parquet(tmp_path / "train" / "part.parquet")
    failure = tmp_path / "failure"
    result = run_training_job(tmp_path, repo_root, args=["--failure-file", str(failure)])
    assert result.returncode == 1
    assert "lacks column(s)" in failure.read_text()
    assert "lacks column(s)" in result.stderr
