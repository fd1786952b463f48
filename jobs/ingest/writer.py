"""Concurrent writes with botocore's retries; every record ends written or reported.

Two ways to write: `put-record` (one PutRecord call per record, the documented default) and
`batch-write-record` (BatchWriteRecord, up to 25 records per call, in recent boto3 releases).
Per-call cost dominates (boto3 serialises, signs and parses each call in Python), so the work is
split over processes (each with one client and a small thread pool that overlaps network waits)
rather than more threads fighting over one GIL. Whole-call retries on throttling, 5xx and
connection errors are botocore's (standard mode: exponential backoff with jitter, a retry quota
per client). BatchWriteRecord can also fail single entries inside a successful call; botocore
cannot see those, so they are retried here with the same kind of backoff.
"""

from __future__ import annotations

import functools
import logging
import math
import multiprocessing
import random
import threading
import time
from collections.abc import Callable, Sequence
from concurrent.futures import (
    FIRST_COMPLETED,
    Future,
    ProcessPoolExecutor,
    ThreadPoolExecutor,
    wait,
)
from dataclasses import dataclass, field
from typing import Any, Literal

import boto3
from botocore.config import Config
from botocore.exceptions import ClientError

from jobs.ingest.records import RecordBatch

log = logging.getLogger(__name__)

Api = Literal["put-record", "batch-write-record"]
API_CHOICES: tuple[Api, ...] = ("put-record", "batch-write-record")
API_HELP = "PutRecord per record (default) or BatchWriteRecord, 25 records a call"
BATCH_WRITE_SIZE = 25
RETRYABLE_ENTRY_ERRORS = frozenset(
    {"ThrottlingException", "Throttling", "ServiceUnavailable", "InternalFailure"}
)
MAX_BACKOFF_SECONDS = 20.0


@dataclass(frozen=True)
class WriterSettings:
    feature_group: str
    api: Api = "put-record"
    processes: int = 2
    threads: int = 8
    max_attempts: int = 8
    retry_mode: Literal["standard", "adaptive"] = "standard"
    max_failures: int = 1000
    region: str | None = None
    endpoint_url: str | None = None

    def client_config(self) -> Config:
        return Config(
            retries={"mode": self.retry_mode, "total_max_attempts": self.max_attempts},
            max_pool_connections=self.threads,
            parameter_validation=False,  # records are built by this job; skip per-call checks
            tcp_keepalive=True,
        )


@dataclass
class ShardResult:
    written: int = 0
    not_attempted: int = 0
    retried_calls: int = 0
    failed: list[dict[str, Any]] = field(default_factory=list)

    def add(self, other: ShardResult) -> None:
        self.written += other.written
        self.not_attempted += other.not_attempted
        self.retried_calls += other.retried_calls
        self.failed.extend(other.failed)


def make_client(settings: WriterSettings) -> Any:
    client = boto3.session.Session().client(
        "sagemaker-featurestore-runtime",
        region_name=settings.region,
        endpoint_url=settings.endpoint_url,
        config=settings.client_config(),
    )
    if settings.api == "batch-write-record" and not hasattr(client, "batch_write_record"):
        raise RuntimeError(
            f"boto3 {boto3.__version__} has no BatchWriteRecord: upgrade it or use --api put-record"
        )
    return client


def backoff_seconds(attempt: int) -> float:
    """Full-jitter exponential backoff, the scheme botocore's standard retry mode uses."""
    return random.random() * min(MAX_BACKOFF_SECONDS, 2.0 ** (attempt - 1))  # noqa: S311


class ShardWriter:
    """Writes one shard's records through one client; thread-safe bookkeeping of the outcome."""

    def __init__(
        self, client: Any, batch: RecordBatch, settings: WriterSettings, max_failures: int
    ):
        self.client = client
        self.batch = batch
        self.settings = settings
        self.max_failures = max_failures
        self.result = ShardResult()
        self.abort = threading.Event()
        self._lock = threading.Lock()

    def succeeded(self, count: int, retried: bool) -> None:
        with self._lock:
            self.result.written += count
            self.result.retried_calls += int(retried)

    def failed(self, i: int, code: str, message: str, attempts: int | None) -> None:
        with self._lock:
            self.result.failed.append(
                {
                    **self.batch.identity(i),
                    "target_stores": list(self.batch.target_stores(i)),
                    "error_code": code,
                    "message": message[:500],
                    "attempts": attempts,
                }
            )
            if len(self.result.failed) >= self.max_failures:
                self.abort.set()

    def failed_call(self, indexes: Sequence[int], error: BaseException) -> None:
        if isinstance(error, ClientError):
            details = error.response.get("Error", {})
            attempts = error.response.get("ResponseMetadata", {}).get("RetryAttempts", 0) + 1
            code, message = details.get("Code", "Unknown"), details.get("Message", str(error))
        else:
            code, message, attempts = type(error).__name__, str(error), None
        for i in indexes:
            self.failed(i, code, message, attempts)

    def put_record(self, indexes: Sequence[int]) -> None:
        (i,) = indexes
        response = self.client.put_record(
            FeatureGroupName=self.settings.feature_group,
            Record=self.batch.record(i),
            TargetStores=list(self.batch.target_stores(i)),
        )
        self.succeeded(1, bool(response["ResponseMetadata"].get("RetryAttempts")))

    def batch_write_record(self, indexes: Sequence[int]) -> None:
        pending = list(indexes)
        retried = False
        for attempt in range(1, self.settings.max_attempts + 1):
            entries = [self.entry(i) for i in pending]
            try:
                response = self.client.batch_write_record(Entries=entries)
            except Exception as call_error:  # the whole call failed after botocore's retries
                self.failed_call(pending, call_error)  # only these: earlier ones were counted
                return
            retried |= bool(response["ResponseMetadata"].get("RetryAttempts"))
            index = {self.key(e["Record"]): i for e, i in zip(entries, pending, strict=True)}
            errors = response.get("Errors", [])
            unprocessed = response.get("UnprocessedEntries", [])
            self.succeeded(len(pending) - len(errors) - len(unprocessed), retried)
            last = attempt == self.settings.max_attempts
            pending = []
            for error in errors:
                i = index[self.key(error["Entry"]["Record"])]
                if error["ErrorCode"] in RETRYABLE_ENTRY_ERRORS and not last:
                    pending.append(i)
                else:
                    self.failed(i, error["ErrorCode"], error.get("ErrorMessage", ""), attempt)
            for entry in unprocessed:
                i = index[self.key(entry["Record"])]
                if last:
                    self.failed(i, "Unprocessed", "still unprocessed after every attempt", attempt)
                else:
                    pending.append(i)
            if not pending:
                return
            retried = True
            time.sleep(backoff_seconds(attempt))

    def entry(self, i: int) -> dict[str, Any]:
        return {
            "FeatureGroupName": self.settings.feature_group,
            "Record": self.batch.record(i),
            "TargetStores": list(self.batch.target_stores(i)),
        }

    @staticmethod
    def key(record: list[dict[str, str]]) -> tuple[tuple[str, str], ...]:
        return tuple((f["FeatureName"], f["ValueAsString"]) for f in record)

    def run(self) -> ShardResult:
        size = BATCH_WRITE_SIZE if self.settings.api == "batch-write-record" else 1
        call = self.batch_write_record if size > 1 else self.put_record
        chunks = [
            list(range(start, min(start + size, len(self.batch))))
            for start in range(0, len(self.batch), size)
        ]
        with ThreadPoolExecutor(self.settings.threads, thread_name_prefix="feature-store") as pool:
            in_flight: set[Future[None]] = set()
            for n, chunk in enumerate(chunks):
                if self.abort.is_set():
                    self.result.not_attempted = sum(len(c) for c in chunks[n:])
                    break
                if len(in_flight) >= self.settings.threads * 2:
                    _, in_flight = wait(in_flight, return_when=FIRST_COMPLETED)
                future = pool.submit(call, chunk)
                future.add_done_callback(functools.partial(self._done, chunk=chunk))
                in_flight.add(future)
            wait(in_flight)
        if self.abort.is_set():
            log.error("stopped after %d failed records", len(self.result.failed))
        return self.result

    def _done(self, future: Future[None], *, chunk: list[int]) -> None:
        error = future.exception()
        if error is not None:
            self.failed_call(chunk, error)


def write_shard(
    client: Any, batch: RecordBatch, settings: WriterSettings, max_failures: int
) -> ShardResult:
    """Write every record of the batch with at most `settings.threads` calls in flight."""
    return ShardWriter(client, batch, settings, max_failures).run()


def _write_shard_in_process(
    batch: RecordBatch, settings: WriterSettings, max_failures: int
) -> ShardResult:
    logging.basicConfig(
        level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    return write_shard(make_client(settings), batch, settings, max_failures)


def write_all(
    batch: RecordBatch,
    settings: WriterSettings,
    client_factory: Callable[[WriterSettings], Any] = make_client,
) -> ShardResult:
    """Write every record; with processes > 1 each process takes a contiguous shard."""
    if settings.processes <= 1 or len(batch) < 2 * settings.processes:
        return write_shard(client_factory(settings), batch, settings, settings.max_failures)
    shards = batch.split(settings.processes)
    per_shard_failures = math.ceil(settings.max_failures / len(shards))
    started = time.perf_counter()
    context = multiprocessing.get_context("spawn")  # no client or thread crosses a fork
    with ProcessPoolExecutor(len(shards), mp_context=context) as pool:
        futures = [
            pool.submit(_write_shard_in_process, shard, settings, per_shard_failures)
            for shard in shards
        ]
        total = ShardResult()
        for future in futures:
            total.add(future.result())
    log.info(
        "%d processes wrote %d records in %.1f s",
        len(shards),
        total.written,
        time.perf_counter() - started,
    )
    return total
