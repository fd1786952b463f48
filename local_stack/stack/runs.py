"""Workflow runs seen through the Step Functions API (the local executor answers it): which run an
uploaded object started, and each state's start, end and duration from the execution history."""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any

_ENTERED = "StateEntered"
_EXITED = "StateExited"


@dataclass(frozen=True)
class Run:
    arn: str
    name: str
    status: str
    started: datetime
    stopped: datetime | None
    bucket: str | None
    key: str | None
    etag: str | None

    def to_json(self) -> dict[str, Any]:
        return {
            "execution_arn": self.arn,
            "name": self.name,
            "status": self.status,
            "started": self.started.isoformat(),
            "stopped": self.stopped.isoformat() if self.stopped else None,
            "duration_seconds": (
                round((self.stopped - self.started).total_seconds(), 1) if self.stopped else None
            ),
            "object": f"s3://{self.bucket}/{self.key}" if self.key else None,
        }


def _source(input_text: str | None) -> tuple[str | None, str | None, str | None]:
    try:
        detail = json.loads(input_text or "{}").get("detail") or {}
    except (ValueError, AttributeError):
        return None, None, None
    obj = detail.get("object") or {}
    return (detail.get("bucket") or {}).get("name"), obj.get("key"), obj.get("etag")


def runs(sfn: Any, state_machine_arn: str, limit: int = 50) -> list[Run]:
    """The latest runs, newest first, with the object each was started for."""
    found = []
    listed = sfn.list_executions(stateMachineArn=state_machine_arn, maxResults=limit)
    for item in listed.get("executions", []):
        described = sfn.describe_execution(executionArn=item["executionArn"])
        bucket, key, etag = _source(described.get("input"))
        found.append(
            Run(
                arn=item["executionArn"],
                name=item["name"],
                status=described["status"],
                started=described["startDate"],
                stopped=described.get("stopDate"),
                bucket=bucket,
                key=key,
                etag=etag,
            )
        )
    return found


def wait_for_run(
    sfn: Any,
    state_machine_arn: str,
    key: str,
    etag: str | None = None,
    *,
    known: frozenset[str] = frozenset(),
    timeout: float = 60.0,
    poll_seconds: float = 0.25,
) -> Run:
    """The run an upload of `key` started (ignoring the runs in `known`); TimeoutError if none
    appears: the event did not reach the workflow."""
    deadline = time.monotonic() + timeout
    while True:
        for run in runs(sfn, state_machine_arn):
            if run.arn not in known and run.key == key and (etag is None or run.etag == etag):
                return run
        if time.monotonic() > deadline:
            raise TimeoutError(f"no workflow run started for {key} within {timeout:.0f} s")
        time.sleep(poll_seconds)


def history(sfn: Any, execution_arn: str) -> list[dict[str, Any]]:
    events: list[dict[str, Any]] = []
    arguments: dict[str, Any] = {"executionArn": execution_arn, "maxResults": 1000}
    while True:
        page = sfn.get_execution_history(**arguments)
        events += page.get("events", [])
        if not page.get("nextToken"):
            return events
        arguments["nextToken"] = page["nextToken"]


@dataclass(frozen=True)
class StateEvent:
    """A state entered (`ended` False) or left (`ended` True, with how long it lasted)."""

    state: str
    state_type: str
    ended: bool
    at: datetime
    seconds: float | None = None


def state_events(events: list[dict[str, Any]]) -> Iterator[StateEvent]:
    entered: dict[str, datetime] = {}
    for event in events:
        kind = str(event["type"])
        if kind.endswith(_ENTERED):
            name = event["stateEnteredEventDetails"]["name"]
            entered[name] = event["timestamp"]
            yield StateEvent(name, kind.removesuffix(_ENTERED), False, event["timestamp"])
        elif kind.endswith(_EXITED):
            name = event["stateExitedEventDetails"]["name"]
            start = entered.pop(name, event["timestamp"])
            seconds = (event["timestamp"] - start).total_seconds()
            yield StateEvent(name, kind.removesuffix(_EXITED), True, event["timestamp"], seconds)


def durations(events: list[dict[str, Any]]) -> dict[str, float]:
    """Seconds spent in each state (summed when a state ran more than once, as polling does)."""
    totals: dict[str, float] = {}
    for event in state_events(events):
        if event.ended and event.seconds is not None:
            totals[event.state] = round(totals.get(event.state, 0.0) + event.seconds, 3)
    return totals


def follow(
    sfn: Any,
    execution_arn: str,
    on_event: Callable[[StateEvent], None],
    *,
    timeout: float | None = None,
    poll_seconds: float = 0.25,
) -> dict[str, Any]:
    """Call `on_event` for each state entered and left, live, until the run ends; returns the
    final DescribeExecution. TimeoutError when it runs longer than `timeout`."""
    deadline = None if timeout is None else time.monotonic() + timeout
    seen = 0
    while True:
        described = sfn.describe_execution(executionArn=execution_arn)
        emitted = list(state_events(history(sfn, execution_arn)))
        for event in emitted[seen:]:
            on_event(event)
        seen = len(emitted)
        if described["status"] != "RUNNING":
            return dict(described)
        if deadline is not None and time.monotonic() > deadline:
            raise TimeoutError(f"{execution_arn} still running after {timeout:.0f} s")
        time.sleep(poll_seconds)
