"""The stack's background processes, found again by a later command (`mlops local status|down`).

A process is remembered by its pid and creation time, so a pid the system gave to another program
since is never mistaken for ours. Each component runs in a session of its own, so its process
group holds everything it started (Lambda workers, job processes) even after a parent died.
"""

from __future__ import annotations

import contextlib
import logging
import os
import signal
from dataclasses import dataclass

import psutil

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class ProcessRef:
    pid: int
    create_time: float

    @classmethod
    def of(cls, pid: int) -> ProcessRef:
        return cls(pid, psutil.Process(pid).create_time())

    def process(self) -> psutil.Process | None:
        """The live process, or None when it ended (a zombie counts as ended)."""
        try:
            process = psutil.Process(self.pid)
            if abs(process.create_time() - self.create_time) > 0.01:
                return None  # the pid now belongs to someone else
        except psutil.NoSuchProcess:
            return None
        return process if _alive(process) else None

    def running(self) -> bool:
        return self.process() is not None


def _reap(pid: int) -> None:
    """Collect the exit status of a child of this process (no-op for anyone else's)."""
    with contextlib.suppress(ChildProcessError, OSError):
        os.waitpid(pid, os.WNOHANG)


def _alive(process: psutil.Process) -> bool:
    try:
        if process.status() == psutil.STATUS_ZOMBIE:
            _reap(process.pid)
            return False
    except psutil.NoSuchProcess:
        return False
    return True


def members(ref: ProcessRef) -> list[psutil.Process]:
    """The process, its descendants and the rest of its process group, still alive."""
    root = ref.process()
    found: dict[int, psutil.Process] = {}
    if root is not None:
        found[root.pid] = root
        with contextlib.suppress(psutil.NoSuchProcess):
            found.update({child.pid: child for child in root.children(recursive=True)})
    # The component leads its own session and group (pgid = its pid): orphans keep that group.
    for process in psutil.process_iter():
        with contextlib.suppress(psutil.NoSuchProcess, ProcessLookupError, PermissionError):
            if process.pid != os.getpid() and os.getpgid(process.pid) == ref.pid:
                found.setdefault(process.pid, process)
    return [process for process in found.values() if _alive(process)]


def stop(ref: ProcessRef, timeout: float = 10.0) -> list[int]:
    """SIGTERM the process (it shuts down cleanly and stops its children), then whatever of its
    group is left; SIGKILL what outlives `timeout`. Returns the pids still alive (normally none).
    """
    group = members(ref)
    if not group:
        return []
    root = ref.process()
    if root is not None:
        with contextlib.suppress(psutil.NoSuchProcess):
            root.send_signal(signal.SIGTERM)
        psutil.wait_procs([root], timeout=timeout)
    rest = [process for process in members(ref) if process.pid != ref.pid]
    for process in rest:
        with contextlib.suppress(psutil.NoSuchProcess):
            process.terminate()
    _, survivors = psutil.wait_procs(rest, timeout=timeout / 2)
    survivors += [p for p in members(ref) if p not in survivors]
    for process in survivors:
        log.warning("process %d did not stop: killing it", process.pid)
        with contextlib.suppress(psutil.NoSuchProcess):
            process.kill()
    psutil.wait_procs(survivors, timeout=timeout / 2)
    for process in group:
        _reap(process.pid)
    return [process.pid for process in members(ref)]
