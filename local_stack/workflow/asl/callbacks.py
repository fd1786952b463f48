"""Task tokens of `.waitForTaskToken` tasks: issued by the interpreter, completed through
SendTaskSuccess/SendTaskFailure/SendTaskHeartbeat from any thread."""

from __future__ import annotations

import secrets
import threading
import time
from dataclasses import dataclass, field
from typing import Any

from local_stack.workflow.asl.errors import TIMEOUT, StatesError

Json = Any


class InvalidTokenError(Exception):
    """The token was never issued (Step Functions: InvalidTokenError)."""


class TaskTimedOutError(Exception):
    """The token belongs to a task that is no longer waiting (Step Functions: TaskTimedOut)."""


class ExecutionStoppedError(Exception):
    """The execution was stopped while this task waited."""


@dataclass
class _Slot:
    execution_arn: str
    state_name: str
    done: threading.Event = field(default_factory=threading.Event)
    output: Json = None
    error: StatesError | None = None
    open: bool = True


class CallbackRegistry:
    def __init__(self) -> None:
        self._slots: dict[str, _Slot] = {}
        self._lock = threading.Lock()

    def issue(self, execution_arn: str, state_name: str) -> str:
        # Unguessable, like the real tokens; URL-safe so it survives any transport.
        token = secrets.token_urlsafe(96)
        with self._lock:
            self._slots[token] = _Slot(execution_arn, state_name)
        return token

    def _open_slot(self, token: str) -> _Slot:
        slot = self._slots.get(token)
        if slot is None:
            raise InvalidTokenError("Invalid Token: the task token was not issued by this executor")
        if not slot.open:
            raise TaskTimedOutError("Task Timed Out: the task of this token is no longer waiting")
        return slot

    def succeed(self, token: str, output: Json) -> None:
        with self._lock:
            slot = self._open_slot(token)
            slot.output, slot.open = output, False
        slot.done.set()

    def fail(self, token: str, error: str, cause: str) -> None:
        with self._lock:
            slot = self._open_slot(token)
            slot.error, slot.open = StatesError(error, cause), False
        slot.done.set()

    def heartbeat(self, token: str) -> None:
        with self._lock:
            self._open_slot(token)

    def close(self, token: str) -> None:
        with self._lock:
            slot = self._slots.get(token)
            if slot is not None:
                slot.open = False

    def wait(self, token: str, deadline: float | None, stop: threading.Event) -> Json:
        """Block until the token is completed; States.Timeout at the deadline."""
        slot = self._slots[token]
        try:
            while not slot.done.is_set():
                if stop.is_set():
                    raise ExecutionStoppedError
                remaining = None if deadline is None else deadline - time.monotonic()
                if remaining is not None and remaining <= 0:
                    raise StatesError(
                        TIMEOUT, "The task did not receive a callback before its timeout"
                    )
                slot.done.wait(0.2 if remaining is None else min(0.2, remaining))
        finally:
            self.close(token)
        if slot.error is not None:
            raise slot.error
        return slot.output
