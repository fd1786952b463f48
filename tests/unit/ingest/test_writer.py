"""Retries and bookkeeping with scripted answers: every record ends written or reported, once."""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from typing import Any

import pyarrow as pa
import pytest
from botocore.awsrequest import AWSResponse, HTTPHeaders
from botocore.exceptions import EndpointConnectionError
from botocore.session import Session

from jobs.ingest import writer
from jobs.ingest.batch_write import Answer, BatchOutcome, write_batch
from jobs.ingest.records import FeatureRecords, failed_record
from jobs.ingest.retries import RetryPolicy
from jobs.ingest.writer import SERVICE, ShardWriter, Writer, WriterSettings, make_writer
from tests.unit.ingest.test_records import features

OPERATION_MODEL = Session().get_service_model(SERVICE).operation_model("BatchWriteRecord")
ENTRIES = FeatureRecords.from_features(features()).entries("g")  # loan ids 12, 11, 10, 20

Step = Callable[[list[dict[str, Any]]], Answer]


def answer(status: int, parsed: dict[str, Any]) -> Answer:
    response = AWSResponse("http://test/BatchWriteRecord", status, HTTPHeaders(), None)
    return Answer(parsed, response, None)


def ok(entries: list[dict[str, Any]]) -> Answer:
    return answer(200, {"Errors": [], "UnprocessedEntries": []})


def throttle_first_leave_second(entries: list[dict[str, Any]]) -> Answer:
    error = {"Entry": entries[0], "ErrorCode": "ThrottlingException", "ErrorMessage": "slow"}
    return answer(200, {"Errors": [error], "UnprocessedEntries": entries[1:2]})


def fail_first_with(code: str) -> Step:
    def step(entries: list[dict[str, Any]]) -> Answer:
        error = {"Entry": entries[0], "ErrorCode": code, "ErrorMessage": "no"}
        return answer(200, {"Errors": [error], "UnprocessedEntries": []})

    return step


def whole_call(status: int, code: str) -> Step:
    return lambda entries: answer(status, {"Error": {"Code": code, "Message": "call failed"}})


def connection_error(entries: list[dict[str, Any]]) -> Answer:
    return Answer(None, None, EndpointConnectionError(endpoint_url="http://test"))


class ScriptedSender:
    """Answers each request with the next step of a script; records what was sent."""

    def __init__(self, script: Sequence[Step]) -> None:
        self.script = list(script)
        self.requests: list[list[dict[str, Any]]] = []
        self.attempts: list[int] = []

    def send(self, entries: Sequence[str], *, invocation_id: str, attempt: int) -> Answer:
        decoded = [json.loads(e) for e in entries]
        self.requests.append(decoded)
        self.attempts.append(attempt)
        return self.script.pop(0)(decoded)


def sent_loan_ids(request: list[dict[str, Any]]) -> list[str]:
    return [
        next(f["ValueAsString"] for f in e["Record"] if f["FeatureName"] == "loan_id")
        for e in request
    ]


def write(script: Sequence[Step], max_attempts: int = 3) -> tuple[BatchOutcome, ScriptedSender]:
    sender = ScriptedSender(script)
    policy = RetryPolicy(OPERATION_MODEL, max_attempts, rng=lambda: 0.5)
    delays: list[float] = []
    outcome = write_batch(sender, policy, ENTRIES, sleep=delays.append)  # type: ignore[arg-type]
    assert len(delays) == len(sender.requests) - 1  # a wait before each retry, none after
    return outcome, sender


def test_write_batch_retries_throttled_and_unprocessed_entries_only() -> None:
    outcome, sender = write([throttle_first_leave_second, ok])

    assert (outcome.written, outcome.failed, outcome.retried) == (4, [], True)
    assert sent_loan_ids(sender.requests[1]) == ["12", "11"]
    assert sender.attempts == [1, 2]


@pytest.mark.parametrize("code", ["ServiceUnavailable", "InternalFailure", "Throttling"])
def test_write_batch_retries_entries_failed_by_a_server_error(code: str) -> None:
    outcome, sender = write([fail_first_with(code), ok])

    assert (outcome.written, outcome.failed) == (4, [])
    assert sent_loan_ids(sender.requests[1]) == ["12"]


@pytest.mark.parametrize("code", ["ValidationError", "ResourceNotFound", "AccessForbidden"])
def test_write_batch_reports_a_client_error_entry_without_retrying(code: str) -> None:
    outcome, sender = write([fail_first_with(code)])

    assert outcome.written == 3
    assert len(sender.requests) == 1
    assert [(f["loan_id"], f["error_code"], f["attempts"]) for f in outcome.failed] == [
        ("12", code, 1)
    ]


@pytest.mark.parametrize(
    "failure",
    [
        whole_call(503, "ServiceUnavailable"),
        whole_call(400, "ThrottlingException"),
        connection_error,
    ],
)
def test_write_batch_retries_a_failed_call_with_every_entry(failure: Step) -> None:
    outcome, sender = write([failure, ok])

    assert (outcome.written, outcome.failed) == (4, [])
    assert sender.requests[0] == sender.requests[1]


def test_write_batch_does_not_retry_a_call_rejected_as_invalid() -> None:
    outcome, sender = write([whole_call(400, "ValidationError")])

    assert len(sender.requests) == 1
    assert outcome.written == 0
    assert {f["error_code"] for f in outcome.failed} == {"ValidationError"}
    assert sorted(f["loan_id"] for f in outcome.failed) == ["10", "11", "12", "20"]


def test_write_batch_call_failing_on_a_retry_reports_only_the_pending_entries() -> None:
    outcome, _ = write([throttle_first_leave_second, whole_call(400, "ValidationError")])

    assert outcome.written == 2
    assert sorted(f["loan_id"] for f in outcome.failed) == ["11", "12"]


def test_write_batch_gives_up_after_max_attempts_and_reports_the_last_error() -> None:
    outcome, sender = write([throttle_first_leave_second] * 3)

    assert sender.attempts == [1, 2, 3]
    assert outcome.written == 2
    assert sorted((f["loan_id"], f["error_code"], f["attempts"]) for f in outcome.failed) == [
        ("11", "Unprocessed", 3),
        ("12", "ThrottlingException", 3),
    ]


def test_write_batch_reports_an_echoed_entry_it_never_sent() -> None:
    stranger = json.loads(ENTRIES[0])
    stranger["Record"][0]["ValueAsString"] = "999"

    def unknown_entry(entries: list[dict[str, Any]]) -> Answer:
        error = {"Entry": stranger, "ErrorCode": "ThrottlingException", "ErrorMessage": "?"}
        return answer(200, {"Errors": [error], "UnprocessedEntries": []})

    outcome, sender = write([unknown_entry])

    assert len(sender.requests) == 1
    assert [f["id"] for f in outcome.failed] == ["999"]


class ScriptedWriter:
    """A Writer whose calls write everything, or fail every entry of the call."""

    def __init__(self, fail: bool) -> None:
        self.fail = fail
        self.calls = 0

    def __call__(self, entries: Sequence[str]) -> BatchOutcome:
        self.calls += 1
        if self.fail:
            return BatchOutcome(
                failed=[failed_record(json.loads(e), "ResourceNotFound", "no", 1) for e in entries]
            )
        return BatchOutcome(written=len(entries))


def test_shard_writer_counts_every_record_once() -> None:
    call = ScriptedWriter(fail=False)
    records = FeatureRecords.from_features(features())

    result = ShardWriter(Writer(call, 3), records, WriterSettings("g", threads=2), 10).run()

    assert (result.written, result.failed, result.not_attempted) == (4, [], 0)
    assert call.calls == 2


def test_shard_writer_stops_after_max_failures_and_counts_the_rest_not_attempted() -> None:
    call = ScriptedWriter(fail=True)
    records = FeatureRecords.from_features(pa.concat_tables([features()] * 10))

    result = ShardWriter(Writer(call, 1), records, WriterSettings("g", threads=1), 2).run()

    assert len(result.failed) >= 2
    assert result.not_attempted > 0
    assert result.written + len(result.failed) + result.not_attempted == 40


def test_make_writer_batches_25_records_a_call_by_default() -> None:
    made = make_writer(WriterSettings("g", region="eu-west-1"))
    made.close()

    assert made.size == 25


def test_make_writer_falls_back_to_put_record_without_batch_write_record(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    """An older botocore (an older SageMaker container) lacks the operation: PutRecord then."""
    monkeypatch.setattr(writer, "OPERATION", "NoSuchOperation")

    made = make_writer(WriterSettings("g", region="eu-west-1"))

    assert made.size == 1
    assert "writing with PutRecord instead" in caplog.text


def test_write_batch_in_adaptive_mode_feeds_throttling_to_botocore_rate_limiter() -> None:
    sender = ScriptedSender([throttle_first_leave_second, whole_call(400, "Throttling"), ok])
    policy = RetryPolicy(OPERATION_MODEL, 3, mode="adaptive", rng=lambda: 0.0)

    outcome = write_batch(sender, policy, ENTRIES, sleep=lambda seconds: None)  # type: ignore[arg-type]

    assert (outcome.written, outcome.failed) == (4, [])
    assert policy._limiter is not None
    assert vars(policy._limiter)["_enabled"]  # throttling switched botocore's limiter on
