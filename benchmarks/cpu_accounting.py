"""Where the CPU of a load test goes: CPU milliseconds per request for each process group.

On a machine whose cores every process shares (the local stack, the load client), CPU per request
bounds throughput: at most `cores / cpu_per_request` requests per second. With N closed-loop
clients (each sends its next request when the last one is answered), Little's law makes the mean
latency N / throughput, so the CPU cost of one request sets the lowest mean latency N clients can
see, whatever the servers' concurrency.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import psutil


def _tree_cpu_seconds(root: psutil.Process) -> dict[int, float]:
    """User + system CPU of a process and each of its descendants, by pid."""
    seconds = {}
    for process in (root, *root.children(recursive=True)):
        try:
            times = process.cpu_times()
        except (psutil.NoSuchProcess, psutil.AccessDenied):
            continue
        seconds[process.pid] = times.user + times.system
    return seconds


@dataclass
class CpuMeter:
    """CPU seconds spent in a window by named processes, and apart by their descendants
    (`<name>_children`, counted whole when they started in the window)."""

    roots: Mapping[str, int]
    spent: dict[str, float] = field(default_factory=dict)

    @contextmanager
    def window(self) -> Iterator[CpuMeter]:
        self.spent = {}
        processes = {name: psutil.Process(pid) for name, pid in self.roots.items()}
        before = {name: _tree_cpu_seconds(p) for name, p in processes.items()}
        yield self
        for name, process in processes.items():
            after = _tree_cpu_seconds(process)
            delta = {pid: seconds - before[name].get(pid, 0.0) for pid, seconds in after.items()}
            self.spent[name] = delta.pop(process.pid, 0.0)
            if delta:
                self.spent[f"{name}_children"] = sum(delta.values())


def per_request_ms(spent_seconds: Mapping[str, float], requests: int) -> dict[str, float]:
    return {name: round(seconds * 1000 / requests, 3) for name, seconds in spent_seconds.items()}


def capacity(
    cpu_ms_per_request: Mapping[str, float],
    concurrency: int,
    cores: int | None = None,
    cpu_count: Callable[[], int | None] = os.cpu_count,
) -> dict[str, Any]:
    """The throughput the CPU allows and the mean latency that implies for `concurrency` clients."""
    cores = cores or cpu_count() or 1
    total = sum(cpu_ms_per_request.values())
    ceiling = cores * 1000 / total if total > 0 else float("inf")
    return {
        "cores": cores,
        "cpu_ms_per_request": round(total, 3),
        "throughput_ceiling_rps": round(ceiling, 1),
        "mean_latency_floor_ms": round(concurrency * 1000 / ceiling, 2),
    }
