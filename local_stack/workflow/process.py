"""Start the workflow executor as a real process (for the local stack and the tests).

with start_workflow_executor(emulator_url, work_dir=path) as executor:
    boto3.client("stepfunctions", endpoint_url=executor.url)
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path

from local_stack.service_process import ServiceProcess, start_service


class ExecutorProcess(ServiceProcess):
    """A running `python -m local_stack.workflow`: its `url`; `stop()` or a context manager."""

    @property
    def url(self) -> str:
        url: str = json.loads(self.ready_line)["url"]
        return url


def start_workflow_executor(
    emulator_url: str,
    *,
    work_dir: Path,
    host: str = "127.0.0.1",
    port: int = 0,
    region: str = "us-east-1",
    speedup: float = 1.0,
    endpoint_server_url: str | None = None,
    endpoints: Mapping[str, str] | None = None,
    log_file: Path | None = None,
    environ: Mapping[str, str] | None = None,
) -> ExecutorProcess:
    """Start the executor (port 0: a free one) and wait until it serves."""
    arguments = ["--emulator-url", emulator_url, "--work-dir", str(work_dir)]
    arguments += ["--host", host, "--port", str(port), "--region", region]
    arguments += ["--speedup", str(speedup)]
    if endpoint_server_url:
        arguments += ["--endpoint-server-url", endpoint_server_url]
    for name, url in (endpoints or {}).items():
        arguments += ["--endpoint", f"{name}={url}"]
    service = start_service("local_stack.workflow", arguments, log_file=log_file, environ=environ)
    return ExecutorProcess(service.process, service.ready_line)
