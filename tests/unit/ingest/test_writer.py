"""The writer's bookkeeping with a scripted client: every record ends written or reported once."""

from __future__ import annotations

from typing import Any

import pyarrow as pa
import pytest
from botocore.exceptions import ClientError

from jobs.ingest import writer
from jobs.ingest.records import latest_loan_mask, record_batch
from jobs.ingest.writer import WriterSettings, write_shard
from tests.unit.ingest.test_records import features


class ScriptedClient:
    """Answers BatchWriteRecord calls from a script: a response dict or an exception each."""

    def __init__(self, script: list[Any]) -> None:
        self.script = script
        self.calls: list[list[dict[str, Any]]] = []

    def batch_write_record(self, Entries: list[dict[str, Any]]) -> dict[str, Any]:  # noqa: N803
        self.calls.append(Entries)
        step = self.script.pop(0)
        if isinstance(step, Exception):
            raise step
        return step(Entries)


def ok(entries: list[dict[str, Any]]) -> dict[str, Any]:
    return {"Errors": [], "UnprocessedEntries": [], "ResponseMetadata": {}}


def throttle_first(entries: list[dict[str, Any]]) -> dict[str, Any]:
    error = {"Entry": entries[0], "ErrorCode": "ThrottlingException", "ErrorMessage": "slow down"}
    return {"Errors": [error], "UnprocessedEntries": entries[1:2], "ResponseMetadata": {}}


def reject_first(entries: list[dict[str, Any]]) -> dict[str, Any]:
    error = {"Entry": entries[0], "ErrorCode": "ValidationError", "ErrorMessage": "bad"}
    return {"Errors": [error], "UnprocessedEntries": [], "ResponseMetadata": {}}


@pytest.fixture(autouse=True)
def no_sleep(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(writer.time, "sleep", lambda seconds: None)


def batch_of_four() -> Any:
    table: pa.Table = features()
    return record_batch(table, latest_loan_mask(table))


SETTINGS = WriterSettings(feature_group="g", api="batch-write-record", threads=1, max_attempts=3)


def test_batch_write_retries_throttled_and_unprocessed_entries_only() -> None:
    client = ScriptedClient([throttle_first, ok])

    result = write_shard(client, batch_of_four(), SETTINGS, max_failures=100)

    assert (result.written, result.failed) == (4, [])
    assert len(client.calls[1]) == 2  # the throttled and the unprocessed entry, nothing else


def test_batch_write_does_not_retry_a_validation_error() -> None:
    client = ScriptedClient([reject_first])

    result = write_shard(client, batch_of_four(), SETTINGS, max_failures=100)

    assert result.written == 3
    assert [(f["loan_id"], f["error_code"], f["attempts"]) for f in result.failed] == [
        ("12", "ValidationError", 1)
    ]


def test_batch_write_call_failing_on_a_retry_reports_only_the_pending_entries() -> None:
    error = ClientError(
        {"Error": {"Code": "InternalFailure", "Message": "boom"}}, "BatchWriteRecord"
    )
    client = ScriptedClient([throttle_first, error])

    result = write_shard(client, batch_of_four(), SETTINGS, max_failures=100)

    assert result.written == 2
    assert sorted(f["loan_id"] for f in result.failed) == ["11", "12"]
    assert result.written + len(result.failed) == 4


def test_batch_write_gives_up_after_max_attempts() -> None:
    client = ScriptedClient([throttle_first, throttle_first, throttle_first])

    result = write_shard(client, batch_of_four(), SETTINGS, max_failures=100)

    assert len(client.calls) == 3
    assert result.written + len(result.failed) == 4
    assert {f["error_code"] for f in result.failed} <= {"ThrottlingException", "Unprocessed"}
