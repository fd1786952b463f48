"""The S3 -> EventBridge -> Step Functions trigger: the event S3 sends, the target input
EventBridge computes, and delivery with retries and the dead-letter queue."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

import pytest

from local_stack import trigger

RULE_ARN = "arn:aws:events:eu-west-1:123456789012:rule/raw-object-created"
MACHINE = "arn:aws:states:eu-west-1:123456789012:stateMachine:workflow"
QUEUE = "arn:aws:sqs:eu-west-1:123456789012:dlq"


def event(**overrides: Any) -> dict[str, Any]:
    arguments: dict[str, Any] = {
        "account": "123456789012",
        "region": "eu-west-1",
        "bucket": "raw",
        "key": "incoming/loans.csv",
        "size": 42,
        "etag": '"abc123"',
        "version_id": "v1",
        "event_name": "s3:ObjectCreated:Put",
        "requester": "123456789012",
        "now": datetime(2026, 1, 2, 3, 4, 5, 678000, tzinfo=UTC),
    }
    return trigger.object_created_event(**{**arguments, **overrides})


def test_object_created_event_has_the_shape_s3_sends() -> None:
    sent = event()
    assert sent["source"] == "aws.s3"
    assert sent["detail-type"] == "Object Created"
    assert sent["time"] == "2026-01-02T03:04:05Z"
    assert sent["resources"] == ["arn:aws:s3:::raw"]
    assert sent["detail"]["bucket"] == {"name": "raw"}
    obj = sent["detail"]["object"]
    assert (obj["key"], obj["size"], obj["etag"], obj["version-id"]) == (
        "incoming/loans.csv",
        42,
        "abc123",
        "v1",
    )
    assert sent["detail"]["reason"] == "PutObject"


def test_object_created_event_omits_the_version_of_an_unversioned_bucket() -> None:
    assert "version-id" not in event(version_id=None)["detail"]["object"]
    assert "version-id" not in event(version_id="null")["detail"]["object"]


def test_object_created_event_sequencers_grow() -> None:
    first, second = event(), event()
    assert second["detail"]["object"]["sequencer"] > first["detail"]["object"]["sequencer"]
    assert first["id"] != second["id"]


def test_target_input_is_the_whole_event_without_input_settings() -> None:
    sent = event()
    assert json.loads(trigger.target_input({"Arn": MACHINE}, sent, RULE_ARN)) == sent


def test_target_input_uses_input_or_input_path() -> None:
    sent = event()
    assert trigger.target_input({"Input": '{"fixed": 1}'}, sent, RULE_ARN) == '{"fixed": 1}'
    selected = trigger.target_input({"InputPath": "$.detail.object.key"}, sent, RULE_ARN)
    assert json.loads(selected) == "incoming/loans.csv"


def test_target_input_fills_the_transformer_template_as_eventbridge_does() -> None:
    transformer = {
        "InputPathsMap": {"key": "$.detail.object.key", "size": "$.detail.object.size"},
        "InputTemplate": (
            '{"object": "s3://raw/<key>", "size": <size>, "rule": "<aws.events.rule-name>"}'
        ),
    }
    text = trigger.target_input({"InputTransformer": transformer}, event(), RULE_ARN)
    assert json.loads(text) == {
        "object": "s3://raw/incoming/loans.csv",
        "size": 42,
        "rule": "raw-object-created",
    }


def test_fill_template_quotes_strings_outside_json_strings_and_keeps_unknown_placeholders() -> None:
    assert trigger.fill_template("<key>", {"key": 'a"b'}) == '"a\\"b"'
    assert trigger.fill_template('"<n> <other>"', {"n": 3}) == '"3 <other>"'


def test_target_input_with_a_bad_path_is_an_input_transform_error() -> None:
    with pytest.raises(trigger.InputTransformError, match="invalid JSON path"):
        trigger.target_input({"InputPath": "$[["}, event(), RULE_ARN)


def delivery(**overrides: Any) -> trigger.StateMachineDelivery:
    target = {"Id": "workflow", "Arn": MACHINE, "DeadLetterConfig": {"Arn": QUEUE}, **overrides}
    return trigger.StateMachineDelivery.for_target(RULE_ARN, target, event(), None)


class Recorder:
    def __init__(self, failures: list[trigger.DeliveryError]) -> None:
        self.failures = failures
        self.started: list[tuple[str, str]] = []
        self.dead: list[tuple[str, dict[str, Any]]] = []

    def start(self, machine: str, name: str, input_text: str) -> str:
        if self.failures:
            raise self.failures.pop(0)
        self.started.append((machine, input_text))
        return f"{machine}:{name}"

    def dead_letter(self, queue: str, body: str, attributes: Any) -> None:
        self.dead.append((queue, {k: v["StringValue"] for k, v in attributes.items()}))


def deliveries(recorder: Recorder) -> trigger.Deliveries:
    return trigger.Deliveries(recorder.start, recorder.dead_letter, sleep=lambda _: None)


def test_deliver_retries_a_throttled_start_then_succeeds() -> None:
    recorder = Recorder([trigger.DeliveryError("ThrottlingException", "slow down", retryable=True)])
    arn = deliveries(recorder).deliver(delivery())
    assert arn is not None
    assert arn.startswith(MACHINE)
    assert len(recorder.started) == 1
    assert json.loads(recorder.started[0][1])["detail"]["object"]["key"] == "incoming/loans.csv"
    assert recorder.dead == []


def test_deliver_sends_a_final_error_to_the_dead_letter_queue() -> None:
    recorder = Recorder(
        [trigger.DeliveryError("StateMachineDoesNotExist", "gone", retryable=False)]
    )
    assert deliveries(recorder).deliver(delivery()) is None
    assert recorder.dead == [
        (
            QUEUE,
            {
                "RULE_ARN": RULE_ARN,
                "TARGET_ARN": MACHINE,
                "ERROR_CODE": "StateMachineDoesNotExist",
                "ERROR_MESSAGE": "gone",
                "RETRY_ATTEMPTS": "0",
            },
        )
    ]


def test_deliver_gives_up_after_the_retry_policy_attempts() -> None:
    failures = [trigger.DeliveryError("ServiceUnavailable", "down", retryable=True)] * 3
    recorder = Recorder(list(failures))
    retry = {"RetryPolicy": {"MaximumRetryAttempts": 2}}
    assert deliveries(recorder).deliver(delivery(**retry)) is None
    assert recorder.started == []
    assert recorder.dead[0][1]["EXHAUSTED_RETRY_CONDITION"] == "MaximumRetryAttemptsExhausted"
    assert recorder.dead[0][1]["RETRY_ATTEMPTS"] == "2"


def test_deliver_refuses_a_denied_role_without_starting() -> None:
    target = {"Id": "workflow", "Arn": MACHINE, "DeadLetterConfig": {"Arn": QUEUE}}
    denied = trigger.StateMachineDelivery.for_target(RULE_ARN, target, event(), "role r denies")
    recorder = Recorder([])
    assert deliveries(recorder).deliver(denied) is None
    assert recorder.started == []
    assert recorder.dead[0][1]["ERROR_CODE"] == "AccessDenied"
