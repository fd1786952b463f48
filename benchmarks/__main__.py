"""Run benchmark modules and write one JSON file per benchmark to benchmarks/results/."""

from __future__ import annotations

import argparse
import importlib
import json
import logging
import os
import pkgutil
import platform
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

import benchmarks
from benchmarks.support import cpu_reference_ms

RESULTS_DIR = Path(__file__).parent / "results"
log = logging.getLogger("benchmarks")


def available() -> list[str]:
    return sorted(
        m.name.removeprefix("bench_")
        for m in pkgutil.iter_modules(benchmarks.__path__)
        if m.name.startswith("bench_")
    )


def environment() -> dict[str, object]:
    try:
        commit = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True, check=False
        ).stdout.strip()
    except OSError:
        commit = ""
    return {
        "timestamp": datetime.now(UTC).isoformat(timespec="seconds"),
        "commit": commit,
        "python": platform.python_version(),
        "machine": platform.machine(),
        "cpus": os.cpu_count(),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__)
    parser.add_argument("names", nargs="*", help=f"benchmarks to run (default all): {available()}")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s: %(message)s")
    names = args.names or available()
    unknown = sorted(set(names) - set(available()))
    if unknown:
        parser.error(f"unknown benchmark(s) {unknown}; available: {available()}")
    RESULTS_DIR.mkdir(exist_ok=True)
    for name in names:
        module = importlib.import_module(f"benchmarks.bench_{name}")
        log.info("running %s", name)
        reference_before = cpu_reference_ms()
        started = time.perf_counter()
        results = module.run()
        wall_seconds = round(time.perf_counter() - started, 3)
        document = {
            "benchmark": name,
            "environment": {
                **environment(),
                # The same fixed loop timed before and after (lower: faster machine at the time).
                "cpu_reference_ms": {"before": reference_before, "after": cpu_reference_ms()},
            },
            "wall_seconds": wall_seconds,
            "results": results,
        }
        path = RESULTS_DIR / f"{name}.json"
        path.write_text(json.dumps(document, indent=2, sort_keys=True) + "\n")
        log.info("%s -> %s", name, path)
        json.dump(document, sys.stdout, indent=2, sort_keys=True)
        sys.stdout.write("\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
