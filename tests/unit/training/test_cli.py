"""The training job's arguments: SageMaker defaults, kebab-case hyperparameters, failures."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

from jobs.training import cli


def test_parse_args_takes_directories_from_the_sagemaker_variables():
    environ = {
        "SM_CHANNEL_TRAIN": "/data/train",
        "SM_MODEL_DIR": "/data/model",
        "SM_OUTPUT_DATA_DIR": "/data/output",
        "TRAINING_JOB_NAME": "credit-risk-exec-1",
    }
    args = cli.parse_args([], environ)
    assert args.train_dir == Path("/data/train")
    assert args.model_dir == Path("/data/model")
    assert args.output_dir == Path("/data/output")
    assert args.training_job_name == "credit-risk-exec-1"


def test_parse_args_defaults_to_the_container_paths_and_a_local_job_name():
    args = cli.parse_args([], {})
    assert args.train_dir == Path("/opt/ml/input/data/train")
    assert args.model_dir == Path("/opt/ml/model")
    assert args.training_job_name.startswith("local-")


def test_parse_args_accepts_hyperparameters_in_kebab_and_snake_case():
    argv = ["--n-estimators", "300", "--max_depth", "0", "--min-samples-leaf", "0.01"]
    argv += ["--max-features", "all", "--class_weight", "none", "--max-samples", "1"]
    params = cli.forest_params(cli.parse_args(argv, {}))
    assert params.n_estimators == 300
    assert params.max_depth is None
    assert params.min_samples_leaf == 0.01
    assert params.max_features is None
    assert params.class_weight is None
    assert params.max_samples is None


@pytest.mark.parametrize(
    "argv",
    [
        ["--n-estimators", "0"],
        ["--min-samples-leaf", "1.5"],
        ["--max-features", "most"],
        ["--holdout-fraction", "2"],
        ["--class-weight", "heavy"],
        ["--unknown", "1"],
    ],
)
def test_parse_args_rejects_bad_hyperparameters(argv):
    with pytest.raises(cli.UsageError):
        cli.parse_args(argv, {})


def test_main_exits_2_on_bad_arguments_and_says_why(caplog):
    with caplog.at_level(logging.ERROR):
        assert cli.main(["--n-estimators", "many"]) == 2
    assert "n-estimators" in caplog.text


def test_main_writes_the_failure_reason_and_exits_1(tmp_path):
    failure = tmp_path / "output" / "failure"
    argv = ["--train-dir", str(tmp_path / "empty"), "--failure-file", str(failure)]
    argv += ["--model-dir", str(tmp_path / "model"), "--output-dir", str(tmp_path / "out")]
    (tmp_path / "empty").mkdir()
    assert cli.main(argv) == 1
    reason = failure.read_text()
    assert reason.startswith("training failed: TrainingDataError: no parquet files under")
    assert not (tmp_path / "out" / "evaluation.json").exists()


def test_write_failure_creates_an_explicit_path_and_truncates(tmp_path):
    cli.write_failure(tmp_path / "output" / "failure", "y" * 5000)
    assert len((tmp_path / "output" / "failure").read_text()) == cli.FAILURE_REASON_LIMIT


def test_write_failure_skips_the_default_path_outside_a_container(monkeypatch, tmp_path):
    default = tmp_path / "opt" / "ml" / "output" / "failure"
    monkeypatch.setattr(cli, "DEFAULT_FAILURE_FILE", default)
    cli.write_failure(default, "x")
    assert not default.parent.exists()
    default.parent.mkdir(parents=True)
    cli.write_failure(default, "x")
    assert default.read_text() == "x"
