from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from mlops.pipeline_run import run_file
from tests.fixtures.progress import MACHINE, FakeAws, History

INFO: dict[str, Any] = {
    "region": "eu-west-1",
    "s3_endpoint": "http://127.0.0.1:14566",
    "raw_bucket": "raw",
    "raw_prefix": "incoming/",
    "outbox_dir": "/nonexistent",
    "stepfunctions_endpoint": "http://127.0.0.1:14599",
    "state_machine_arn": MACHINE,
    "environment": {"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing"},
}


def ended(status: str, states: list[str]) -> History:
    history = History().add(0, "ExecutionStarted", input="{}")
    for offset, state in enumerate(states):
        history.state("Task", state, offset, offset + 1)
    return history.add(len(states), "ExecutionSucceeded", output=json.dumps({"status": status}))


def test_run_file_follows_the_other_run_when_the_upload_was_delivered_twice(
    tmp_path: Path,
) -> None:
    data = tmp_path / "loans.csv"
    data.write_text("loan_id,id\n1,2\n")
    # run-0001 did the work; run-0002, listed first (newest), found its claim.
    aws = FakeAws([ended("live", ["Processing", "Training"]), ended("duplicate", ["ClaimObject"])])

    result = run_file(INFO, data, clients=aws)

    assert result.status == "live"
    assert result.execution_arn == aws.arn(0)
    assert set(result.summary.states) == {"Processing", "Training"}


def test_run_file_reports_a_duplicate_when_no_other_run_exists(tmp_path: Path) -> None:
    data = tmp_path / "loans.csv"
    data.write_text("loan_id,id\n1,2\n")
    aws = FakeAws([ended("duplicate", ["ClaimObject"])])

    result = run_file(INFO, data, key="incoming/again.csv", clients=aws)

    assert result.status == "duplicate"
    assert result.upload.key == "incoming/again.csv"
    assert result.upload.etag == "0123abcd"
