"""Functions the workflow tests deploy in the emulator (handler = tests.integration.workflow.
handlers.<name>); the Lambda runner imports them like real handlers."""

from __future__ import annotations

import json
import os
import time
from pathlib import Path
from typing import Any

import boto3


def echo(event: dict[str, Any], context: Any) -> dict[str, Any]:
    return {
        "event": event,
        "function_name": context.function_name,
        "remaining_ms": context.get_remaining_time_in_millis(),
        "env": {
            name: os.environ.get(name)
            for name in (
                "CONFIGURED",
                "LOCAL_STACK_MARKER",
                "HOST_ONLY_MARKER",
                "AWS_LAMBDA_FUNCTION_NAME",
            )
        },
    }


def fail(event: dict[str, Any], context: Any) -> None:
    raise ValueError(f"cannot handle {event.get('kind')}")


def slow(event: dict[str, Any], context: Any) -> str:
    time.sleep(float(event.get("seconds", 5)))
    return "done"


def slow_pid(event: dict[str, Any], context: Any) -> dict[str, int]:
    """`slow`, saying which process (execution environment) ran it."""
    time.sleep(float(event.get("seconds", 0.5)))
    return {"pid": os.getpid()}


def record(event: dict[str, Any], context: Any) -> dict[str, str]:
    """Append the event to the file in RECORD_FILE (the tests' outbox)."""
    with Path(os.environ["RECORD_FILE"]).open("a") as outbox:
        outbox.write(json.dumps(event) + "\n")
    return {"message_id": f"m-{time.monotonic_ns()}"}


def decide(event: dict[str, Any], context: Any) -> dict[str, str]:
    """An approval function that decides at once through the Step Functions API, like the real
    approvals API does on POST: DECISION=approve|reject|none."""
    record(event, context)
    sfn = boto3.client("stepfunctions")
    decision = os.environ.get("DECISION", "approve")
    if decision == "approve":
        sfn.send_task_success(
            taskToken=event["task_token"],
            output=json.dumps({"decision": "approved", "comment": "looks fine"}),
        )
    elif decision == "reject":
        sfn.send_task_failure(
            taskToken=event["task_token"], error="ModelRejected", cause="too risky"
        )
    return {"status": "pending"}


def exit_now(event: dict[str, Any], context: Any) -> None:
    os._exit(3)  # a crash that takes the runtime with it
