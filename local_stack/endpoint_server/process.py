"""Start and stop the endpoint server as a real process (for the local stack and the tests).

with start_endpoint_server(endpoints={"credit-risk": tarball}) as server:
    os.environ["AWS_ENDPOINT_URL_SAGEMAKER_RUNTIME"] = server.url
"""

from __future__ import annotations

import re
import subprocess
from collections.abc import Mapping
from pathlib import Path

from local_stack.endpoint_server.cli import READY_MESSAGE
from local_stack.service_process import ServiceProcess, ServiceStartError, start_service

_READY_LINE = re.compile(re.escape(READY_MESSAGE) + r" (http://\S+:(\d+))")


class EndpointServerError(ServiceStartError):
    """The endpoint server did not start."""


class EndpointServerProcess(ServiceProcess):
    """A running `python -m local_stack.endpoint_server`: its `url` and `port`."""

    def __init__(self, process: subprocess.Popen[str], ready_line: str) -> None:
        super().__init__(process, ready_line)
        match = _READY_LINE.search(ready_line)
        if not match:
            raise ValueError(f"not the endpoint server's ready line: {ready_line!r}")
        self.url = match.group(1)
        self.port = int(match.group(2))


def start_endpoint_server(
    *,
    host: str = "127.0.0.1",
    port: int = 0,
    endpoints: Mapping[str, Path] | None = None,
    log_file: Path | None = None,
    environ: Mapping[str, str] | None = None,
    startup_timeout: float = 60.0,
) -> EndpointServerProcess:
    """Start the server (port 0: a free port) with `endpoints` loaded and wait until it listens.

    Raises EndpointServerError, with the log's tail, when it exits first (for example because an
    endpoint's model does not load) or stays silent for `startup_timeout` seconds.
    """
    arguments = ["--host", host, "--port", str(port)]
    for name, tarball in (endpoints or {}).items():
        arguments += ["--endpoint", f"{name}={tarball}"]
    try:
        service = start_service(
            "local_stack.endpoint_server",
            arguments,
            log_file=log_file,
            environ=environ,
            startup_timeout=startup_timeout,
        )
    except ServiceStartError as error:
        raise EndpointServerError(str(error)) from error
    try:
        return EndpointServerProcess(service.process, service.ready_line)
    except ValueError as error:
        service.stop()
        raise EndpointServerError(str(error)) from error
