"""Workflow runs seen through the Step Functions API (the local executor answers it): which run an
uploaded object started, and its execution history. Following a run state by state, with
durations: `mlops.workflow_progress.watch`."""

from __future__ import annotations

import json
import time
from dataclasses import dataclass
from datetime import datetime
from typing import Any


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
