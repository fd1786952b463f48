"""Small text helpers shared by emails and pages."""

from __future__ import annotations

from datetime import UTC, datetime


def utc_time(epoch: float | None) -> str:
    """`2024-05-01 14:03 UTC`; '(unknown)' for None."""
    if epoch is None:
        return "(unknown)"
    return datetime.fromtimestamp(epoch, UTC).strftime("%Y-%m-%d %H:%M UTC")
