"""The process a function runs in (one per function, like a warm execution environment).

Started by LambdaRunner with the function's environment already set. Reads one JSON request per
line on stdin, calls the handler, writes one JSON response per line to the file descriptor given
as the second argument (stdout and stderr stay the function's log). Never imported by the parent.
"""

from __future__ import annotations

import importlib
import json
import os
import sys
import time
import traceback
from collections.abc import Callable
from typing import Any, TextIO


class LambdaContext:
    """The attributes and method handlers (and Powertools) read from the context object."""

    def __init__(self, request: dict[str, Any]) -> None:
        self.function_name = os.environ.get("AWS_LAMBDA_FUNCTION_NAME", "")
        self.function_version = os.environ.get("AWS_LAMBDA_FUNCTION_VERSION", "$LATEST")
        self.invoked_function_arn = request["function_arn"]
        self.memory_limit_in_mb = int(os.environ.get("AWS_LAMBDA_FUNCTION_MEMORY_SIZE", "128"))
        self.aws_request_id = request["request_id"]
        self.log_group_name = os.environ.get("AWS_LAMBDA_LOG_GROUP_NAME", "")
        self.log_stream_name = os.environ.get("AWS_LAMBDA_LOG_STREAM_NAME", "")
        self.identity = None
        self.client_context = None
        self._deadline_ms = int(request["deadline_ms"])

    def get_remaining_time_in_millis(self) -> int:
        return max(0, self._deadline_ms - int(time.time() * 1000))


def _error(error_type: str, message: str, stack: list[str] | None = None) -> dict[str, Any]:
    return {"errorMessage": message, "errorType": error_type, "stackTrace": stack or []}


def _load_handler(spec: str) -> Callable[..., Any]:
    module_name, _, function_name = spec.replace("/", ".").rpartition(".")
    module = importlib.import_module(module_name)
    handler: Callable[..., Any] = getattr(module, function_name)
    return handler


def _respond(channel: TextIO, request_id: str, ok: bool, payload: Any) -> None:
    channel.write(json.dumps({"request_id": request_id, "ok": ok, "payload": payload}) + "\n")
    channel.flush()


def serve(handler_spec: str, responses: TextIO) -> None:
    try:
        handler: Callable[..., Any] | None = _load_handler(handler_spec)
        init_error = None
    except Exception as exc:  # the runtime reports any import failure as Runtime.ImportModuleError
        handler = None
        init_error = _error(
            "Runtime.ImportModuleError",
            f"Unable to import module '{handler_spec}': {exc}",
            traceback.format_exception(exc),
        )
        traceback.print_exc()
    for line in sys.stdin:
        request = json.loads(line)
        request_id = request["request_id"]
        if handler is None:
            _respond(responses, request_id, False, init_error)
            continue
        try:
            result = handler(json.loads(request["payload"]), LambdaContext(request))
        except Exception as exc:  # the handler's own failure is the invocation's result
            traceback.print_exc()
            _respond(responses, request_id, False, _unhandled(exc))
            continue
        try:
            text = json.dumps(result)
        except (TypeError, ValueError) as exc:
            _respond(responses, request_id, False, _error("Runtime.MarshalError", str(exc)))
            continue
        _respond(responses, request_id, True, text)


def _unhandled(exc: BaseException) -> dict[str, Any]:
    return _error(type(exc).__name__, str(exc), traceback.format_exception(exc)[-5:])


def main() -> None:
    handler_spec, fd = sys.argv[1], int(sys.argv[2])
    with os.fdopen(fd, "w") as responses:
        serve(handler_spec, responses)


if __name__ == "__main__":
    main()
