"""The S3 trigger as AWS runs it: an object created in a bucket with EventBridge notifications on
becomes an "Object Created" event on the default bus; every enabled rule whose pattern matches
delivers it to its targets; a Step Functions target starts an execution with the rule's role.

moto evaluates the rule patterns and delivers to queues, logs and buses, but cannot start an
execution and shapes S3 events differently from AWS. The emulator addition
(`local_stack.emulator.additions.add_eventbridge_state_machine_targets`) fills both gaps with what
is here: the event as S3 sends it (`object_created_event`), the target's input as EventBridge
computes it (`target_input`: Input, InputPath or InputTransformer), the role check
(`role_denial`), and delivery with the target's retry policy and dead-letter queue
(`Deliveries`).
"""

from __future__ import annotations

import json
import logging
import random
import re
import threading
import time
import uuid
from collections.abc import Callable, Mapping
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import boto3
from botocore.config import Config
from botocore.exceptions import BotoCoreError, ClientError
from jsonpath_ng import parse as parse_jsonpath
from moto.iam.access_control import IAMPolicy, PermissionResult

log = logging.getLogger(__name__)

Json = Any
EVENTS_SERVICE = "events.amazonaws.com"
START_EXECUTION = "states:StartExecution"
# S3 event names (as moto passes them) -> the `reason` S3 puts in its EventBridge events.
CREATED_REASONS = {
    "s3:ObjectCreated:Put": "PutObject",
    "s3:ObjectCreated:Post": "POST Object",
    "s3:ObjectCreated:Copy": "CopyObject",
    "s3:ObjectCreated:CompleteMultipartUpload": "CompleteMultipartUpload",
}
# EventBridge's defaults when a target has no RetryPolicy.
DEFAULT_RETRY_ATTEMPTS = 185
DEFAULT_EVENT_AGE_SECONDS = 86_400
# Step Functions errors EventBridge retries (throttling and service-side failures).
RETRYABLE_CODES = frozenset(
    {"ThrottlingException", "ServiceUnavailable", "InternalServerError", "ExecutionLimitExceeded"}
)
_PLACEHOLDER = re.compile(r"<([A-Za-z0-9_.\-]+)>")
_sequence = iter(range(1, 2**62))
_sequence_lock = threading.Lock()


def iso_time(moment: datetime) -> str:
    """EventBridge's `time`: ISO-8601 UTC to the second."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def sequencer() -> str:
    """S3's `sequencer`: hexadecimal, growing with each event of this process."""
    with _sequence_lock:
        number = next(_sequence)
    return f"{time.time_ns():016X}{number:04X}"


def object_created_event(
    *,
    account: str,
    region: str,
    bucket: str,
    key: str,
    size: int,
    etag: str,
    version_id: str | None,
    event_name: str,
    requester: str,
    source_ip: str = "127.0.0.1",
    now: datetime | None = None,
) -> dict[str, Json]:
    """The "Object Created" event S3 sends to EventBridge (the shape AWS documents)."""
    obj: dict[str, Json] = {"key": key, "size": size, "etag": etag.strip('"')}
    if version_id and version_id != "null":
        obj["version-id"] = version_id
    obj["sequencer"] = sequencer()
    return {
        "version": "0",
        "id": str(uuid.uuid4()),
        "detail-type": "Object Created",
        "source": "aws.s3",
        "account": account,
        "time": iso_time(now or datetime.now(UTC)),
        "region": region,
        "resources": [f"arn:aws:s3:::{bucket}"],
        "detail": {
            "version": "0",
            "bucket": {"name": bucket},
            "object": obj,
            "request-id": uuid.uuid4().hex[:16].upper(),
            "requester": requester,
            "source-ip-address": source_ip,
            "reason": CREATED_REASONS.get(event_name, "PutObject"),
        },
    }


class InputTransformError(ValueError):
    """The target's InputPath or InputTransformer cannot be applied to the event."""


def _select(path: str, event: Json) -> Json:
    try:
        matches = parse_jsonpath(path).find(event)
    except Exception as exc:  # jsonpath-ng raises its own error types for bad syntax
        raise InputTransformError(f"invalid JSON path {path!r}: {exc}") from exc
    if not matches:
        return None
    if len(matches) == 1:
        return matches[0].value
    return [match.value for match in matches]


def target_input(target: Mapping[str, Json], event: Mapping[str, Json], rule_arn: str) -> str:
    """The JSON text EventBridge hands the target: `Input` as is, the part `InputPath` selects,
    the `InputTransformer`'s template filled in, or else the whole event."""
    if target.get("Input") is not None:
        return str(target["Input"])
    if target.get("InputPath"):
        return json.dumps(_select(target["InputPath"], event))
    transformer = target.get("InputTransformer")
    if not transformer:
        return json.dumps(event)
    values: dict[str, Json] = {
        name: _select(path, event)
        for name, path in (transformer.get("InputPathsMap") or {}).items()
    }
    values["aws.events.rule-arn"] = rule_arn
    values["aws.events.rule-name"] = rule_arn.rsplit("/", 1)[-1]
    values["aws.events.event.ingestion-time"] = event.get("time")
    values["aws.events.event"] = event
    values["aws.events.event.json"] = event
    return fill_template(str(transformer.get("InputTemplate", "")), values)


def fill_template(template: str, values: Mapping[str, Json]) -> str:
    """EventBridge's InputTemplate rules: inside a JSON string a placeholder becomes the value's
    text (strings unquoted); elsewhere it becomes the value as JSON. Unknown placeholders stay."""
    out: list[str] = []
    in_string = False
    position = 0
    while position < len(template):
        char = template[position]
        if char == "<" and (found := _PLACEHOLDER.match(template, position)):
            name = found.group(1)
            if name in values:
                out.append(_text(values[name], in_string))
                position = found.end()
                continue
        if char == '"' and (position == 0 or template[position - 1] != "\\"):
            in_string = not in_string
        out.append(char)
        position += 1
    return "".join(out)


def _text(value: Json, in_string: bool) -> str:
    if in_string:
        if isinstance(value, str):
            return json.dumps(value)[1:-1]
        return json.dumps(json.dumps(value))[1:-1]
    return json.dumps(value)


def role_denial(role: Any, action: str, resource: str, service: str = EVENTS_SERVICE) -> str | None:
    """Why EventBridge could not use `role` (a moto IAM role) for `action` on `resource`, or None.

    The role must trust `service` and allow the action on the resource through its inline or
    attached policies, with no explicit deny (conditions are not evaluated)."""
    if role is None:
        return "the target has no role, or the role does not exist"
    if not _trusts(role.assume_role_policy_document, service):
        return f"role {role.name} does not trust {service}"
    documents = list(role.policies.values())
    documents += [IAMPolicy(policy) for policy in role.managed_policies.values()]
    results = [
        (doc if isinstance(doc, IAMPolicy) else IAMPolicy(doc)).is_action_permitted(
            action, resource
        )
        for doc in documents
    ]
    if PermissionResult.DENIED in results:
        return f"role {role.name} explicitly denies {action} on {resource}"
    if PermissionResult.PERMITTED not in results:
        return f"role {role.name} is not allowed {action} on {resource}"
    return None


def _trusts(document: str | Mapping[str, Json], service: str) -> bool:
    trust = json.loads(document) if isinstance(document, str) else document
    statements = trust.get("Statement", [])
    for statement in statements if isinstance(statements, list) else [statements]:
        principal = statement.get("Principal") or {}
        services = principal.get("Service", []) if isinstance(principal, dict) else []
        services = [services] if isinstance(services, str) else services
        actions = statement.get("Action", [])
        actions = [actions] if isinstance(actions, str) else actions
        if (
            statement.get("Effect") == "Allow"
            and service in services
            and any(a in {"sts:AssumeRole", "sts:*", "*"} for a in actions)
        ):
            return True
    return False


class DeliveryError(Exception):
    """A delivery attempt failed; `retryable` says whether EventBridge would try again."""

    def __init__(self, code: str, message: str, *, retryable: bool) -> None:
        super().__init__(f"{code}: {message}")
        self.code = code
        self.message = message
        self.retryable = retryable


@dataclass(frozen=True)
class StateMachineDelivery:
    """One event for one Step Functions target of one rule."""

    rule_arn: str
    target_id: str
    state_machine_arn: str
    input_text: str
    event: Mapping[str, Json]
    maximum_retry_attempts: int = DEFAULT_RETRY_ATTEMPTS
    maximum_event_age_seconds: int = DEFAULT_EVENT_AGE_SECONDS
    dead_letter_arn: str | None = None
    denial: str | None = None  # the role check's verdict, made when the event arrived

    @classmethod
    def for_target(
        cls,
        rule_arn: str,
        target: Mapping[str, Json],
        event: Mapping[str, Json],
        denial: str | None,
    ) -> StateMachineDelivery:
        retry = target.get("RetryPolicy") or {}
        try:
            input_text = target_input(target, event, rule_arn)
        except InputTransformError as exc:
            input_text, denial = "{}", denial or f"InputTransformer: {exc}"
        return cls(
            rule_arn=rule_arn,
            target_id=str(target.get("Id", "")),
            state_machine_arn=str(target["Arn"]),
            input_text=input_text,
            event=event,
            maximum_retry_attempts=int(retry.get("MaximumRetryAttempts", DEFAULT_RETRY_ATTEMPTS)),
            maximum_event_age_seconds=int(
                retry.get("MaximumEventAgeInSeconds", DEFAULT_EVENT_AGE_SECONDS)
            ),
            dead_letter_arn=(target.get("DeadLetterConfig") or {}).get("Arn"),
            denial=denial,
        )


StartExecution = Callable[[str, str, str], str]  # (state machine ARN, name, input) -> execution ARN
DeadLetter = Callable[[str, str, Mapping[str, Mapping[str, str]]], None]  # (queue ARN, body, attrs)


class Deliveries:
    """Delivers events to Step Functions targets in background threads, as EventBridge does:
    retryable failures are retried with exponential backoff and full jitter within the target's
    RetryPolicy (attempts and event age; each delay capped at `max_delay_seconds`); the others,
    and events out of retries, go to the target's dead-letter queue with EventBridge's attributes.
    """

    def __init__(
        self,
        start_execution: StartExecution,
        dead_letter: DeadLetter,
        *,
        base_delay_seconds: float = 1.0,
        max_delay_seconds: float = 30.0,
        sleep: Callable[[float], None] = time.sleep,
        workers: int = 4,
    ) -> None:
        self.start_execution = start_execution
        self.dead_letter = dead_letter
        self.base_delay_seconds = base_delay_seconds
        self.max_delay_seconds = max_delay_seconds
        self.sleep = sleep
        self._pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="eventbridge")

    def submit(self, delivery: StateMachineDelivery) -> Future[str | None]:
        return self._pool.submit(self.deliver, delivery)

    def deliver(self, delivery: StateMachineDelivery) -> str | None:
        """Deliver now (blocking); returns the execution ARN, or None if it went to the DLQ."""
        if delivery.denial:
            self._give_up(delivery, "AccessDenied", delivery.denial, attempts=0, exhausted=None)
            return None
        started = time.monotonic()
        attempt = 0
        while True:
            try:
                arn = self.start_execution(
                    delivery.state_machine_arn, str(uuid.uuid4()), delivery.input_text
                )
                log.info("rule %s started %s", delivery.rule_arn, arn)
                return arn
            except DeliveryError as error:
                if not error.retryable:
                    self._give_up(delivery, error.code, error.message, attempt, exhausted=None)
                    return None
                if attempt >= delivery.maximum_retry_attempts:
                    self._give_up(
                        delivery,
                        error.code,
                        error.message,
                        attempt,
                        exhausted="MaximumRetryAttemptsExhausted",
                    )
                    return None
                delay = random.uniform(  # noqa: S311 (jitter, not security)
                    0, min(self.max_delay_seconds, self.base_delay_seconds * 2**attempt)
                )
                if time.monotonic() - started + delay > delivery.maximum_event_age_seconds:
                    self._give_up(
                        delivery,
                        error.code,
                        error.message,
                        attempt,
                        exhausted="MaximumEventAgeExhausted",
                    )
                    return None
                log.warning(
                    "delivery to %s failed (%s); retrying", delivery.state_machine_arn, error
                )
                self.sleep(delay)
                attempt += 1

    def _give_up(
        self,
        delivery: StateMachineDelivery,
        code: str,
        message: str,
        attempts: int,
        exhausted: str | None,
    ) -> None:
        log.error(
            "rule %s could not start %s: %s: %s",
            delivery.rule_arn,
            delivery.state_machine_arn,
            code,
            message,
        )
        if not delivery.dead_letter_arn:
            return
        attributes = {
            "RULE_ARN": delivery.rule_arn,
            "TARGET_ARN": delivery.state_machine_arn,
            "ERROR_CODE": code,
            "ERROR_MESSAGE": message[:1000],
            "RETRY_ATTEMPTS": str(attempts),
        }
        if exhausted:
            attributes["EXHAUSTED_RETRY_CONDITION"] = exhausted
        try:
            self.dead_letter(
                delivery.dead_letter_arn,
                json.dumps(delivery.event),
                {k: {"DataType": "String", "StringValue": v} for k, v in attributes.items()},
            )
        except Exception:  # the dead-letter queue itself may be gone; nothing more to do
            log.exception("could not send the event to %s", delivery.dead_letter_arn)

    def close(self) -> None:
        self._pool.shutdown(wait=False, cancel_futures=True)


def http_start_execution(endpoint_url: str, region: str) -> StartExecution:
    """StartExecution on a Step Functions API (the local workflow executor), errors mapped to
    DeliveryError: throttling, service errors and an unreachable endpoint are retryable."""
    client = boto3.client(
        "stepfunctions",
        endpoint_url=endpoint_url,
        region_name=region,
        aws_access_key_id="local",
        aws_secret_access_key="local",  # noqa: S106 (the local stack's fixed fake credentials)
        config=Config(retries={"max_attempts": 1}, connect_timeout=5, read_timeout=30),
    )

    def start(state_machine_arn: str, name: str, input_text: str) -> str:
        try:
            response = client.start_execution(
                stateMachineArn=state_machine_arn, name=name, input=input_text
            )
        except ClientError as exc:
            error = exc.response.get("Error", {})
            code = str(error.get("Code", "ClientError"))
            raise DeliveryError(
                code, str(error.get("Message", exc)), retryable=code in RETRYABLE_CODES
            ) from exc
        except BotoCoreError as exc:  # refused connection, timeout: the executor is not up yet
            raise DeliveryError("ServiceUnavailable", str(exc), retryable=True) from exc
        return str(response["executionArn"])

    return start
