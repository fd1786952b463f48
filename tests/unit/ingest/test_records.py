from __future__ import annotations

import pyarrow as pa

from jobs.ingest.records import BOTH_STORES, OFFLINE_ONLY, latest_loan_mask, record_batch


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


def test_record_batch_omits_nulls_and_writes_iso_event_time() -> None:
    table = features()
    batch = record_batch(table, latest_loan_mask(table))

    second = {f["FeatureName"]: f["ValueAsString"] for f in batch.record(1)}

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
    assert batch.target_stores(0) == BOTH_STORES
    assert batch.target_stores(1) == OFFLINE_ONLY


def test_record_batch_split_keeps_every_record_once() -> None:
    table = features()
    batch = record_batch(table, latest_loan_mask(table))

    parts = batch.split(3)

    assert [len(p) for p in parts] == [1, 1, 2]
    assert [p.record(i) for p in parts for i in p] == [batch.record(i) for i in batch]
