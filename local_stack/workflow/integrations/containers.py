"""A job "container" on the host: a sandbox directory standing in for the container's `/opt/ml`,
and a process that runs the job's command there with the venv's Python standing in for the
image's interpreter."""

from __future__ import annotations

import os
import re
import subprocess
import tarfile
import threading
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from local_stack.workflow.asl.callbacks import ExecutionStoppedError

CONTAINER_ROOT = "/opt/ml"
_CONTAINER_PATH = re.compile(r"(?<![\w./-])/opt/ml(?=/|:|$)")
_PYTHON = re.compile(r"^python(3(\.\d+)?)?$")
# The few host variables a process needs to start; everything else comes from the job request
# and the local stack's endpoint settings, as in a container.
_HOST_VARIABLES = ("PATH", "HOME", "LANG", "LC_ALL", "TMPDIR", "TZ", "SYSTEMROOT")


class UnsupportedEntrypointError(Exception):
    """The job's command is not a Python interpreter the local executor can stand in for."""


@dataclass(frozen=True)
class Sandbox:
    """`<root>/opt/ml/...` on the host is `/opt/ml/...` in the job's view."""

    root: Path

    @property
    def opt_ml(self) -> Path:
        return self.root / CONTAINER_ROOT.lstrip("/")

    def host_path(self, container_path: str) -> Path:
        if not (
            container_path == CONTAINER_ROOT or container_path.startswith(CONTAINER_ROOT + "/")
        ):
            raise ValueError(f"{container_path!r} is outside {CONTAINER_ROOT}")
        return self.root / container_path.lstrip("/")

    def map_text(self, value: str) -> str:
        """Rewrite every `/opt/ml` path in an argument or variable to its sandbox location."""
        return _CONTAINER_PATH.sub(str(self.opt_ml), value)


@dataclass(frozen=True)
class ProcessResult:
    exit_code: int | None  # None: killed at the runtime limit
    log_path: Path
    elapsed_seconds: float

    def log_text(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""


def host_command(command: Sequence[str], sandbox: Sandbox, python: str) -> list[str]:
    if not command:
        raise UnsupportedEntrypointError("The job has no entrypoint")
    program = Path(command[0]).name
    if not _PYTHON.match(program):
        raise UnsupportedEntrypointError(
            f"The local executor runs Python entrypoints only (python, python3...); "
            f"this job starts {command[0]!r}"
        )
    return [python, *(sandbox.map_text(arg) for arg in command[1:])]


def job_environment(
    sandbox: Sandbox, service_env: Mapping[str, str], request_env: Mapping[str, str]
) -> dict[str, str]:
    env = {name: os.environ[name] for name in _HOST_VARIABLES if name in os.environ}
    env.update(service_env)
    env.update({name: sandbox.map_text(value) for name, value in request_env.items()})
    return env


def run_process(
    argv: Sequence[str],
    *,
    env: Mapping[str, str],
    cwd: Path,
    log_path: Path,
    stop: threading.Event,
    deadline: float | None,
    poll_seconds: float = 0.1,
) -> ProcessResult:
    """Run to completion; kill at `deadline` (exit_code None); kill and raise
    ExecutionStoppedError when the execution is stopped."""
    log_path.parent.mkdir(parents=True, exist_ok=True)
    started = time.monotonic()
    with log_path.open("wb") as log_file:
        process = subprocess.Popen(  # noqa: S603 - the job's own command, as SageMaker runs it
            list(argv), cwd=cwd, env=dict(env), stdout=log_file, stderr=subprocess.STDOUT
        )
        try:
            while process.poll() is None:
                if stop.is_set():
                    raise ExecutionStoppedError
                if deadline is not None and time.monotonic() >= deadline:
                    process.kill()
                    process.wait()
                    return ProcessResult(None, log_path, time.monotonic() - started)
                time.sleep(poll_seconds)
        finally:
            if process.poll() is None:
                process.kill()
                process.wait()
    return ProcessResult(process.returncode, log_path, time.monotonic() - started)


def tar_directory(source: Path, destination: Path) -> Path:
    """What SageMaker does with /opt/ml/model and /opt/ml/output/data: a gzipped tar with the
    directory's content at the archive root."""
    destination.parent.mkdir(parents=True, exist_ok=True)
    with tarfile.open(destination, "w:gz") as archive:
        for path in sorted(source.rglob("*")):
            archive.add(path, arcname=path.relative_to(source).as_posix(), recursive=False)
    return destination


def extract_tarball(archive_path: Path, destination: Path) -> None:
    destination.mkdir(parents=True, exist_ok=True)
    with tarfile.open(archive_path, "r:*") as archive:
        archive.extractall(destination, filter="data")
