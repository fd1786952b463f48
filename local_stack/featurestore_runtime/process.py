"""Start and stop the runtime as a separate process (for tests, the demo and the local stack)."""

from __future__ import annotations

import json
import logging
import os
import select
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType

log = logging.getLogger(__name__)


@dataclass
class RuntimeProcess:
    process: subprocess.Popen[bytes]
    endpoint_url: str
    db_path: Path
    log_path: Path

    def stop(self, timeout: float = 10.0) -> int:
        """SIGTERM (final commit, clean close), then SIGKILL if it does not exit in time."""
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout)
            except subprocess.TimeoutExpired:
                log.warning("runtime %d did not stop in %.0f s: killing", self.process.pid, timeout)
                self.process.kill()
                self.process.wait(timeout)
        if self.process.stdout:
            self.process.stdout.close()
        return self.process.returncode

    def __enter__(self) -> RuntimeProcess:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.stop()


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
    command = [
        sys.executable,
        "-m",
        "local_stack.featurestore_runtime",
        *("--host", host, "--port", str(port), "--db", str(db_path)),
    ]
    if definitions is not None:
        command += ["--definitions", str(definitions)]
    if describe_from_sagemaker:
        command.append("--describe-from-sagemaker")
    if sagemaker_endpoint_url:
        command += ["--sagemaker-endpoint-url", sagemaker_endpoint_url]
    repo_root = Path(__file__).resolve().parents[2]
    environment = {**os.environ, **(env or {})}
    environment["PYTHONPATH"] = os.pathsep.join(
        p for p in (str(repo_root), environment.get("PYTHONPATH", "")) if p
    )
    with log_path.open("ab") as log_file:
        process = subprocess.Popen(  # noqa: S603 (our own module under this interpreter)
            command, stdout=subprocess.PIPE, stderr=log_file, env=environment, cwd=repo_root
        )
    assert process.stdout is not None
    deadline = time.monotonic() + timeout
    line = b""
    while time.monotonic() < deadline and process.poll() is None:
        ready, _, _ = select.select([process.stdout], [], [], 0.1)
        if ready:
            line = process.stdout.readline()
            break
    if not line:
        process.kill()
        process.wait()
        raise RuntimeError(
            f"the Feature Store runtime did not start (exit {process.returncode}); "
            f"log {log_path}:\n{log_path.read_text(errors='replace')[-2000:]}"
        )
    endpoint_url = json.loads(line)["endpoint_url"]
    log.info("Feature Store runtime %d on %s", process.pid, endpoint_url)
    return RuntimeProcess(process, endpoint_url, db_path, log_path)
