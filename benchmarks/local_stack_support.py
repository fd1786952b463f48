"""Shared by the local-stack benchmarks: a stack of their own (free ports, a temporary folder),
brought up and always taken down, and a file run through it to a live endpoint."""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from local_stack.stack import StackSettings, TerraformValues, down, up
from local_stack.stack.settings import COMPONENTS


@dataclass(frozen=True)
class BenchStack:
    settings: StackSettings
    info: dict[str, Any]
    up_seconds: float


@contextmanager
def running_stack(
    state_dir: Path, terraform: TerraformValues | None = None, speedup: float | None = None
) -> Iterator[BenchStack]:
    """`up` with the product's defaults (unless given) on free ports; `down --purge` at exit."""
    defaults = StackSettings()
    settings = StackSettings(
        state_dir=state_dir,
        ports=dict.fromkeys(COMPONENTS, 0),
        speedup=defaults.speedup if speedup is None else speedup,
        terraform=terraform or TerraformValues(),
    )
    started = time.perf_counter()
    try:
        info = up(settings)
        yield BenchStack(settings, info, round(time.perf_counter() - started, 1))
    finally:
        down(state_dir, purge=True)
