from __future__ import annotations

import json
import sys
import types
from pathlib import Path

import pytest

import benchmarks.__main__ as bench_main
from benchmarks.support import cpu_reference_ms


def test_each_result_records_the_machines_speed_before_and_after(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    fake = types.ModuleType("benchmarks.bench_fake")
    fake.run = lambda: {"value": 1}  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "benchmarks.bench_fake", fake)
    monkeypatch.setattr(bench_main, "available", lambda: ["fake"])
    monkeypatch.setattr(bench_main, "RESULTS_DIR", tmp_path)
    timings = iter([140.0, 150.5])
    monkeypatch.setattr(bench_main, "cpu_reference_ms", lambda: next(timings))

    assert bench_main.main(["fake"]) == 0

    document = json.loads((tmp_path / "fake.json").read_text())
    assert document["results"] == {"value": 1}
    assert document["environment"]["cpu_reference_ms"] == {"before": 140.0, "after": 150.5}
    assert json.loads(capsys.readouterr().out) == document


def test_cpu_reference_is_a_positive_duration_in_milliseconds() -> None:
    measured = cpu_reference_ms(repeats=1)
    assert 1 < measured < 60_000
