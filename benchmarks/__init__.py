"""Benchmarks: `python -m benchmarks [name ...]` runs bench_<name>.py, writing JSON results.

Each module defines `run() -> dict` returning its measurements. Targets are recorded beside the
numbers (`targets` / `met`), never asserted in tests.
"""
