"""Concurrent writes, retried; every record ends written or reported.

Two ways to write:
- `batch-write-record` (default): BatchWriteRecord, 25 records a call, the request built, signed
  and sent by `jobs.ingest.batch_write` (botocore's parts without its per-value serialiser);
  throttled, 5xx and connection failures, and failed entries inside a successful call, are retried
  with botocore's rules (`jobs.ingest.retries`).
- `put-record`: one boto3 PutRecord call per record, botocore's own retries. Simple and slow
  (botocore costs about 0.8 ms of CPU a call); kept as the plainest path to compare against.

The work is split over processes (each with one sender or client and a small thread pool that
overlaps network waits): the per-call cost is Python code that one GIL serialises.
"""

from __future__ import annotations

import functools
import json
import logging
import math
import multiprocessing
import os
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
import botocore
from botocore.config import Config
from botocore.exceptions import ClientError
from botocore.session import Session

from jobs.ingest.batch_write import OPERATION, BatchOutcome, BatchWriteRecordSender, write_batch
from jobs.ingest.records import FeatureRecords, failed_record
from jobs.ingest.retries import RetryMode, RetryPolicy

log = logging.getLogger(__name__)

Api = Literal["batch-write-record", "put-record"]
API_CHOICES: tuple[Api, ...] = ("batch-write-record", "put-record")
DEFAULT_API: Api = "batch-write-record"
API_HELP = (
    "batch-write-record (default): BatchWriteRecord, 25 records a call, built by the job and "
    "signed with botocore's SigV4; put-record: one boto3 PutRecord call per record"
)
SERVICE: Literal["sagemaker-featurestore-runtime"] = "sagemaker-featurestore-runtime"
ENCODE_BLOCK = 10_000  # records encoded at a time: bounds the memory of the JSON entries
DEFAULT_THREADS = 8  # calls in flight per process: more requests share each local commit


def default_processes() -> int:
    return os.cpu_count() or 1


@dataclass(frozen=True)
class WriterSettings:
    feature_group: str
    api: Api = DEFAULT_API
    processes: int = 2
    threads: int = DEFAULT_THREADS
    max_attempts: int = 8
    retry_mode: RetryMode = "standard"
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


WriteCall = Callable[[Sequence[str]], BatchOutcome]


@dataclass
class Writer:
    """How a process writes: one call for up to `size` encoded entries, and its cleanup."""

    call: WriteCall
    size: int
    close: Callable[[], None] = lambda: None


def make_client(settings: WriterSettings, session: Session | None = None) -> Any:
    return boto3.session.Session(botocore_session=session).client(
        SERVICE,
        region_name=settings.region,
        endpoint_url=settings.endpoint_url,
        config=settings.client_config(),
    )


def put_record(client: Any, entries: Sequence[str]) -> BatchOutcome:
    """One PutRecord call (botocore retries it); its failure is reported, not raised."""
    (text,) = entries
    entry = json.loads(text)  # a BatchWriteRecord entry has PutRecord's members
    try:
        response = client.put_record(**entry)
    except ClientError as error:
        details = error.response.get("Error", {})
        attempts = error.response.get("ResponseMetadata", {}).get("RetryAttempts", 0) + 1
        code, message = details.get("Code", "Unknown"), details.get("Message", str(error))
        return BatchOutcome(failed=[failed_record(entry, code, message, attempts)])
    except Exception as error:  # connection errors after botocore's retries
        return BatchOutcome(failed=[failed_record(entry, type(error).__name__, str(error), None)])
    return BatchOutcome(written=1, retried=bool(response["ResponseMetadata"].get("RetryAttempts")))


def make_writer(settings: WriterSettings) -> Writer:
    session = Session()
    client = make_client(settings, session)
    if settings.api == "put-record":
        return Writer(functools.partial(put_record, client), 1)
    if OPERATION not in client.meta.service_model.operation_names:
        log.warning(
            "botocore %s has no %s: writing with PutRecord instead (upgrade boto3 for the "
            "batched path)",
            botocore.__version__,
            OPERATION,
        )
        return Writer(functools.partial(put_record, client), 1)
    sender = BatchWriteRecordSender(
        session,
        client,
        max_attempts=settings.max_attempts,
        max_pool_connections=settings.threads,
    )
    policy = RetryPolicy(sender.operation_model, settings.max_attempts, settings.retry_mode)
    return Writer(functools.partial(write_batch, sender, policy), sender.max_entries, sender.close)


class ShardWriter:
    """Writes one shard's records with `settings.threads` calls in flight; counts the outcome."""

    def __init__(
        self,
        writer: Writer,
        records: FeatureRecords,
        settings: WriterSettings,
        max_failures: int,
    ) -> None:
        self.writer = writer
        self.records = records
        self.settings = settings
        self.max_failures = max_failures
        self.result = ShardResult()
        self.abort = threading.Event()
        self._lock = threading.Lock()

    def chunks(self) -> Any:
        """Lists of encoded entries, one per call, encoded a block at a time."""
        size = self.writer.size
        for start in range(0, len(self.records), ENCODE_BLOCK):
            stop = min(start + ENCODE_BLOCK, len(self.records))
            entries = self.records.entries(self.settings.feature_group, start, stop)
            for offset in range(0, len(entries), size):
                yield entries[offset : offset + size]

    def run(self) -> ShardResult:
        sent = 0
        with ThreadPoolExecutor(self.settings.threads, thread_name_prefix="feature-store") as pool:
            in_flight: set[Future[BatchOutcome]] = set()
            for chunk in self.chunks():
                if self.abort.is_set():
                    break
                if len(in_flight) >= self.settings.threads * 2:
                    _, in_flight = wait(in_flight, return_when=FIRST_COMPLETED)
                future = pool.submit(self.writer.call, chunk)
                future.add_done_callback(functools.partial(self._done, chunk=chunk))
                in_flight.add(future)
                sent += len(chunk)
            wait(in_flight)
        self.result.not_attempted = len(self.records) - sent
        if self.abort.is_set():
            log.error("stopped after %d failed records", len(self.result.failed))
        return self.result

    def _done(self, future: Future[BatchOutcome], *, chunk: list[str]) -> None:
        error = future.exception()
        if error is None:
            outcome = future.result()
        else:  # a bug, not an answer: nothing of the chunk is counted as written
            log.error("a call failed unexpectedly: %r", error)
            outcome = BatchOutcome(
                failed=[
                    failed_record(json.loads(e), type(error).__name__, str(error), None)
                    for e in chunk
                ]
            )
        with self._lock:
            self.result.written += outcome.written
            self.result.retried_calls += int(outcome.retried)
            self.result.failed.extend(outcome.failed)
            if len(self.result.failed) >= self.max_failures:
                self.abort.set()


def write_shard(
    writer: Writer, records: FeatureRecords, settings: WriterSettings, max_failures: int
) -> ShardResult:
    """Write every record of the shard; `writer.close()` afterwards."""
    try:
        return ShardWriter(writer, records, settings, max_failures).run()
    finally:
        writer.close()


def _write_shard_in_process(
    records: FeatureRecords, settings: WriterSettings, max_failures: int
) -> ShardResult:
    logging.basicConfig(
        level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    return write_shard(make_writer(settings), records, settings, max_failures)


def write_all(
    records: FeatureRecords,
    settings: WriterSettings,
    writer_factory: Callable[[WriterSettings], Writer] = make_writer,
) -> ShardResult:
    """Write every record; with processes > 1 each process takes a contiguous shard."""
    if settings.processes <= 1 or len(records) < 2 * settings.processes:
        return write_shard(writer_factory(settings), records, settings, settings.max_failures)
    shards = records.split(settings.processes)
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
