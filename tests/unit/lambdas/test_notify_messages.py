from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from lambdas.notify.messages import notification_email, readable_cause, step_failures
from lambdas.notify.payload import Notification, StepError

EVENTS = Path(__file__).parents[2] / "events"


def notification(name: str, **changes: Any) -> Notification:
    event = json.loads((EVENTS / name).read_text())
    event.update(changes)
    return Notification.model_validate(event)


def test_readable_cause_takes_sagemakers_failure_reason() -> None:
    cause = json.dumps(
        {"TrainingJobName": "run-1-training", "FailureReason": "AlgorithmError: one class"}
    )
    assert readable_cause(cause) == "AlgorithmError: one class (job run-1-training)"


def test_readable_cause_takes_a_lambda_error_message() -> None:
    cause = json.dumps(
        {
            "errorMessage": "evaluation missing",
            "errorType": "ReviewArtifactsError",
            "stackTrace": [],
        }
    )
    assert readable_cause(cause) == "ReviewArtifactsError: evaluation missing"


@pytest.mark.parametrize("cause", ["Could not find model data (Service: SageMaker)", "[1, 2]", ""])
def test_readable_cause_keeps_anything_else_as_it_is(cause: str) -> None:
    assert readable_cause(cause) == cause


def test_step_failures_keep_the_step_and_the_raw_cause() -> None:
    failures = step_failures({"Ingest": StepError(Error="States.TaskFailed", Cause="boom")})
    assert [(f.step, f.error, f.reason, f.raw_cause) for f in failures] == [
        ("Ingest", "States.TaskFailed", "boom", "boom")
    ]


def test_notification_email_for_a_failed_run_names_step_cause_and_object() -> None:
    email = notification_email(notification("notify_failed.json"))
    assert "at Train" in email.subject
    assert "AlgorithmError: training data has a single class" in email.body
    assert "s3://raw/incoming/loans-2024-05.csv" in email.body
    assert '"TrainingJobStatus": "Failed"' in email.body  # the raw cause, for the curious


def test_notification_email_for_a_reviewer_rejection_quotes_the_comment() -> None:
    email = notification_email(notification("notify_rejected.json"))
    assert "rejected by the reviewer" in email.body
    assert "Reviewer's comment: Recall too low for the new segment." in email.body


def test_notification_email_for_the_quality_gate_gives_the_bar() -> None:
    email = notification_email(
        notification(
            "notify_rejected.json", reason="quality_gate", quality_gate_min_roc_auc=0.8, errors={}
        )
    )
    assert "ROC AUC 0.784 is below the quality gate's minimum of 0.800" in email.body


def test_notification_email_for_a_timeout_says_nobody_decided() -> None:
    email = notification_email(notification("notify_rejected.json", reason="timeout"))
    assert "approval timeout" in email.body
    assert "Nobody approved or rejected" in email.body


def test_notification_email_for_live_gives_the_api_urls() -> None:
    email = notification_email(notification("notify_live.json"))
    assert email.subject == "[credit-risk] Live: credit-risk v3 on credit-risk"
    assert "https://api.example.com/predictions/{id}" in email.body
