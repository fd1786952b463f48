"""Errors of the ASL interpreter: task/state errors as Step Functions names them, and definitions it
cannot run."""

from __future__ import annotations

from collections.abc import Sequence

ALL = "States.ALL"
TASK_FAILED = "States.TaskFailed"
TIMEOUT = "States.Timeout"
RUNTIME = "States.Runtime"
INTRINSIC_FAILURE = "States.IntrinsicFailureError"


class StatesError(Exception):
    """An error with a Step Functions error name and cause, as Retry/Catch see it."""

    def __init__(self, error: str, cause: str = "") -> None:
        super().__init__(f"{error}: {cause}" if cause else error)
        self.error = error
        self.cause = cause

    def as_output(self) -> dict[str, str]:
        """The object a Catch passes on (`ResultPath` of the catcher)."""
        return {"Error": self.error, "Cause": self.cause}


class StatesRuntimeError(StatesError):
    """States.Runtime: a path or data problem; AWS lets no Retry or Catch handle it."""

    def __init__(self, cause: str) -> None:
        super().__init__(RUNTIME, cause)


class IntrinsicFailureError(StatesError):
    def __init__(self, cause: str) -> None:
        super().__init__(INTRINSIC_FAILURE, cause)


class UnsupportedConstructError(Exception):
    """The definition uses something this executor does not implement (named in the message)."""


def error_matches(error: str, error_equals: Sequence[str]) -> bool:
    """Whether a Retrier or Catcher with this ErrorEquals handles `error`.

    States.ALL matches every error but States.Runtime; States.TaskFailed every error but
    States.Timeout and States.Runtime (the AWS rules).
    """
    if error == RUNTIME:
        return False
    for name in error_equals:
        if name in (error, ALL):
            return True
        if name == TASK_FAILED and error != TIMEOUT:
            return True
    return False
