"""Shared by the benchmarks: a full-size generated file and child-process measurements."""

from __future__ import annotations

import os
import resource
import subprocess
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent


REFERENCE_LOOP = 1_000_000


def cpu_reference_ms(repeats: int = 5) -> float:
    """Best of `repeats` timings of a fixed pure-Python loop, in ms: how fast this machine ran
    Python at the time. Shared and virtual machines vary by tens of percent from hour to hour;
    a run's figures compare with another's only when this does too."""
    best = float("inf")
    for _ in range(repeats):
        started = time.perf_counter()
        sum(i * i for i in range(REFERENCE_LOOP))
        best = min(best, time.perf_counter() - started)
    return round(best * 1000, 1)


def full_size_csv(directory: Path, seed: int = 0) -> Path:
    """The generator's default, full-size file (about 777k loans, 36,457 users).

    Generated in a child process, so this process stays small and quick to fork.
    """
    path = directory / "loans.csv"
    run = run_child(["-m", "mlops", "generate", "--seed", str(seed), "--out", str(path)])
    if run.returncode != 0:
        raise RuntimeError(f"mlops generate failed: {run}")
    return path


@dataclass(frozen=True)
class ChildRun:
    wall_seconds: float
    peak_rss_mb: float
    cpu_seconds: float  # user + system, the child and the children it waited for
    returncode: int


def _peak_rss_mb(pid: int) -> float | None:
    """VmHWM, the process's resident high-water mark since its exec (so not the parent's)."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except (FileNotFoundError, ProcessLookupError):
        return None
    return None


def run_child(argv: Sequence[str], env: dict[str, str] | None = None) -> ChildRun:
    """Run a Python child: wall time, peak RSS (VmHWM polled every 10 ms) and CPU time."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    process = subprocess.Popen(
        [sys.executable, *argv],
        cwd=REPO_ROOT,
        env={**os.environ, **(env or {})},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    peak = 0.0
    while process.poll() is None:
        peak = max(peak, _peak_rss_mb(process.pid) or 0.0)
        time.sleep(0.01)
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime
    return ChildRun(
        wall_seconds=round(wall, 3),
        peak_rss_mb=round(peak, 1),
        cpu_seconds=round(cpu, 2),
        returncode=process.returncode,
    )


def best_of(runs: Sequence[ChildRun]) -> ChildRun:
    """The fastest of repeated runs (the machine is shared, so the minimum is the least noisy)."""
    return min(runs, key=lambda run: run.wall_seconds)


def load_average() -> list[float]:
    """1, 5 and 15 minute load averages: how busy the shared machine was during a benchmark."""
    return [round(value, 2) for value in os.getloadavg()]
