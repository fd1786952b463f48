"""The progress watcher against the real definition run by the local executor (the `pipeline`
fixture), read through a boto3 Step Functions client as the demo reads it."""

from __future__ import annotations

import pytest

from mlops.workflow_progress import Step, watch

pytestmark = pytest.mark.slow


def test_watch_follows_a_malformed_file_to_the_failure_email(pipeline, workflow_raw_files):
    p = pipeline()
    execution = p.start(p.deploy(), p.upload(workflow_raw_files.malformed))
    steps: list[Step] = []

    summary = watch(p.executor.sfn(), execution.arn, steps.append, poll_seconds=0.1, timeout=120)

    assert summary.status == "FAILED"
    assert summary.error == "PipelineFailed"
    processing = next(s for s in steps if s.state == "Processing" and s.ended)
    assert processing.error == "States.TaskFailed"
    assert "loan_amount" in (processing.cause or "")
    entered = [s.state for s in steps if not s.ended]
    assert entered == p.states_entered(execution.arn)
    assert "Ingestion" not in summary.states
    assert summary.durations()["Processing"] > 0


def test_watch_times_each_state_of_a_run_through_training(pipeline, workflow_raw_files):
    p = pipeline()
    machine = p.deploy(quality_gate_min_roc_auc="0.999")
    execution = p.start(machine, p.upload(workflow_raw_files.good))

    summary = watch(p.executor.sfn(), execution.arn, poll_seconds=0.2, timeout=300)

    assert summary.status == "SUCCEEDED"
    assert summary.output["status"] == "rejected"
    durations = summary.durations()
    assert {"Processing", "Ingestion", "Training", "NotifyRejected"} <= set(durations)
    assert summary.seconds is not None
    # States run one after another inside the run; each duration is rounded to the millisecond.
    assert sum(durations.values()) <= summary.seconds + 0.0005 * len(durations)
    assert durations["Training"] > durations["QualityGate"]
