"""LambdaRunner: invoke a function by name or ARN the way Lambda would, offline.

The function's handler, environment variables, timeout and memory come from the emulator's Lambda
API (GetFunctionConfiguration), so what Terraform configured is what runs. Each function gets its
own long-lived worker process (a warm execution environment) started with a clean environment:
the Lambda runtime variables, the function's variables, then the local stack's endpoint variables
(`extra_env`) so boto3 inside the handler reaches the local services. The code is imported from
`code_root` (the project's source tree the deployment zips are built from).
"""

from __future__ import annotations

import json
import logging
import os
import select
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

log = logging.getLogger(__name__)

# Host variables a process needs to start at all; nothing else leaks into the function.
_HOST_VARIABLES = ("PATH", "HOME", "LANG", "LC_ALL", "TMPDIR", "SYSTEMROOT")


@dataclass(frozen=True)
class FunctionConfig:
    name: str
    arn: str
    handler: str
    environment: Mapping[str, str] = field(default_factory=dict)
    timeout_seconds: int = 3
    memory_mb: int = 128

    @classmethod
    def from_api(cls, configuration: Mapping[str, Any]) -> FunctionConfig:
        return cls(
            name=configuration["FunctionName"],
            arn=configuration["FunctionArn"],
            handler=configuration["Handler"],
            environment=dict(configuration.get("Environment", {}).get("Variables", {})),
            timeout_seconds=int(configuration.get("Timeout", 3)),
            memory_mb=int(configuration.get("MemorySize", 128)),
        )


@dataclass(frozen=True)
class InvokeResult:
    """What Lambda's Invoke returns: the payload (JSON text) and FunctionError when it failed."""

    payload: str
    function_error: str | None
    request_id: str

    def json(self) -> Any:
        return json.loads(self.payload)


class FunctionNotFoundError(Exception):
    pass


class _Worker:
    def __init__(self, config: FunctionConfig, env: Mapping[str, str], python: str, cwd: Path):
        self.config = config
        read_fd, write_fd = os.pipe()
        self.process = subprocess.Popen(  # noqa: S603 - our own worker module
            [python, "-m", "local_stack.lambda_runner.worker", config.handler, str(write_fd)],
            cwd=cwd,
            env=dict(env),
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            pass_fds=(write_fd,),
            text=True,
        )
        os.close(write_fd)
        self.responses = os.fdopen(read_fd, "r")
        self.lock = threading.Lock()
        function_log = logging.getLogger(f"{__name__}.{config.name}")
        threading.Thread(
            target=_forward_log, args=(self.process.stdout, function_log), daemon=True
        ).start()

    def alive(self) -> bool:
        return self.process.poll() is None

    def invoke(self, payload: str, request_id: str) -> tuple[bool, Any] | None:
        """(ok, payload) or None when the function ran past its timeout (the worker is killed)."""
        deadline = time.time() + self.config.timeout_seconds
        request = {
            "request_id": request_id,
            "payload": payload,
            "deadline_ms": int(deadline * 1000),
            "function_arn": self.config.arn,
        }
        assert self.process.stdin is not None
        try:
            self.process.stdin.write(json.dumps(request) + "\n")
            self.process.stdin.flush()
        except OSError:  # the worker is gone (it exited between two invocations)
            return False, _exit_error(request_id, self.process.wait())
        while True:
            remaining = deadline - time.time()
            if remaining <= 0:
                self.stop()
                return None
            ready, _, _ = select.select([self.responses], [], [], min(remaining, 0.5))
            if ready:
                line = self.responses.readline()
                if not line:  # the worker died (os._exit, a crash)
                    return False, _exit_error(request_id, self.process.wait())
                response = json.loads(line)
                return bool(response["ok"]), response["payload"]

    def stop(self) -> None:
        if self.alive():
            self.process.kill()
        self.process.wait()
        self.responses.close()


def _exit_error(request_id: str, code: int) -> dict[str, str]:
    message = f"RequestId: {request_id} Error: Runtime exited with status {code}"
    return {"errorType": "Runtime.ExitError", "errorMessage": message}


def _forward_log(stream: IO[str] | None, logger: logging.Logger) -> None:
    if stream is None:
        return
    for line in stream:
        logger.info(line.rstrip())


class LambdaRunner:
    def __init__(
        self,
        lambda_client: Any,
        *,
        code_root: Path,
        extra_env: Mapping[str, str] | None = None,
        python: str = sys.executable,
        region: str = "us-east-1",
    ) -> None:
        self.lambda_client = lambda_client
        self.code_root = code_root
        self.extra_env = dict(extra_env or {})
        self.python = python
        self.region = region
        self._workers: dict[str, _Worker] = {}
        self._lock = threading.Lock()

    def configuration(self, function: str) -> FunctionConfig:
        try:
            response = self.lambda_client.get_function_configuration(FunctionName=function)
        except self.lambda_client.exceptions.ResourceNotFoundException as exc:
            raise FunctionNotFoundError(f"Function not found: {function}") from exc
        return FunctionConfig.from_api(response)

    def environment(self, config: FunctionConfig) -> dict[str, str]:
        env = {name: os.environ[name] for name in _HOST_VARIABLES if name in os.environ}
        env.update(
            {
                "AWS_LAMBDA_FUNCTION_NAME": config.name,
                "AWS_LAMBDA_FUNCTION_VERSION": "$LATEST",
                "AWS_LAMBDA_FUNCTION_MEMORY_SIZE": str(config.memory_mb),
                "AWS_LAMBDA_LOG_GROUP_NAME": f"/aws/lambda/{config.name}",
                "AWS_LAMBDA_LOG_STREAM_NAME": "local",
                "AWS_EXECUTION_ENV": "AWS_Lambda_python3.11",
                "AWS_REGION": self.region,
                "AWS_DEFAULT_REGION": self.region,
                "LAMBDA_TASK_ROOT": str(self.code_root),
                "_HANDLER": config.handler,
                "PYTHONPATH": str(self.code_root),
                "PYTHONUNBUFFERED": "1",
                "TZ": ":UTC",
            }
        )
        env.update(config.environment)
        env.update(self.extra_env)
        return env

    def invoke(self, function: str, payload: Any) -> InvokeResult:
        """Invoke synchronously (RequestResponse). `payload` is JSON text, bytes or a value."""
        if isinstance(payload, bytes):
            payload = payload.decode()
        if not isinstance(payload, str):
            payload = json.dumps(payload)
        config = self.configuration(function)
        request_id = str(uuid.uuid4())
        worker = self._worker(config)
        with worker.lock:
            response = worker.invoke(payload, request_id)
        if response is None:
            with self._lock:
                if self._workers.get(config.arn) is worker:
                    del self._workers[config.arn]
            message = f"{request_id} Task timed out after {config.timeout_seconds:.2f} seconds"
            error = {"errorType": "Sandbox.Timedout", "errorMessage": message}
            return InvokeResult(json.dumps(error), "Unhandled", request_id)
        ok, body = response
        if ok:
            return InvokeResult(body, None, request_id)
        if not worker.alive():
            with self._lock:
                self._workers.pop(config.arn, None)
        return InvokeResult(json.dumps(body), "Unhandled", request_id)

    def _worker(self, config: FunctionConfig) -> _Worker:
        with self._lock:
            worker = self._workers.get(config.arn)
            if worker is not None and (worker.config != config or not worker.alive()):
                worker.stop()  # the configuration changed (a new deployment): a fresh environment
                worker = None
            if worker is None:
                log.info("starting %s (%s)", config.name, config.handler)
                worker = _Worker(config, self.environment(config), self.python, self.code_root)
                self._workers[config.arn] = worker
            return worker

    def close(self) -> None:
        with self._lock:
            workers, self._workers = list(self._workers.values()), {}
        for worker in workers:
            worker.stop()
