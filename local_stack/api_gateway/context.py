"""A Lambda context object for handlers run in process (what Powertools reads from it)."""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

Invoker = Callable[[dict[str, Any]], Any]
Handler = Callable[[dict[str, Any], Any], Any]


@dataclass
class LocalContext:
    function_name: str = "local-function"
    memory_limit_in_mb: int = 256
    timeout_seconds: float = 30.0
    region: str = "us-east-1"
    account_id: str = "000000000000"
    aws_request_id: str = field(default_factory=lambda: str(uuid.uuid4()))
    function_version: str = "$LATEST"
    log_group_name: str = ""
    log_stream_name: str = "local"
    _started: float = field(default_factory=time.monotonic, repr=False)

    @property
    def invoked_function_arn(self) -> str:
        return f"arn:aws:lambda:{self.region}:{self.account_id}:function:{self.function_name}"

    def get_remaining_time_in_millis(self) -> int:
        elapsed = time.monotonic() - self._started
        return max(0, int((self.timeout_seconds - elapsed) * 1000))


def in_process(handler: Handler, function_name: str = "local-function") -> Invoker:
    """An invoker calling `handler(event, context)` in this process, a fresh context per call."""

    def invoke(event: dict[str, Any]) -> Any:
        return handler(event, LocalContext(function_name=function_name))

    return invoke
