from __future__ import annotations

import json

import pyarrow as pa
from hypothesis import example, given, settings
from hypothesis import strategies as st

from jobs.ingest.records import (
    BOTH_STORES,
    OFFLINE_ONLY,
    FeatureRecords,
    failed_record,
    feature_values,
    latest_loan_mask,
)


def features(**overrides: list[object]) -> pa.Table:
    columns: dict[str, list[object]] = {
        "id": [1, 1, 1, 2],
        "loan_id": [12, 11, 10, 20],
        "loan_date": ["2020-03-05", "2020-03-05", "2019-01-01", "2020-06-01"],
        "nb_previous_loans": [2, 1, 0, 0],
        "avg_amount_loans_previous": [150.0, 200.0, None, None],
        "age": [33, 33, 32, 40],
        "years_on_the_job": [11, None, 10, None],
        "flag_own_car": [1, 1, 1, 0],
        "status": [0, 0, 1, 0],
    }
    columns.update(overrides)
    return pa.table(columns)


def test_latest_loan_mask_breaks_same_day_ties_by_loan_id() -> None:
    assert latest_loan_mask(features()).tolist() == [True, False, False, True]


def test_entries_omit_nulls_write_iso_event_time_and_target_stores() -> None:
    records = FeatureRecords.from_features(features())

    entries = [json.loads(text) for text in records.entries("loans")]

    second = {f["FeatureName"]: f["ValueAsString"] for f in entries[1]["Record"]}
    assert second == {
        "id": "1",
        "loan_id": "11",
        "loan_date": "2020-03-05T00:00:00Z",
        "nb_previous_loans": "1",
        "avg_amount_loans_previous": "200",
        "age": "33",
        "flag_own_car": "1",
        "status": "0",
    }
    assert [e["TargetStores"] for e in entries] == [
        list(BOTH_STORES),
        list(OFFLINE_ONLY),
        list(OFFLINE_ONLY),
        list(BOTH_STORES),
    ]
    assert {e["FeatureGroupName"] for e in entries} == {"loans"}
    assert records.online == 2


def test_entries_of_a_range_equal_that_slice_of_all_entries() -> None:
    records = FeatureRecords.from_features(features())

    assert records.entries("g", 1, 3) == records.entries("g")[1:3]


def test_split_keeps_every_record_once_in_order() -> None:
    records = FeatureRecords.from_features(features())

    parts = records.split(3)

    assert [len(p) for p in parts] == [1, 1, 2]
    assert [e for p in parts for e in p.entries("g")] == records.entries("g")


@settings(max_examples=200, deadline=None)
@given(st.lists(st.one_of(st.none(), st.text()), min_size=1, max_size=8))
@example(["\x7f"])  # DEL: escaped by json.dumps, unlike the rest of ASCII
@example(['a"b\\c\n\x00\u00e9\U0001f600'])
def test_feature_values_are_what_json_dumps_writes(values: list[str | None]) -> None:
    """Quotes, backslashes, control characters and non-ASCII text are escaped as botocore does."""
    encoded = feature_values(pa.chunked_array([pa.array(values, pa.string())]), 'na"me')

    expected = [
        None if v is None else json.dumps({"FeatureName": 'na"me', "ValueAsString": v})
        for v in values
    ]
    assert encoded.to_pylist() == expected


def test_failed_record_names_the_loan_its_stores_and_the_error() -> None:
    entry = json.loads(FeatureRecords.from_features(features()).entries("g")[0])

    line = failed_record(entry, "ThrottlingException", "slow down", 3)

    assert line == {
        "id": "1",
        "loan_id": "12",
        "loan_date": "2020-03-05T00:00:00Z",
        "target_stores": list(BOTH_STORES),
        "error_code": "ThrottlingException",
        "message": "slow down",
        "attempts": 3,
    }
