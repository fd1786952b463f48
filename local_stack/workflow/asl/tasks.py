"""What a Task state hands to an integration: the parsed Resource and the rendered request."""

from __future__ import annotations

import re
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from local_stack.workflow.asl.errors import UnsupportedConstructError

Json = Any

_RESOURCE = re.compile(
    r"^arn:aws[a-z-]*:states:[a-z0-9-]*:[0-9]*:(?P<path>[A-Za-z0-9:.-]+?)(?:\.(?P<pattern>sync|waitForTaskToken))?$"
)


@dataclass(frozen=True)
class ResourceRef:
    """`arn:aws:states:::sagemaker:createTrainingJob.sync` -> service `sagemaker`, action
    `createTrainingJob`, pattern `sync`; AWS SDK integrations have service `aws-sdk:<service>`."""

    arn: str
    service: str
    action: str
    pattern: str  # "", "sync" or "waitForTaskToken"

    @property
    def resource_type(self) -> str:
        """The history's `resourceType` (e.g. `sagemaker`, `aws-sdk:sagemaker`)."""
        return self.service

    @property
    def resource_name(self) -> str:
        """The history's `resource` (e.g. `createTrainingJob.sync`)."""
        return f"{self.action}.{self.pattern}" if self.pattern else self.action


def parse_resource(arn: str) -> ResourceRef:
    match = _RESOURCE.match(arn)
    if not match:
        raise UnsupportedConstructError(
            f"Task Resource {arn!r} is not a service integration (arn:aws:states:::service:action);"
            " activities and bare function ARNs are not supported by the local executor"
        )
    parts = match.group("path").split(":")
    if parts[0] == "aws-sdk" and len(parts) == 3:
        return ResourceRef(arn, f"aws-sdk:{parts[1]}", parts[2], match.group("pattern") or "")
    if len(parts) == 2:
        return ResourceRef(arn, parts[0], parts[1], match.group("pattern") or "")
    raise UnsupportedConstructError(f"Task Resource {arn!r} has an unexpected form")


@dataclass
class TaskRequest:
    resource: ResourceRef
    parameters: Json
    state_name: str
    execution_arn: str
    execution_name: str
    deadline: float | None  # time.monotonic() value from TimeoutSeconds(Path)
    stop: threading.Event
    # Records TaskSubmitted (a `.sync` job was created and is being watched).
    submitted: Callable[[Json], object]


# An integration: gets the rendered request, returns the task result or raises StatesError.
TaskHandler = Callable[[TaskRequest], Json]
