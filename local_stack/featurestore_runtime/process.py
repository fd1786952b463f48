"""Start and stop the runtime as a separate process (for tests, the demo and the local stack)."""

from __future__ import annotations

import json
import logging
import os
from pathlib import Path

from local_stack.service_process import ServiceProcess, start_service

log = logging.getLogger(__name__)


class RuntimeProcess(ServiceProcess):
    """A running runtime (stop() or use as a context manager): its URL, database and log."""

    def __init__(self, service: ServiceProcess, db_path: Path, log_path: Path) -> None:
        super().__init__(service.process, service.ready_line)
        self.endpoint_url: str = json.loads(service.ready_line)["endpoint_url"]
        self.db_path = db_path
        self.log_path = log_path


def start_runtime(
    db_path: Path,
    *,
    definitions: Path | None = None,
    describe_from_sagemaker: bool = False,
    sagemaker_endpoint_url: str | None = None,
    host: str = "127.0.0.1",
    port: int = 0,
    log_path: Path | None = None,
    env: dict[str, str] | None = None,
    timeout: float = 30.0,
) -> RuntimeProcess:
    """Launch `python -m local_stack.featurestore_runtime` and wait until it listens."""
    log_path = log_path or db_path.with_suffix(".log")
    log_path.parent.mkdir(parents=True, exist_ok=True)
    arguments = ["--host", host, "--port", str(port), "--db", str(db_path)]
    if definitions is not None:
        arguments += ["--definitions", str(definitions)]
    if describe_from_sagemaker:
        arguments.append("--describe-from-sagemaker")
    if sagemaker_endpoint_url:
        arguments += ["--sagemaker-endpoint-url", sagemaker_endpoint_url]
    service = start_service(
        "local_stack.featurestore_runtime",
        arguments,
        log_file=log_path,
        environ={**os.environ, **(env or {})},
        startup_timeout=timeout,
    )
    runtime = RuntimeProcess(service, db_path, log_path)
    log.info("Feature Store runtime %d on %s", runtime.process.pid, runtime.endpoint_url)
    return runtime
