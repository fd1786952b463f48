"""Start the emulator as a child process on a free loopback port (tests and the local stack)."""

from __future__ import annotations

import contextlib
import logging
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

LOGGER = logging.getLogger(__name__)

LOOPBACK = "127.0.0.1"


class EmulatorStartError(RuntimeError):
    """The emulator process exited or did not answer in time."""


def free_port(host: str = LOOPBACK) -> int:
    """A port nobody listens on right now (the OS picks it)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind((host, 0))
        port: int = probe.getsockname()[1]
        return port


def is_ready(url: str, timeout: float = 1.0) -> bool:
    """True when the emulator answers its dashboard API."""
    try:
        with urllib.request.urlopen(f"{url}/moto-api/data.json", timeout=timeout) as response:  # noqa: S310 (loopback URL we built)
            return bool(response.status == 200)
    except (urllib.error.URLError, ConnectionError, TimeoutError):
        return False


@contextlib.contextmanager
def running_emulator(
    port: int | None = None,
    *,
    startup_timeout: float = 30.0,
    log_file: Path | None = None,
) -> Iterator[str]:
    """Run ``python -m local_stack.emulator`` on ``port`` (a free one by default) and yield its URL.

    The process is stopped when the block ends. Its output goes to ``log_file`` when given (kept
    for diagnosis), else it is discarded.
    """
    port = port or free_port()
    url = f"http://{LOOPBACK}:{port}"
    command = [
        sys.executable,
        "-m",
        "local_stack.emulator",
        "--host",
        LOOPBACK,
        "--port",
        str(port),
    ]
    with contextlib.ExitStack() as stack:
        output = stack.enter_context(log_file.open("ab")) if log_file else subprocess.DEVNULL
        process = subprocess.Popen(command, stdout=output, stderr=subprocess.STDOUT)  # noqa: S603 (our own module)
        stack.callback(_stop, process)
        deadline = time.monotonic() + startup_timeout
        while not is_ready(url):
            if process.poll() is not None:
                raise EmulatorStartError(
                    f"emulator exited with code {process.returncode} before answering on {url}"
                    + (f"; see {log_file}" if log_file else "")
                )
            if time.monotonic() > deadline:
                raise EmulatorStartError(
                    f"emulator did not answer on {url} within {startup_timeout} s"
                )
            time.sleep(0.1)
        LOGGER.info("AWS emulator ready on %s (pid %d)", url, process.pid)
        yield url


def _stop(process: subprocess.Popen[bytes]) -> None:
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=10)
