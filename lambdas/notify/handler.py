"""Lambda entry point: invoked by the workflow to send the live / rejected / failed email."""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities.typing import LambdaContext

from lambdas.notify.messages import notification_email
from lambdas.notify.payload import Notification
from lambdas.shared import aws
from lambdas.shared.idempotency import run_once
from lambdas.shared.observability import observability
from lambdas.shared.settings import load_settings
from lambdas.shared.workflow import validate_payload

logger, tracer, metrics = observability("notify")


def send_notification(notification: Notification, *, sns: Any, topic_arn: str) -> dict[str, str]:
    email = notification_email(notification)
    published = sns.publish(TopicArn=topic_arn, Subject=email.subject, Message=email.body)
    logger.info("notification sent", extra={"kind": notification.kind})
    return {"message_id": published["MessageId"]}


@logger.inject_lambda_context(log_event=False)
@tracer.capture_lambda_handler
@metrics.log_metrics
def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, str]:
    notification = validate_payload(Notification, event)
    logger.set_correlation_id(notification.execution_name or notification.execution_arn)
    settings = load_settings("notification_topic_arn", "idempotency_table_name")
    dynamodb = aws.client("dynamodb")
    result = run_once(
        lambda: send_notification(
            notification, sns=aws.client("sns"), topic_arn=settings.notification_topic_arn
        ),
        # One email of each kind per run, however often Lambda or the workflow retries.
        key={"kind": notification.kind, "execution_arn": notification.execution_arn},
        key_prefix="notify",
        table_name=settings.idempotency_table_name,
        dynamodb=dynamodb,
        context=context,
    )
    metrics.add_metric(name=f"Notified{notification.kind.title()}", unit=MetricUnit.Count, value=1)
    return result
