"""notify against moto: the three emails, sent once however often the workflow retries."""

from __future__ import annotations

from typing import Any

import pytest

from lambdas.notify.handler import handler
from lambdas.shared.workflow import InvalidPayloadError
from local_stack.api_gateway import LocalContext
from tests.fixtures.lambdas import AwsWorld, load_event


def invoke(event: dict[str, Any]) -> dict[str, str]:
    result: dict[str, str] = handler(event, LocalContext(function_name="notify"))
    return result


def test_handler_live_email_gives_the_api_urls(aws_world: AwsWorld) -> None:
    result = invoke(load_event("notify_live.json"))
    [email] = aws_world.emails()
    assert result["message_id"]
    assert email["subject"] == "[credit-risk] Live: credit-risk v3 on credit-risk"
    assert "GET https://api.example.com/features/{id}" in email["body"]
    assert "GET https://api.example.com/predictions/{id}" in email["body"]


def test_handler_rejected_email_says_by_whom(aws_world: AwsWorld) -> None:
    invoke(load_event("notify_rejected.json"))
    [email] = aws_world.emails()
    assert "Rejected: credit-risk v3 (reviewer)" in email["subject"]
    assert "Recall too low for the new segment." in email["body"]


def test_handler_failed_email_gives_step_cause_and_raw_object(aws_world: AwsWorld) -> None:
    invoke(load_event("notify_failed.json"))
    [email] = aws_world.emails()
    assert email["subject"] == "[credit-risk] Failed: run-2024-05-01-a1b2 at Train"
    assert "Step:   Train" in email["body"]
    assert (
        "Cause:  AlgorithmError: training data has a single class (status is always 0); "
        "cannot fit a classifier, exit code: 1 (job run-2024-05-01-a1b2-training)"
    ) in email["body"]
    assert "s3://raw/incoming/loans-2024-05.csv" in email["body"]


def test_handler_retried_sends_the_email_once(aws_world: AwsWorld) -> None:
    event = load_event("notify_failed.json")
    first = invoke(event)
    assert invoke(event) == first
    assert len(aws_world.emails()) == 1


def test_handler_sends_each_kind_once_per_run(aws_world: AwsWorld) -> None:
    invoke(load_event("notify_rejected.json"))
    invoke(load_event("notify_failed.json"))
    other_run = load_event("notify_failed.json")
    other_run["execution_arn"] += "-2"
    invoke(other_run)
    assert len(aws_world.emails()) == 3


def test_handler_refuses_a_payload_without_kind(aws_world: AwsWorld) -> None:
    event = load_event("notify_live.json")
    del event["kind"]
    with pytest.raises(InvalidPayloadError, match="kind"):
        invoke(event)
    assert aws_world.emails() == []
