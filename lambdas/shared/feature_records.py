"""Feature Store records <-> the five features of a user's latest loan.

A record is the `Record` list of `GetRecord`/`PutRecord`: `[{"FeatureName", "ValueAsString"}]`.
Nulls are omitted from a record (ARCHITECTURE.md 3.3) and come back as `None`. Names and types come
from `jobs.schema`, the one place they are spelled.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from jobs.schema import (
    EVENT_TIME,
    FEATURE_GROUP_TYPES,
    FEATURES,
    LOAN_ID,
    RECORD_ID,
    TARGET,
)

FeatureValue = int | float | None
Record = list[dict[str, str]]

MAX_ID_DIGITS = 18  # fits a signed 64-bit integer
_ID_PATTERN = re.compile(rf"[0-9]{{1,{MAX_ID_DIGITS}}}")


class RecordError(ValueError):
    """A stored record does not follow the feature group's schema."""


@dataclass(frozen=True, slots=True)
class UserFeatures:
    user_id: int
    loan_id: int
    event_time: str  # ISO-8601, `YYYY-MM-DDT00:00:00Z`
    features: dict[str, FeatureValue]  # in `FEATURES` order

    @property
    def loan_date(self) -> str:
        return self.event_time[:10]

    def as_json(self) -> dict[str, Any]:
        return {
            "id": self.user_id,
            "loan_id": self.loan_id,
            "loan_date": self.loan_date,
            "event_time": self.event_time,
            "features": dict(self.features),
        }


def parse_user_id(raw: str) -> int:
    """The user id of a path parameter; ValueError with a message fit for the API's user."""
    if _ID_PATTERN.fullmatch(raw) is None or int(raw) == 0:
        shown = raw if len(raw) <= 40 else raw[:40] + "..."
        raise ValueError(
            f"id must be a positive integer of at most {MAX_ID_DIGITS} digits, got {shown!r}"
        )
    return int(raw)


def record_to_features(record: Sequence[Mapping[str, str]]) -> UserFeatures:
    values = {item["FeatureName"]: item["ValueAsString"] for item in record}
    for required in (RECORD_ID, LOAN_ID, EVENT_TIME):
        if required not in values:
            raise RecordError(f"record has no {required!r}")
    event_time = values[EVENT_TIME]
    _check_event_time(event_time)
    return UserFeatures(
        user_id=_as_int(RECORD_ID, values[RECORD_ID]),
        loan_id=_as_int(LOAN_ID, values[LOAN_ID]),
        event_time=event_time,
        features={name: _parse(name, values.get(name)) for name in FEATURES},
    )


def features_to_record(features: UserFeatures, status: int | None = None) -> Record:
    """The record `PutRecord` takes; None values (and a None status) are omitted."""
    values: dict[str, FeatureValue] = {
        RECORD_ID: features.user_id,
        LOAN_ID: features.loan_id,
        **features.features,
        TARGET: status,
    }
    record = [{"FeatureName": EVENT_TIME, "ValueAsString": features.event_time}]
    record += [
        {"FeatureName": name, "ValueAsString": _format(name, value)}
        for name, value in values.items()
        if value is not None
    ]
    return record


def _parse(name: str, raw: str | None) -> FeatureValue:
    if raw is None or raw == "":
        return None
    if FEATURE_GROUP_TYPES[name] == "Integral":
        return _as_int(name, raw)
    try:
        value = float(raw)
    except ValueError:
        raise RecordError(f"{name} is not a number: {raw[:40]!r}") from None
    if not math.isfinite(value):
        raise RecordError(f"{name} is not finite: {raw[:40]!r}")
    return value


def _as_int(name: str, raw: str) -> int:
    # Tolerate "3.0": a writer that went through a float column still means the integer 3.
    try:
        return int(raw)
    except ValueError:
        pass
    try:
        value = float(raw)
    except ValueError:
        raise RecordError(f"{name} is not an integer: {raw[:40]!r}") from None
    if not value.is_integer():
        raise RecordError(f"{name} is not an integer: {raw[:40]!r}")
    return int(value)


def _format(name: str, value: int | float) -> str:
    if FEATURE_GROUP_TYPES.get(name, "Integral") == "Integral":
        return str(int(value))
    return repr(float(value))


def _check_event_time(raw: str) -> None:
    try:
        datetime.strptime(raw, "%Y-%m-%dT%H:%M:%SZ")
    except ValueError:
        raise RecordError(
            f"{EVENT_TIME} is not an ISO-8601 UTC time (YYYY-MM-DDThh:mm:ssZ): {raw[:40]!r}"
        ) from None
