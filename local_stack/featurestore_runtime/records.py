"""Checks a record against its feature group, as the Feature Store runtime does before writing."""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any, NamedTuple

from local_stack.featurestore_runtime.definitions import FeatureGroup

# The two String event-time formats SageMaker accepts: yyyy-MM-dd'T'HH:mm:ssZ and ...ss.SSSZ
ISO_EVENT_TIME = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,3})?Z")
INTEGRAL = re.compile(r"-?\d{1,19}")
TARGET_STORES = ("OnlineStore", "OfflineStore")


class RecordValidationError(ValueError):
    """The request is invalid; becomes an AWS `ValidationError` (HTTP 400)."""


def parse_event_time(text: str, feature_type: str) -> float:
    """Seconds since the epoch for an event-time value; raises RecordValidationError."""
    if feature_type == "Fractional":
        try:
            value = float(text)
        except ValueError:
            value = math.nan
        if not math.isfinite(value) or value < 0:
            raise RecordValidationError(
                f"Invalid event time {text!r}: expected seconds since epoch"
            )
        return value
    if not ISO_EVENT_TIME.fullmatch(text):
        raise RecordValidationError(
            f"Invalid event time {text!r}: "
            "expected yyyy-MM-dd'T'HH:mm:ssZ or yyyy-MM-dd'T'HH:mm:ss.SSSZ"
        )
    try:
        moment = datetime.fromisoformat(text[:-1]).replace(tzinfo=UTC)
    except ValueError as error:
        raise RecordValidationError(f"Invalid event time {text!r}: {error}") from error
    return moment.timestamp()


def _check_value(name: str, value: str, feature_type: str) -> None:
    if feature_type == "Integral":
        if not INTEGRAL.fullmatch(value) or not -(2**63) <= int(value) < 2**63:
            raise RecordValidationError(f"Feature {name} is Integral but its value is {value!r}")
    elif feature_type == "Fractional":
        try:
            float(value)
        except ValueError:
            raise RecordValidationError(
                f"Feature {name} is Fractional but its value is {value!r}"
            ) from None


class ValidRecord(NamedTuple):
    features: list[dict[str, Any]]
    record_id: str
    event_time: str


def validate_record(group: FeatureGroup, record: Any) -> ValidRecord:
    """Check names, types and required features of a PutRecord `Record`."""
    if not isinstance(record, list) or not record:
        raise RecordValidationError("Record must be a non-empty list of FeatureValue objects")
    values: dict[str, str] = {}
    for feature in record:
        if not isinstance(feature, dict) or not isinstance(feature.get("FeatureName"), str):
            raise RecordValidationError("Every FeatureValue needs a FeatureName")
        name = feature["FeatureName"]
        feature_type = group.feature_types.get(name)
        if feature_type is None:
            raise RecordValidationError(
                f"Feature {name} is not defined in feature group {group.name}"
            )
        if name in values:
            raise RecordValidationError(f"Feature {name} appears more than once in the record")
        if "ValueAsStringList" in feature:
            raise RecordValidationError(f"Feature {name}: collection values are not supported")
        value = feature.get("ValueAsString")
        if not isinstance(value, str):
            raise RecordValidationError(f"Feature {name} has no ValueAsString")
        _check_value(name, value, feature_type)
        values[name] = value
    for role, name in (
        ("record identifier", group.record_identifier),
        ("event time", group.event_time),
    ):
        if not values.get(name):
            raise RecordValidationError(
                f"The {role} feature {name} is missing from the record or empty"
            )
    return ValidRecord(record, values[group.record_identifier], values[group.event_time])


def target_stores(group: FeatureGroup, requested: Sequence[str] | None) -> tuple[bool, bool]:
    """(online, offline) for a write; by default every store the group has."""
    if requested is None:
        return group.online, group.offline
    if not requested or any(store not in TARGET_STORES for store in requested):
        raise RecordValidationError(f"TargetStores must be a non-empty subset of {TARGET_STORES}")
    online, offline = "OnlineStore" in requested, "OfflineStore" in requested
    if (online and not group.online) or (offline and not group.offline):
        raise RecordValidationError(
            f"Feature group {group.name} does not have every store in {requested}"
        )
    return online, offline


def select_features(
    record: list[dict[str, Any]], names: Sequence[str] | None
) -> list[dict[str, Any]]:
    if not names:
        return record
    wanted = set(names)
    return [feature for feature in record if feature["FeatureName"] in wanted]
