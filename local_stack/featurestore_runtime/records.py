"""The write requests' shapes, and the checks the Feature Store runtime makes before writing.

Request bodies are decoded with msgspec straight into the shapes of botocore's service model
(2020-07-01), typed: a body that does not fit (a missing `FeatureName`, a number where a string
belongs, a collection value) is a ValidationError for the whole call, as AWS's deserialiser
makes it. The checks against the feature group then run once per record, mostly in C (a dict
of the values, set operations, one `isdigit` over the joined Integral values).
"""

from __future__ import annotations

import functools
import math
import re
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any, cast

import msgspec

from local_stack.featurestore_runtime.definitions import FeatureGroup
from local_stack.featurestore_runtime.store import Record, Values, Write

# The two String event-time formats SageMaker accepts: yyyy-MM-dd'T'HH:mm:ssZ and ...ss.SSSZ
ISO_EVENT_TIME = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,3})?Z")
TARGET_STORES = ("OnlineStore", "OfflineStore")
MAX_INTEGRAL_DIGITS = 19


class RecordValidationError(ValueError):
    """The request is invalid; becomes an AWS `ValidationError` (HTTP 400)."""


class FeatureValue(msgspec.Struct, forbid_unknown_fields=True, omit_defaults=True, gc=False):
    """A scalar FeatureValue (`ValueAsStringList`, for collection features, is not supported)."""

    FeatureName: str
    ValueAsString: str | None = None


class WriteEntry(msgspec.Struct, omit_defaults=True, gc=False):
    """A BatchWriteRecord entry; a PutRecord body has the same members (its group is in the URL)."""

    Record: list[FeatureValue]
    FeatureGroupName: str = ""
    TargetStores: list[str] | None = None
    TtlDuration: dict[str, Any] | None = None


class BatchWriteRecordRequest(msgspec.Struct, gc=False):
    Entries: list[WriteEntry]


def decoder(shape: type[Any]) -> Any:
    """Decode a request body into a shape; raises RecordValidationError when it does not fit."""
    typed = msgspec.json.Decoder(shape)

    def decode(body: bytes) -> Any:
        try:
            return typed.decode(body or b"{}")
        except msgspec.DecodeError as error:
            raise RecordValidationError(
                f"The request body does not fit {shape.__name__}: {error}"
            ) from None

    return decode


decode_put_record = decoder(WriteEntry)
decode_batch_write_record = decoder(BatchWriteRecordRequest)


@functools.lru_cache(maxsize=4096)  # a file has few distinct event times (730 days)
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


def _is_integral(value: str) -> bool:
    """A decimal integer of at most 19 digits that fits a signed 64-bit integer."""
    digits = value[1:] if value[:1] == "-" else value
    if not (digits.isascii() and digits.isdigit() and len(digits) <= MAX_INTEGRAL_DIGITS):
        return False
    return len(digits) < MAX_INTEGRAL_DIGITS or -(2**63) <= int(value) < 2**63


def _all_integral(values: list[str]) -> bool:
    """The common case in a few passes of C (unsigned, 1 to 18 digits each), else one by one."""
    joined = "".join(values)
    if (
        joined.isascii()
        and joined.isdigit()
        and "" not in values
        and max(map(len, values)) < MAX_INTEGRAL_DIGITS
    ):
        return True
    return all(map(_is_integral, values))


def _is_fractional(value: str) -> bool:
    try:
        float(value)
    except ValueError:
        return False
    return True


def validate_record(group: FeatureGroup, record: Sequence[FeatureValue]) -> Values:
    """The record's values by feature name, once names, types and required features are right."""
    if not record:
        raise RecordValidationError("Record must be a non-empty list of FeatureValue objects")
    given = {feature.FeatureName: feature.ValueAsString for feature in record}
    if len(given) != len(record) or not given.keys() <= group.feature_types.keys():
        _raise_first_error(group, record)
    if None in given.values():
        _raise_first_error(group, record)
    values = cast(Values, given)  # no None value: checked just above
    # an absent (null) feature stands in as "0" so one list serves every record
    if not _all_integral([values.get(name, "0") for name in group.integral_features]):
        _raise_first_error(group, record)
    for name in group.fractional_features:
        value = values.get(name)
        if value is not None and not _is_fractional(value):
            raise RecordValidationError(f"Feature {name} is Fractional but its value is {value!r}")
    for role, name in (
        ("record identifier", group.record_identifier),
        ("event time", group.event_time),
    ):
        if not values.get(name):
            raise RecordValidationError(
                f"The {role} feature {name} is missing from the record or empty"
            )
    return values


def _raise_first_error(group: FeatureGroup, record: Sequence[FeatureValue]) -> None:
    """The first problem in record order: a repeated, undefined, empty or mistyped feature."""
    seen: set[str] = set()
    for feature in record:
        name, value = feature.FeatureName, feature.ValueAsString
        feature_type = group.feature_types.get(name)
        if name in seen:
            raise RecordValidationError(f"Feature {name} appears more than once in the record")
        if feature_type is None:
            raise RecordValidationError(
                f"Feature {name} is not defined in feature group {group.name}"
            )
        if value is None:
            raise RecordValidationError(f"Feature {name} has no ValueAsString")
        if feature_type == "Integral" and not _is_integral(value):
            raise RecordValidationError(f"Feature {name} is Integral but its value is {value!r}")
        seen.add(name)
    raise AssertionError("_raise_first_error found no error")  # pragma: no cover


@functools.lru_cache(maxsize=64)
def _stores(requested: tuple[str, ...]) -> tuple[bool, bool]:
    if not requested or any(store not in TARGET_STORES for store in requested):
        raise RecordValidationError(f"TargetStores must be a non-empty subset of {TARGET_STORES}")
    return "OnlineStore" in requested, "OfflineStore" in requested


def target_stores(group: FeatureGroup, requested: Sequence[str] | None) -> tuple[bool, bool]:
    """(online, offline) for a write; by default every store the group has."""
    if requested is None:
        return group.online, group.offline
    online, offline = _stores(tuple(requested))
    if (online and not group.online) or (offline and not group.offline):
        raise RecordValidationError(
            f"Feature group {group.name} does not have every store in {list(requested)}"
        )
    return online, offline


def prepare_write(group: FeatureGroup, entry: WriteEntry) -> Write:
    """Validate one PutRecord-shaped write into what the store takes."""
    values = validate_record(group, entry.Record)
    event_time = parse_event_time(values[group.event_time], group.feature_types[group.event_time])
    online, offline = target_stores(group, entry.TargetStores)
    return Write(group.name, values[group.record_identifier], event_time, values, online, offline)


def select_features(values: Values, names: Sequence[str] | None) -> Record:
    """The stored values as a `Record` (FeatureValue list), optionally only the named features."""
    wanted = set(names) if names else values.keys()
    return [{"FeatureName": k, "ValueAsString": v} for k, v in values.items() if k in wanted]
