from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from jobs.schema import FEATURES
from lambdas.shared.feature_records import (
    RecordError,
    UserFeatures,
    features_to_record,
    parse_user_id,
    record_to_features,
)

RECORD = [
    {"FeatureName": "id", "ValueAsString": "4211"},
    {"FeatureName": "loan_id", "ValueAsString": "90017"},
    {"FeatureName": "loan_date", "ValueAsString": "2020-03-14T00:00:00Z"},
    {"FeatureName": "nb_previous_loans", "ValueAsString": "3"},
    {"FeatureName": "avg_amount_loans_previous", "ValueAsString": "120.5"},
    {"FeatureName": "age", "ValueAsString": "41"},
    {"FeatureName": "flag_own_car", "ValueAsString": "1"},
    {"FeatureName": "status", "ValueAsString": "0"},
]


def test_record_to_features_reads_types_and_turns_omitted_into_null() -> None:
    features = record_to_features(RECORD)
    assert features.user_id == 4211
    assert features.loan_id == 90017
    assert features.loan_date == "2020-03-14"
    assert features.features == {
        "nb_previous_loans": 3,
        "avg_amount_loans_previous": 120.5,
        "age": 41,
        "years_on_the_job": None,
        "flag_own_car": 1,
    }
    assert list(features.features) == list(FEATURES)


def test_record_to_features_never_exposes_the_label() -> None:
    document = record_to_features(RECORD).as_json()
    assert "status" not in document
    assert "status" not in document["features"]


def test_record_to_features_tolerates_integers_written_as_floats() -> None:
    record = [*RECORD[:3], {"FeatureName": "age", "ValueAsString": "41.0"}]
    assert record_to_features(record).features["age"] == 41


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        ("age", "forty", "age is not an integer"),
        ("age", "41.5", "age is not an integer"),
        ("avg_amount_loans_previous", "nan", "not finite"),
        ("avg_amount_loans_previous", "lots", "not a number"),
        ("loan_date", "2020-03-14", "ISO-8601"),
    ],
)
def test_record_to_features_names_the_broken_value(name: str, value: str, message: str) -> None:
    record = [item for item in RECORD if item["FeatureName"] != name]
    record.append({"FeatureName": name, "ValueAsString": value})
    with pytest.raises(RecordError, match=message):
        record_to_features(record)


def test_record_to_features_requires_the_identifiers() -> None:
    with pytest.raises(RecordError, match="'loan_id'"):
        record_to_features([item for item in RECORD if item["FeatureName"] != "loan_id"])


def test_features_to_record_omits_nulls() -> None:
    record = features_to_record(record_to_features(RECORD))
    names = {item["FeatureName"] for item in record}
    assert "years_on_the_job" not in names
    assert "status" not in names


optional_int = st.none() | st.integers(min_value=0, max_value=10**6)
user_features = st.builds(
    UserFeatures,
    user_id=st.integers(min_value=1, max_value=10**17),
    loan_id=st.integers(min_value=1, max_value=10**17),
    event_time=st.dates().map(lambda d: f"{d.isoformat()}T00:00:00Z"),
    features=st.fixed_dictionaries(
        {
            "nb_previous_loans": optional_int,
            "avg_amount_loans_previous": st.none()
            | st.floats(allow_nan=False, allow_infinity=False, width=64),
            "age": optional_int,
            "years_on_the_job": optional_int,
            "flag_own_car": st.none() | st.sampled_from([0, 1]),
        }
    ),
)


@given(user_features, st.none() | st.sampled_from([0, 1]))
def test_features_round_trip_through_a_record(features: UserFeatures, status: int | None) -> None:
    assert record_to_features(features_to_record(features, status)) == features


@pytest.mark.parametrize(("raw", "expected"), [("1", 1), ("4211", 4211), ("007", 7)])
def test_parse_user_id_accepts_positive_integers(raw: str, expected: int) -> None:
    assert parse_user_id(raw) == expected


@pytest.mark.parametrize(
    "raw", ["", "0", "-1", "1.5", "abc", " 1", "1 ", "1e3", "١٢", "9" * 19, "0x10", "%31"]
)
def test_parse_user_id_rejects_anything_else(raw: str) -> None:
    with pytest.raises(ValueError, match="positive integer"):
        parse_user_id(raw)
