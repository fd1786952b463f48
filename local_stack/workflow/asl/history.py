"""Execution history events shaped like Step Functions' GetExecutionHistory."""

from __future__ import annotations

import json
import threading
from datetime import UTC, datetime
from typing import Any

Json = Any


def to_json_text(value: Json) -> str:
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False)


def iso_timestamp(moment: datetime) -> str:
    """The context object's time format: 2024-05-01T12:00:00.123Z."""
    return (
        moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"
    )


class History:
    """Append-only event list; safe to read from the API thread while the execution appends."""

    def __init__(self) -> None:
        self._events: list[dict[str, Any]] = []
        self._lock = threading.Lock()

    def add(
        self, event_type: str, details_key: str | None = None, **details: Any
    ) -> dict[str, Any]:
        with self._lock:
            event: dict[str, Any] = {
                "timestamp": datetime.now(UTC),
                "type": event_type,
                "id": len(self._events) + 1,
                "previousEventId": len(self._events),
            }
            if details_key:
                event[details_key] = {
                    key: value for key, value in details.items() if value is not None
                }
            self._events.append(event)
            return event

    def events(self) -> list[dict[str, Any]]:
        with self._lock:
            return list(self._events)

    def state_entered(self, state_type: str, name: str, state_input: Json) -> None:
        self.add(
            f"{state_type}StateEntered",
            "stateEnteredEventDetails",
            name=name,
            input=to_json_text(state_input),
            inputDetails={"truncated": False},
        )

    def state_exited(self, state_type: str, name: str, output: Json) -> None:
        self.add(
            f"{state_type}StateExited",
            "stateExitedEventDetails",
            name=name,
            output=to_json_text(output),
            outputDetails={"truncated": False},
        )
