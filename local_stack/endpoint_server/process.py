"""Start and stop the endpoint server as a real process (for the local stack and the tests).

with start_endpoint_server(endpoints={"credit-risk": tarball}) as server:
    os.environ["AWS_ENDPOINT_URL_SAGEMAKER_RUNTIME"] = server.url
"""

from __future__ import annotations

import os
import re
import select
import subprocess
import sys
import time
from collections.abc import Mapping
from pathlib import Path
from types import TracebackType
from typing import IO

from local_stack.endpoint_server.cli import READY_MESSAGE

REPO_ROOT = Path(__file__).resolve().parents[2]
_READY_LINE = re.compile(re.escape(READY_MESSAGE) + r" (http://\S+:(\d+))")


class EndpointServerError(RuntimeError):
    """The server process did not start."""


class EndpointServerProcess:
    """A running `python -m local_stack.endpoint_server`; stop() or use as a context manager."""

    def __init__(self, process: subprocess.Popen[str], url: str, port: int) -> None:
        self.process = process
        self.url = url
        self.port = port

    def stop(self, timeout: float = 10.0) -> int:
        """SIGTERM, then SIGKILL after `timeout` seconds; returns the exit code."""
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout)
        if self.process.stdout is not None:
            self.process.stdout.close()
        return self.process.returncode

    def __enter__(self) -> EndpointServerProcess:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.stop()


def start_endpoint_server(
    *,
    host: str = "127.0.0.1",
    port: int = 0,
    endpoints: Mapping[str, Path] | None = None,
    log_file: Path | None = None,
    environ: Mapping[str, str] | None = None,
    startup_timeout: float = 60.0,
) -> EndpointServerProcess:
    """Start the server (port 0: a free port) and wait until it listens.

    Its log goes to `log_file` (else this process's standard error). Raises EndpointServerError
    with the log's tail when it exits or stays silent for `startup_timeout` seconds.
    """
    command = [sys.executable, "-m", "local_stack.endpoint_server", "--host", host]
    command += ["--port", str(port)]
    for name, tarball in (endpoints or {}).items():
        command += ["--endpoint", f"{name}={tarball}"]
    env = dict(os.environ if environ is None else environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(REPO_ROOT), env.get("PYTHONPATH")]))
    log_handle = log_file.open("ab") if log_file else None
    try:
        process = subprocess.Popen(  # noqa: S603 (this interpreter, our module, our arguments)
            command, stdout=subprocess.PIPE, stderr=log_handle, text=True, env=env
        )
    finally:
        if log_handle:
            log_handle.close()
    assert process.stdout is not None  # stdout=PIPE
    line = _first_line(process.stdout, startup_timeout)
    match = _READY_LINE.search(line)
    if not match:
        server = EndpointServerProcess(process, "", 0)
        server.stop()
        tail = log_file.read_text(errors="replace")[-2000:] if log_file else "(see stderr)"
        raise EndpointServerError(
            f"the endpoint server did not start (exit code {process.returncode}): {tail}"
        )
    return EndpointServerProcess(process, match.group(1), int(match.group(2)))


def _first_line(stream: IO[str], timeout: float) -> str:
    deadline = time.monotonic() + timeout
    remaining = timeout
    while remaining > 0:
        readable, _, _ = select.select([stream], [], [], remaining)
        if readable:
            return stream.readline()
        remaining = deadline - time.monotonic()
    return ""
