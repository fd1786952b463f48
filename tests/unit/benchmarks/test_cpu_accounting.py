from __future__ import annotations

import os
import subprocess
import sys

import pytest

from benchmarks.cpu_accounting import CpuMeter, capacity, per_request_ms

BURN = "import time\nend = time.process_time() + {seconds}\nwhile time.process_time() < end: pass\n"


def test_capacity_is_cores_over_cpu_per_request_and_littles_law_for_the_mean() -> None:
    result = capacity({"gateway": 1.0, "functions": 3.0}, concurrency=8, cores=2)
    assert result["cpu_ms_per_request"] == 4.0
    assert result["throughput_ceiling_rps"] == 500.0  # 2 cores x 1000 ms / 4 ms
    assert result["mean_latency_floor_ms"] == 16.0  # 8 clients / 500 per second


def test_capacity_uses_the_machines_cores_by_default() -> None:
    result = capacity({"x": 2.0}, concurrency=1, cpu_count=lambda: 4)
    assert result["throughput_ceiling_rps"] == 2000


def test_per_request_ms() -> None:
    assert per_request_ms({"a": 0.5, "b": 0.0123}, requests=100) == {"a": 5.0, "b": 0.123}


def test_meter_counts_the_process_and_apart_its_children_started_in_the_window() -> None:
    parent = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import subprocess, sys\n"
            "sys.stdin.readline()\n"
            f"child = subprocess.Popen([sys.executable, '-c', {BURN.format(seconds=0.3)!r}"
            " + 'import sys; print(1, flush=True); sys.stdin.readline()'],"
            " stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)\n"
            "child.stdout.readline()\n"
            "print('burnt', flush=True)\n"
            "sys.stdin.readline()\n"
            "child.stdin.write('x\\n'); child.stdin.flush(); child.wait()\n",
        ],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert parent.stdin is not None
    assert parent.stdout is not None
    meter = CpuMeter({"parent": parent.pid})
    try:
        with meter.window():
            parent.stdin.write("go\n")
            parent.stdin.flush()
            assert parent.stdout.readline() == "burnt\n"
    finally:
        parent.stdin.write("end\n")
        parent.stdin.flush()
        parent.wait(timeout=10)
    assert meter.spent["parent_children"] == pytest.approx(0.3 + 0.05, abs=0.15)
    assert meter.spent["parent"] < 0.2  # the parent only waited


def test_each_window_starts_afresh() -> None:
    meter = CpuMeter({"me": os.getpid()})
    meter.spent = {"from_an_earlier_window": 1.0}
    with meter.window():
        sum(range(10_000))
    assert "from_an_earlier_window" not in meter.spent
    assert "me" in meter.spent  # (this test process may have children of its own: not checked)
