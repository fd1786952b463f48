"""Which email a notification becomes, and the failure causes dug out of Step Functions errors."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from lambdas.notify.payload import Notification, StepError
from lambdas.shared.emails import (
    Email,
    StepFailure,
    failed_email,
    live_email,
    rejected_email,
)
from lambdas.shared.metrics import HEADLINE_METRIC, LABELS, fmt, scalar_metrics
from lambdas.shared.resource_names import model_label

REJECTION_ERROR = "ModelRejected"


def notification_email(notification: Notification) -> Email:
    metrics = scalar_metrics(notification.metrics)
    model = model_label(notification.model_package_arn)
    common = {
        "source_uri": notification.source.uri,
        "execution_name": notification.execution_name,
    }
    if notification.kind == "live":
        return live_email(
            model=model,
            endpoint_name=notification.endpoint_name,
            api_base_url=notification.api_base_url,
            metrics=metrics,
            **common,
        )
    if notification.kind == "rejected":
        return rejected_email(
            model=model,
            reason=notification.reason or "",
            detail=rejection_detail(notification, metrics),
            metrics=metrics,
            **common,
        )
    return failed_email(
        failures=step_failures(notification.errors),
        execution_arn=notification.execution_arn,
        **common,
    )


def rejection_detail(notification: Notification, metrics: Mapping[str, float]) -> str:
    if notification.reason == "quality_gate":
        value, minimum = metrics.get(HEADLINE_METRIC), notification.quality_gate_min_roc_auc
        if value is not None and minimum is not None:
            return (
                f"{LABELS[HEADLINE_METRIC]} {fmt(value)} is below the quality gate's "
                f"minimum of {fmt(minimum)}; no reviewer was asked."
            )
        return "The model's metrics were below the quality gate; no reviewer was asked."
    if notification.reason == "reviewer":
        comments = [
            e.cause for e in notification.errors.values() if e.error == REJECTION_ERROR and e.cause
        ]
        return f"Reviewer's comment: {comments[0]}" if comments else "The reviewer left no comment."
    if notification.reason == "timeout":
        return "Nobody approved or rejected the model before the review link expired."
    return ""


def step_failures(errors: Mapping[str, StepError]) -> list[StepFailure]:
    return [
        StepFailure(step=step, error=e.error, reason=readable_cause(e.cause), raw_cause=e.cause)
        for step, e in errors.items()
    ]


def readable_cause(cause: str) -> str:
    """The most useful sentence inside a Step Functions cause.

    SageMaker `.sync` tasks put the Describe*Job response there (its `FailureReason` is what the
    job wrote to /opt/ml/output/failure or message); Lambda tasks put `errorMessage`/`errorType`.
    Anything else is returned as it is.
    """
    try:
        document: Any = json.loads(cause)
    except ValueError:
        return cause.strip()
    if not isinstance(document, dict):
        return cause.strip()
    job = next(
        (document[k] for k in ("ProcessingJobName", "TrainingJobName") if document.get(k)), ""
    )
    if document.get("FailureReason"):
        reason = str(document["FailureReason"]).strip()
        return f"{reason} (job {job})" if job else reason
    if document.get("errorMessage"):
        kind = document.get("errorType")
        message = str(document["errorMessage"]).strip()
        return f"{kind}: {message}" if kind else message
    for key in ("ExitMessage", "Cause", "message", "Message"):
        if isinstance(document.get(key), str) and document[key].strip():
            return str(document[key]).strip()
    return cause.strip()
