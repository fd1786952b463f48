"""Lambda entry point: invoked by the workflow (`lambda:invoke.waitForTaskToken`).

The function returns at once; the workflow keeps waiting until the reviewer's POST resumes it.
Neither the event (it holds the task token) nor the result is logged or traced.
"""

from __future__ import annotations

import time
from typing import Any

from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities.typing import LambdaContext

from lambdas.approval_request.payload import ApprovalRequest
from lambdas.approval_request.review import request_approval
from lambdas.shared import aws
from lambdas.shared.idempotency import run_once
from lambdas.shared.observability import observability
from lambdas.shared.settings import load_settings
from lambdas.shared.workflow import validate_payload

logger, tracer, metrics = observability("approval-request")
REQUIRED_SETTINGS = (
    "approvals_table_name",
    "artifacts_bucket",
    "notification_topic_arn",
    "idempotency_table_name",
)


@logger.inject_lambda_context(log_event=False)
@tracer.capture_lambda_handler(capture_response=False)
@metrics.log_metrics
def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    request = validate_payload(ApprovalRequest, event)
    logger.set_correlation_id(request.execution_name)
    settings = load_settings(*REQUIRED_SETTINGS)
    dynamodb = aws.client("dynamodb")
    result = run_once(
        lambda: request_approval(
            request,
            s3=aws.client("s3"),
            dynamodb=dynamodb,
            sns=aws.client("sns"),
            settings=settings,
            now=time.time(),
        ),
        # One wait state, one approval: a retried invocation carries the same task token.
        key={"task_token": request.task_token.get_secret_value()},
        key_prefix="approval_request",
        table_name=settings.idempotency_table_name,
        dynamodb=dynamodb,
        context=context,
    )
    metrics.add_metric(name="ApprovalsRequested", unit=MetricUnit.Count, value=1)
    return result
