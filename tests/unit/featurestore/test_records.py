from __future__ import annotations

import json
from typing import Any

import pytest

from local_stack.featurestore_runtime.definitions import Catalogue, FeatureGroup
from local_stack.featurestore_runtime.records import (
    FeatureValue,
    RecordValidationError,
    decode_batch_write_record,
    decode_put_record,
    parse_event_time,
    target_stores,
    validate_record,
)
from tests.fixtures.featurestore import loans_feature_group

GROUP = FeatureGroup.from_description(loans_feature_group())
KEYS = {"id": "1", "loan_date": "2020-01-01T00:00:00Z"}


def decoded(record: list[dict[str, Any]]) -> list[FeatureValue]:
    """A record as the runtime receives it: decoded from a PutRecord body."""
    return list(decode_put_record(json.dumps({"Record": record}).encode()).Record)


def features(**values: str) -> list[FeatureValue]:
    return decoded([{"FeatureName": k, "ValueAsString": v} for k, v in values.items()])


@pytest.mark.parametrize(
    ("text", "seconds"),
    [
        ("1970-01-01T00:00:00Z", 0.0),
        ("2020-02-29T00:00:00Z", 1582934400.0),
        ("2020-02-29T00:00:00.500Z", 1582934400.5),
    ],
)
def test_parse_event_time_accepts_the_two_iso_formats(text: str, seconds: float) -> None:
    assert parse_event_time(text, "String") == seconds


@pytest.mark.parametrize(
    "text",
    ["2020-02-30T00:00:00Z", "2020-02-29", "2020-02-29T00:00:00", "2020-02-29T00:00:00+01:00", ""],
)
def test_parse_event_time_rejects_other_strings(text: str) -> None:
    with pytest.raises(RecordValidationError, match="Invalid event time"):
        parse_event_time(text, "String")


def test_parse_event_time_fractional_is_epoch_seconds() -> None:
    assert parse_event_time("12.5", "Fractional") == 12.5
    with pytest.raises(RecordValidationError):
        parse_event_time("nan", "Fractional")


def test_validate_record_rejects_a_duplicated_feature() -> None:
    record = decoded(
        [
            {"FeatureName": "id", "ValueAsString": "1"},
            {"FeatureName": "id", "ValueAsString": "2"},
            {"FeatureName": "loan_date", "ValueAsString": "2020-01-01T00:00:00Z"},
        ]
    )
    with pytest.raises(RecordValidationError, match="id appears more than once"):
        validate_record(GROUP, record)


def test_validate_record_returns_the_values_by_name() -> None:
    record = features(**KEYS, age="-3", avg_amount_loans_previous="1.5e3")

    assert validate_record(GROUP, record) == {
        **KEYS,
        "age": "-3",
        "avg_amount_loans_previous": "1.5e3",
    }


@pytest.mark.parametrize(
    ("value", "valid"),
    [
        ("0", True),
        ("-12", True),
        ("9223372036854775807", True),  # 19 digits, the largest int64
        ("-9223372036854775808", True),
        ("9223372036854775808", False),
        ("12345678901234567890", False),
        ("", False),
        ("-", False),
        ("1.0", False),
        ("+1", False),
        (" 1", False),
        ("\u0661", False),  # an Arabic-Indic digit: a digit to Python, not to Feature Store
    ],
)
def test_validate_record_checks_integral_values(value: str, valid: bool) -> None:
    record = features(**KEYS, age=value)
    if valid:
        assert validate_record(GROUP, record)["age"] == value
    else:
        with pytest.raises(RecordValidationError, match="age is Integral"):
            validate_record(GROUP, record)


def test_validate_record_checks_fractional_values() -> None:
    with pytest.raises(RecordValidationError, match="avg_amount_loans_previous is Fractional"):
        validate_record(GROUP, features(**KEYS, avg_amount_loans_previous="1,5"))


@pytest.mark.parametrize(
    ("record", "message"),
    [
        ([], "non-empty list"),
        ([{"FeatureName": "colour", "ValueAsString": "red"}], "colour is not defined"),
        ([{"FeatureName": "age"}], "age has no ValueAsString"),
        (
            [{"FeatureName": "loan_date", "ValueAsString": "2020-01-01T00:00:00Z"}],
            "record identifier feature id",
        ),
        ([{"FeatureName": "id", "ValueAsString": "1"}], "event time feature loan_date"),
    ],
)
def test_validate_record_names_what_is_wrong(record: list[dict[str, Any]], message: str) -> None:
    with pytest.raises(RecordValidationError, match=message):
        validate_record(GROUP, decoded(record))


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (b"[]", "does not fit"),
        (b"not json", "does not fit"),
        (b'{"Entries": [{"Record": [{"ValueAsString": "1"}]}]}', "FeatureName"),
        (b'{"Entries": [{"Record": [{"FeatureName": "age", "ValueAsString": 3}]}]}', "str"),
        (
            b'{"Entries": [{"Record": [{"FeatureName": "a", "ValueAsStringList": ["1"]}]}]}',
            "ValueAsStringList",
        ),
    ],
)
def test_decode_batch_write_record_rejects_bodies_off_the_shape(body: bytes, message: str) -> None:
    with pytest.raises(RecordValidationError, match=message):
        decode_batch_write_record(body)


def test_target_stores_default_to_every_store_and_reject_unknown_names() -> None:
    assert target_stores(GROUP, None) == (True, True)
    assert target_stores(GROUP, ["OfflineStore"]) == (False, True)
    with pytest.raises(RecordValidationError):
        target_stores(GROUP, ["Elsewhere"])


def test_feature_group_definition_must_define_its_event_time() -> None:
    description = loans_feature_group()
    description["EventTimeFeatureName"] = "missing"
    with pytest.raises(ValueError, match="event time"):
        FeatureGroup.from_description(description)


def test_catalogue_accepts_names_and_arns() -> None:
    catalogue = Catalogue({GROUP.name: GROUP})
    arn = f"arn:aws:sagemaker:eu-west-1:123456789012:feature-group/{GROUP.name}"
    assert catalogue.lookup(arn) is GROUP
    assert catalogue.cached("other") is None
