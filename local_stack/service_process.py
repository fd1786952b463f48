"""Run a local-stack service (`python -m local_stack.<service>`) as a real process.

A service prints one line on standard output when it listens (its "ready line": the address, and
with port 0 the port it picked) and logs to standard error; SIGTERM stops it cleanly.
"""

from __future__ import annotations

import argparse
import contextlib
import logging
import os
import select
import subprocess
import sys
import time
from collections.abc import Mapping, Sequence
from pathlib import Path
from types import TracebackType
from typing import IO, Self

log = logging.getLogger(__name__)

REPO_ROOT = Path(__file__).resolve().parents[1]


def endpoint_variable(text: str) -> tuple[str, str]:
    """`AWS_ENDPOINT_URL_<SERVICE>=URL` (a command-line argument of the services) as a pair."""
    name, sep, url = text.partition("=")
    if not sep or not name.startswith("AWS_ENDPOINT_URL") or not url:
        raise argparse.ArgumentTypeError(f"expected AWS_ENDPOINT_URL_<SERVICE>=URL, got {text!r}")
    return name, url


def add_endpoint_argument(parser: argparse.ArgumentParser, given_to: str) -> None:
    """The repeatable `--endpoint AWS_ENDPOINT_URL_<SERVICE>=URL` of the services (`args.endpoint`
    is a list of (name, url) pairs)."""
    parser.add_argument(
        "--endpoint",
        type=endpoint_variable,
        action="append",
        default=[],
        metavar="AWS_ENDPOINT_URL_<SERVICE>=URL",
        help=f"endpoint variable given to {given_to} (repeatable)",
    )


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
    detach: bool = False,
) -> ServiceProcess:
    """Start `python -m module arguments` and wait for its ready line.

    Its log goes to `log_file` (else this process's standard error); the repository is put on
    PYTHONPATH. Raises ServiceStartError, with the log's tail, when no line comes.

    `detach=True` (needs `log_file`) starts a service meant to outlive this process, as `mlops
    local up` does: in a session of its own (a Ctrl-C in this terminal does not reach it; its
    process group holds whatever it starts), with standard output going to `<log_file>.out`
    instead of a pipe that would break when this process exits.
    """
    env = dict(os.environ if environ is None else environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(REPO_ROOT), env.get("PYTHONPATH")]))
    if detach and log_file is None:
        raise ValueError("a detached service needs a log file")
    ready_file = log_file.with_suffix(log_file.suffix + ".out") if detach and log_file else None
    with contextlib.ExitStack() as files:
        log_handle = files.enter_context(log_file.open("ab")) if log_file else None
        stdout: IO[bytes] | int = (
            files.enter_context(ready_file.open("wb")) if ready_file else subprocess.PIPE
        )
        process = subprocess.Popen(  # noqa: S603 (this interpreter, our module, our arguments)
            [sys.executable, "-m", module, *arguments],
            stdin=subprocess.DEVNULL if detach else None,
            stdout=stdout,
            stderr=log_handle,
            text=True,
            env=env,
            cwd=REPO_ROOT,
            start_new_session=detach,
        )
    ready_line = (
        _first_line_in_file(process, ready_file, startup_timeout)
        if ready_file
        else _first_line(process, startup_timeout)
    )
    service = ServiceProcess(process, ready_line)
    if not service.ready_line:
        service.stop()
        tail = log_file.read_text(errors="replace")[-2000:] if log_file else "(see its stderr)"
        raise ServiceStartError(f"{module} did not start (exit code {process.returncode}): {tail}")
    return service


def _first_line_in_file(process: subprocess.Popen[str], path: Path, timeout: float) -> str:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        text = path.read_text(errors="replace")
        if "\n" in text:
            return text.split("\n", 1)[0].strip()
        if process.poll() is not None:
            return ""
        time.sleep(0.05)
    return ""


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
