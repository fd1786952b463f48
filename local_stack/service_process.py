"""Run a local-stack service (`python -m local_stack.<service>`) as a real process.

A service prints one line on standard output when it listens (its "ready line": the address, and
with port 0 the port it picked) and logs to standard error; SIGTERM stops it cleanly.
"""

from __future__ import annotations

import logging
import os
import select
import subprocess
import sys
import time
from collections.abc import Mapping, Sequence
from pathlib import Path
from types import TracebackType
from typing import Self

log = logging.getLogger(__name__)

REPO_ROOT = Path(__file__).resolve().parents[1]


class ServiceStartError(RuntimeError):
    """The service exited or stayed silent instead of printing its ready line."""


class ServiceProcess:
    """A started service; `stop()` it, or use it as a context manager."""

    def __init__(self, process: subprocess.Popen[str], ready_line: str) -> None:
        self.process = process
        self.ready_line = ready_line

    def stop(self, timeout: float = 10.0) -> int:
        """SIGTERM, then SIGKILL after `timeout` seconds; returns the exit code."""
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout)
            except subprocess.TimeoutExpired:
                log.warning("process %d did not stop in %.0f s: killing", self.process.pid, timeout)
                self.process.kill()
                self.process.wait(timeout)
        if self.process.stdout is not None:
            self.process.stdout.close()
        return self.process.returncode

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.stop()


def start_service(
    module: str,
    arguments: Sequence[str],
    *,
    log_file: Path | None = None,
    environ: Mapping[str, str] | None = None,
    startup_timeout: float = 60.0,
) -> ServiceProcess:
    """Start `python -m module arguments` and wait for its ready line.

    Its log goes to `log_file` (else this process's standard error); the repository is put on
    PYTHONPATH. Raises ServiceStartError, with the log's tail, when no line comes.
    """
    env = dict(os.environ if environ is None else environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(REPO_ROOT), env.get("PYTHONPATH")]))
    log_handle = log_file.open("ab") if log_file else None
    try:
        process = subprocess.Popen(  # noqa: S603 (this interpreter, our module, our arguments)
            [sys.executable, "-m", module, *arguments],
            stdout=subprocess.PIPE,
            stderr=log_handle,
            text=True,
            env=env,
            cwd=REPO_ROOT,
        )
    finally:
        if log_handle:
            log_handle.close()
    service = ServiceProcess(process, _first_line(process, startup_timeout))
    if not service.ready_line:
        service.stop()
        tail = log_file.read_text(errors="replace")[-2000:] if log_file else "(see its stderr)"
        raise ServiceStartError(f"{module} did not start (exit code {process.returncode}): {tail}")
    return service


def _first_line(process: subprocess.Popen[str], timeout: float) -> str:
    assert process.stdout is not None  # stdout=PIPE
    deadline = time.monotonic() + timeout
    while (remaining := deadline - time.monotonic()) > 0:
        readable, _, _ = select.select([process.stdout], [], [], min(remaining, 0.2))
        if readable:
            return process.stdout.readline().strip()
        if process.poll() is not None:
            return ""
    return ""
