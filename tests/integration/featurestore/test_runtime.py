"""The local Feature Store runtime through the unchanged boto3 client, over real HTTP."""

from __future__ import annotations

import json
import urllib.request
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import boto3
import pytest
from botocore.exceptions import ClientError

from local_stack.featurestore_runtime.definitions import write_definitions_file
from local_stack.featurestore_runtime.process import RuntimeProcess, start_runtime
from local_stack.featurestore_runtime.store import read_offline_rows, read_online_records
from tests.fixtures.featurestore import LOANS_FEATURE_GROUP, loans_feature_group

GROUP = LOANS_FEATURE_GROUP


@pytest.fixture(scope="module")
def shared_client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    """One runtime for the tests that only look at answers (no stored state is asserted)."""
    folder = tmp_path_factory.mktemp("shared-featurestore")
    definitions = write_definitions_file(folder / "definitions.json", [loans_feature_group()])
    with start_runtime(folder / "store.db", definitions=definitions) as runtime:
        yield boto3.client(
            "sagemaker-featurestore-runtime",
            endpoint_url=runtime.endpoint_url,
            region_name="eu-west-1",
            aws_access_key_id="testing",
            aws_secret_access_key="testing",
        )


def record(user: int, day: str, age: int = 40, loan_id: int = 1) -> list[dict[str, str]]:
    return [
        {"FeatureName": "id", "ValueAsString": str(user)},
        {"FeatureName": "loan_id", "ValueAsString": str(loan_id)},
        {"FeatureName": "loan_date", "ValueAsString": f"{day}T00:00:00Z"},
        {"FeatureName": "age", "ValueAsString": str(age)},
    ]


def values(response: dict[str, Any]) -> dict[str, str]:
    return {f["FeatureName"]: f["ValueAsString"] for f in response.get("Record", [])}


def test_put_record_then_get_record_returns_it(featurestore_client: Any) -> None:
    featurestore_client.put_record(FeatureGroupName=GROUP, Record=record(7, "2020-05-01"))

    got = featurestore_client.get_record(FeatureGroupName=GROUP, RecordIdentifierValueAsString="7")

    assert values(got) == {
        "id": "7",
        "loan_id": "1",
        "loan_date": "2020-05-01T00:00:00Z",
        "age": "40",
    }


def test_put_record_older_event_never_overwrites_online_but_is_kept_offline(
    featurestore_client: Any, featurestore_runtime: RuntimeProcess
) -> None:
    featurestore_client.put_record(FeatureGroupName=GROUP, Record=record(7, "2020-05-02", age=41))
    featurestore_client.put_record(FeatureGroupName=GROUP, Record=record(7, "2020-05-01", age=40))

    got = featurestore_client.get_record(FeatureGroupName=GROUP, RecordIdentifierValueAsString="7")
    offline = read_offline_rows(featurestore_runtime.db_path, GROUP)

    assert values(got)["age"] == "41"
    assert [row.values()["age"] for row in offline] == ["41", "40"]
    assert not any(row.is_deleted for row in offline)


def test_put_record_same_event_time_replaces_online_record(featurestore_client: Any) -> None:
    featurestore_client.put_record(FeatureGroupName=GROUP, Record=record(7, "2020-05-02", age=1))
    featurestore_client.put_record(FeatureGroupName=GROUP, Record=record(7, "2020-05-02", age=2))

    got = featurestore_client.get_record(FeatureGroupName=GROUP, RecordIdentifierValueAsString="7")

    assert values(got)["age"] == "2"


def test_put_record_offline_target_store_leaves_online_untouched(
    featurestore_client: Any, featurestore_runtime: RuntimeProcess
) -> None:
    featurestore_client.put_record(
        FeatureGroupName=GROUP, Record=record(8, "2020-05-02"), TargetStores=["OfflineStore"]
    )

    got = featurestore_client.get_record(FeatureGroupName=GROUP, RecordIdentifierValueAsString="8")

    assert "Record" not in got
    assert [r.record_id for r in read_offline_rows(featurestore_runtime.db_path, GROUP)] == ["8"]


def test_get_record_feature_names_filter(featurestore_client: Any) -> None:
    featurestore_client.put_record(FeatureGroupName=GROUP, Record=record(7, "2020-05-01"))

    got = featurestore_client.get_record(
        FeatureGroupName=GROUP, RecordIdentifierValueAsString="7", FeatureNames=["age", "loan_id"]
    )

    assert values(got) == {"loan_id": "1", "age": "40"}


def test_get_record_unknown_record_is_empty(featurestore_client: Any) -> None:
    got = featurestore_client.get_record(FeatureGroupName=GROUP, RecordIdentifierValueAsString="9")
    assert "Record" not in got


def test_get_record_by_feature_group_arn(featurestore_client: Any) -> None:
    featurestore_client.put_record(FeatureGroupName=GROUP, Record=record(7, "2020-05-01"))
    arn = f"arn:aws:sagemaker:eu-west-1:123456789012:feature-group/{GROUP}"

    got = featurestore_client.get_record(FeatureGroupName=arn, RecordIdentifierValueAsString="7")

    assert values(got)["id"] == "7"


def test_unknown_feature_group_raises_resource_not_found(featurestore_client: Any) -> None:
    with pytest.raises(featurestore_client.exceptions.ResourceNotFound, match="nope"):
        featurestore_client.get_record(FeatureGroupName="nope", RecordIdentifierValueAsString="1")
    with pytest.raises(ClientError) as raised:
        featurestore_client.put_record(FeatureGroupName="nope", Record=record(1, "2020-01-01"))
    assert raised.value.response["Error"]["Code"] == "ResourceNotFound"
    assert raised.value.response["ResponseMetadata"]["HTTPStatusCode"] == 404


@pytest.mark.parametrize(
    ("bad_record", "message"),
    [
        (record(7, "2020-05-01")[1:], "record identifier feature id"),
        ([f for f in record(7, "2020-05-01") if f["FeatureName"] != "loan_date"], "event time"),
        (
            [
                *record(7, "2020-05-01")[:2],
                {"FeatureName": "loan_date", "ValueAsString": "2020-05-01"},
            ],
            "Invalid event time",
        ),
        (record(7, "2020-13-01"), "Invalid event time"),
        (
            [*record(7, "2020-05-01"), {"FeatureName": "colour", "ValueAsString": "x"}],
            "colour is not defined",
        ),
        (
            [*record(7, "2020-05-01")[:3], {"FeatureName": "age", "ValueAsString": "forty"}],
            "Integral",
        ),
    ],
)
def test_put_record_rejects_invalid_records_with_validation_error(
    shared_client: Any, bad_record: list[dict[str, str]], message: str
) -> None:
    with pytest.raises(shared_client.exceptions.ValidationError, match=message):
        shared_client.put_record(FeatureGroupName=GROUP, Record=bad_record)


def test_get_record_without_identifier_is_a_validation_error(
    featurestore_runtime: RuntimeProcess,
) -> None:
    url = f"{featurestore_runtime.endpoint_url}/FeatureGroup/{GROUP}"
    with pytest.raises(urllib.error.HTTPError) as raised:
        urllib.request.urlopen(url, timeout=10)
    assert raised.value.code == 400
    assert raised.value.headers["x-amzn-ErrorType"] == "ValidationError"
    assert "RecordIdentifierValueAsString" in json.loads(raised.value.read())["message"]


def test_batch_get_record_returns_found_records_and_errors(featurestore_client: Any) -> None:
    featurestore_client.put_record(FeatureGroupName=GROUP, Record=record(1, "2020-05-01"))
    featurestore_client.put_record(FeatureGroupName=GROUP, Record=record(2, "2020-05-01", age=50))

    got = featurestore_client.batch_get_record(
        Identifiers=[
            {
                "FeatureGroupName": GROUP,
                "RecordIdentifiersValueAsString": ["1", "2", "3"],
                "FeatureNames": ["age"],
            },
            {"FeatureGroupName": "nope", "RecordIdentifiersValueAsString": ["1"]},
        ]
    )

    assert [(r["RecordIdentifierValueAsString"], values(r)) for r in got["Records"]] == [
        ("1", {"age": "40"}),
        ("2", {"age": "50"}),
    ]
    assert [(e["FeatureGroupName"], e["ErrorCode"]) for e in got["Errors"]] == [
        ("nope", "ResourceNotFound")
    ]
    assert got["UnprocessedIdentifiers"] == []


def test_delete_record_removes_online_and_logs_offline(
    featurestore_client: Any, featurestore_runtime: RuntimeProcess
) -> None:
    featurestore_client.put_record(FeatureGroupName=GROUP, Record=record(7, "2020-05-02"))

    featurestore_client.delete_record(
        FeatureGroupName=GROUP, RecordIdentifierValueAsString="7", EventTime="2020-05-01T00:00:00Z"
    )
    kept = featurestore_client.get_record(FeatureGroupName=GROUP, RecordIdentifierValueAsString="7")
    featurestore_client.delete_record(
        FeatureGroupName=GROUP, RecordIdentifierValueAsString="7", EventTime="2020-05-03T00:00:00Z"
    )
    gone = featurestore_client.get_record(FeatureGroupName=GROUP, RecordIdentifierValueAsString="7")

    assert values(kept)["id"] == "7"  # a delete older than the record does not remove it
    assert "Record" not in gone
    offline = read_offline_rows(featurestore_runtime.db_path, GROUP)
    assert [row.is_deleted for row in offline] == [False, True, True]


def test_concurrent_puts_are_committed_before_they_are_acknowledged(
    featurestore_client: Any, featurestore_runtime: RuntimeProcess
) -> None:
    def put(user: int) -> None:
        featurestore_client.put_record(FeatureGroupName=GROUP, Record=record(user, "2020-05-01"))

    with ThreadPoolExecutor(8) as pool:
        list(pool.map(put, range(1, 201)))

    # read by a separate connection: only committed rows are visible
    assert len(read_online_records(featurestore_runtime.db_path, GROUP)) == 200
    assert len(read_offline_rows(featurestore_runtime.db_path, GROUP)) == 200


def test_records_survive_a_restart(featurestore_runtime: RuntimeProcess, tmp_path: Any) -> None:
    definitions = tmp_path / "featurestore" / "definitions.json"
    client = boto3.client(
        "sagemaker-featurestore-runtime", endpoint_url=featurestore_runtime.endpoint_url
    )
    client.put_record(FeatureGroupName=GROUP, Record=record(7, "2020-05-01"))
    assert featurestore_runtime.stop() == 0

    with start_runtime(featurestore_runtime.db_path, definitions=definitions) as again:
        client = boto3.client("sagemaker-featurestore-runtime", endpoint_url=again.endpoint_url)
        got = client.get_record(FeatureGroupName=GROUP, RecordIdentifierValueAsString="7")

    assert values(got)["id"] == "7"


def test_injected_503_is_retried_by_botocore(
    featurestore_client: Any, featurestore_runtime: RuntimeProcess
) -> None:
    arm = urllib.request.Request(
        f"{featurestore_runtime.endpoint_url}/_local/faults",
        data=json.dumps({"Operation": "PutRecord", "Count": 1, "Status": 503}).encode(),
        method="POST",
    )
    urllib.request.urlopen(arm, timeout=10)

    response = featurestore_client.put_record(
        FeatureGroupName=GROUP, Record=record(7, "2020-05-01")
    )

    assert response["ResponseMetadata"]["RetryAttempts"] == 1
    got = featurestore_client.get_record(FeatureGroupName=GROUP, RecordIdentifierValueAsString="7")
    assert values(got)["id"] == "7"


def test_offline_admin_route_lists_rows(
    featurestore_client: Any, featurestore_runtime: RuntimeProcess
) -> None:
    featurestore_client.put_record(FeatureGroupName=GROUP, Record=record(7, "2020-05-01"))

    with urllib.request.urlopen(
        f"{featurestore_runtime.endpoint_url}/_local/offline/{GROUP}", timeout=10
    ) as response:
        rows = json.loads(response.read())["Rows"]

    assert [r["RecordIdentifierValueAsString"] for r in rows] == ["7"]
    assert rows[0]["IsDeleted"] is False


def test_batch_write_record_writes_good_entries_and_reports_bad_ones(
    featurestore_client: Any, featurestore_runtime: RuntimeProcess
) -> None:
    response = featurestore_client.batch_write_record(
        Entries=[
            {"FeatureGroupName": GROUP, "Record": record(1, "2020-05-01")},
            {"FeatureGroupName": GROUP, "Record": record(2, "2020-13-01")},
            {"FeatureGroupName": "nope", "Record": record(3, "2020-05-01")},
            {
                "FeatureGroupName": GROUP,
                "Record": record(4, "2020-05-01"),
                "TargetStores": ["OfflineStore"],
            },
        ]
    )

    assert [(e["Entry"]["FeatureGroupName"], e["ErrorCode"]) for e in response["Errors"]] == [
        (GROUP, "ValidationError"),
        ("nope", "ResourceNotFound"),
    ]
    assert set(read_online_records(featurestore_runtime.db_path, GROUP)) == {"1"}
    offline = read_offline_rows(featurestore_runtime.db_path, GROUP)
    assert [row.record_id for row in offline] == ["1", "4"]


def test_batch_write_record_refuses_more_than_25_entries(featurestore_client: Any) -> None:
    entries = [{"FeatureGroupName": GROUP, "Record": record(i, "2020-05-01")} for i in range(26)]
    with pytest.raises(featurestore_client.exceptions.ValidationError, match="1 to 25"):
        featurestore_client.batch_write_record(Entries=entries)
