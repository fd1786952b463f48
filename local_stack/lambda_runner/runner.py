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
from collections.abc import Callable, Mapping
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


class FunctionFailedError(Exception):
    """The function returned an error (FunctionError): API Gateway answers 500 for it."""

    def __init__(self, function: str, payload: str) -> None:
        try:
            error = json.loads(payload)
            detail = f"{error.get('errorType')}: {error.get('errorMessage')}"
        except (ValueError, AttributeError):
            detail = payload[:500]
        super().__init__(f"{function} failed: {detail}")
        self.payload = payload


class _Worker:
    def __init__(
        self,
        config: FunctionConfig,
        env: Mapping[str, str],
        python: str,
        cwd: Path,
        log_file: Path | None = None,
    ) -> None:
        self.config = config
        read_fd, write_fd = os.pipe()
        # The function's output (its log) goes straight to its own file when there is one, as
        # Lambda ships it to the function's log group: off the invocation's path. Otherwise a
        # thread forwards it to this process's logging.
        log_stream = log_file.open("ab") if log_file is not None else None
        try:
            self.process = subprocess.Popen(  # noqa: S603 - our own worker module
                [python, "-m", "local_stack.lambda_runner.worker", config.handler, str(write_fd)],
                cwd=cwd,
                env=dict(env),
                stdin=subprocess.PIPE,
                stdout=log_stream or subprocess.PIPE,
                stderr=subprocess.STDOUT,
                pass_fds=(write_fd,),
                text=True,
            )
        finally:
            os.close(write_fd)
            if log_stream is not None:
                log_stream.close()
        self.responses = os.fdopen(read_fd, "r")
        if log_stream is None:
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
        configuration_ttl_seconds: float = 0.0,
        max_concurrency: int = 1,
        log_dir: Path | None = None,
    ) -> None:
        self.lambda_client = lambda_client
        self.code_root = code_root
        self.extra_env = dict(extra_env or {})
        self.python = python
        self.region = region
        # 0: read the configuration on every invocation; more: reuse it, read again in the
        # background that often (a server answering many requests never waits for the emulator;
        # a new deployment shows up one TTL later).
        self.configuration_ttl_seconds = configuration_ttl_seconds
        self._configurations: dict[str, tuple[float, FunctionConfig]] = {}
        self._refreshing: set[str] = set()
        # At most this many warm environments per function serve invocations at the same time.
        self.max_concurrency = max_concurrency
        self._pools: dict[str, _Environments] = {}
        self._lock = threading.Lock()
        # With a folder, each function logs to `<folder>/<function name>.log` (its log group).
        self.log_dir = log_dir

    def configuration(self, function: str) -> FunctionConfig:
        """The function's configuration. With a TTL, a known configuration is answered at once
        and, once older than the TTL, read again in the background: no invocation waits for the
        emulator after the first."""
        cached = self._configurations.get(function)
        if cached is None or self.configuration_ttl_seconds <= 0:
            return self._read_configuration(function)
        read_at, config = cached
        if time.monotonic() - read_at >= self.configuration_ttl_seconds:
            with self._lock:
                start = function not in self._refreshing
                self._refreshing.add(function)
            if start:
                threading.Thread(target=self._refresh, args=(function,), daemon=True).start()
        return config

    def _read_configuration(self, function: str) -> FunctionConfig:
        read_at = time.monotonic()
        try:
            response = self.lambda_client.get_function_configuration(FunctionName=function)
        except self.lambda_client.exceptions.ResourceNotFoundException as exc:
            raise FunctionNotFoundError(f"Function not found: {function}") from exc
        config = FunctionConfig.from_api(response)
        if self.configuration_ttl_seconds > 0:
            self._configurations[function] = (read_at, config)
        return config

    def _refresh(self, function: str) -> None:
        try:
            self._read_configuration(function)
        except Exception:  # the emulator is busy or gone: keep serving what is known
            log.warning("could not read the configuration of %s again", function, exc_info=True)
        finally:
            with self._lock:
                self._refreshing.discard(function)

    def invoker(self, function: str) -> Callable[[Any], Any]:
        """`event -> result` for the local API gateway: the function's parsed result, or
        FunctionFailedError when it failed (API Gateway's 500)."""

        def invoke(event: Any) -> Any:
            result = self.invoke(function, event)
            if result.function_error:
                raise FunctionFailedError(function, result.payload)
            return result.json()

        return invoke

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
        environments = self._environments(config)
        worker = environments.acquire()
        try:
            response = worker.invoke(payload, request_id)
        finally:
            environments.release(worker)
        if response is None:
            message = f"{request_id} Task timed out after {config.timeout_seconds:.2f} seconds"
            error = {"errorType": "Sandbox.Timedout", "errorMessage": message}
            return InvokeResult(json.dumps(error), "Unhandled", request_id)
        ok, body = response
        if ok:
            return InvokeResult(body, None, request_id)
        return InvokeResult(json.dumps(body), "Unhandled", request_id)

    def log_file(self, config: FunctionConfig) -> Path | None:
        """The file the function's output goes to (None: this process's logging)."""
        if self.log_dir is None:
            return None
        self.log_dir.mkdir(parents=True, exist_ok=True)
        return self.log_dir / f"{config.name}.log"

    def worker_pids(self, function_arn: str) -> list[int]:
        """The processes of the function's warm execution environments (none before a call)."""
        with self._lock:
            environments = self._pools.get(function_arn)
        return environments.pids() if environments else []

    def _environments(self, config: FunctionConfig) -> _Environments:
        with self._lock:
            environments = self._pools.get(config.arn)
            if environments is not None and environments.config != config:
                environments.stop()  # the configuration changed (a new deployment): start afresh
                environments = None
            if environments is None:
                environments = _Environments(
                    config,
                    lambda: _Worker(
                        config,
                        self.environment(config),
                        self.python,
                        self.code_root,
                        self.log_file(config),
                    ),
                    self.max_concurrency,
                )
                self._pools[config.arn] = environments
            return environments

    def close(self) -> None:
        with self._lock:
            pools, self._pools = list(self._pools.values()), {}
        for environments in pools:
            environments.stop()


class _Environments:
    """The warm execution environments (worker processes) of one function configuration: at most
    `limit` of them, each running one invocation at a time, as Lambda scales a function out to
    concurrent requests. A worker that died or timed out is dropped; the next call starts one."""

    def __init__(self, config: FunctionConfig, start: Callable[[], _Worker], limit: int) -> None:
        self.config = config
        self._start = start
        self._limit = max(1, limit)
        self._idle: list[_Worker] = []
        self._all: list[_Worker] = []
        self._stopped = False
        self._changed = threading.Condition()

    def acquire(self) -> _Worker:
        with self._changed:
            if self._stopped:  # replaced by a new configuration: one last, unshared worker
                return self._start()
            while True:
                while self._idle:
                    worker = self._idle.pop()
                    if worker.alive():
                        return worker
                    self._forget(worker)
                if len(self._all) < self._limit:
                    log.info("starting %s (%s)", self.config.name, self.config.handler)
                    worker = self._start()
                    self._all.append(worker)
                    return worker
                self._changed.wait()

    def release(self, worker: _Worker) -> None:
        with self._changed:
            if self._stopped:
                worker.stop()
            elif worker.alive():
                self._idle.append(worker)
            else:
                worker.stop()
                self._forget(worker)
            self._changed.notify()

    def _forget(self, worker: _Worker) -> None:
        if worker in self._all:
            self._all.remove(worker)

    def pids(self) -> list[int]:
        with self._changed:
            return [worker.process.pid for worker in self._all if worker.alive()]

    def stop(self) -> None:
        with self._changed:
            workers, self._all, self._idle = list(self._all), [], []
            self._stopped = True
            self._changed.notify_all()
        for worker in workers:
            worker.stop()
