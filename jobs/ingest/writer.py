"""Concurrent PutRecord calls with botocore's retries; every record ends written or reported.

Per-call cost dominates (boto3 serialises, signs and parses each call in Python), so the work is
split over processes (each with one client and a small thread pool, to overlap network waits)
rather than more threads fighting over one GIL. Retries on throttling, 5xx and connection errors
are botocore's own (standard mode: exponential backoff with jitter, a retry quota per client).
"""

from __future__ import annotations

import functools
import logging
import math
import multiprocessing
import threading
import time
from collections.abc import Callable
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


@dataclass(frozen=True)
class WriterSettings:
    feature_group: str
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


def make_client(settings: WriterSettings) -> Any:
    return boto3.session.Session().client(
        "sagemaker-featurestore-runtime",
        region_name=settings.region,
        endpoint_url=settings.endpoint_url,
        config=settings.client_config(),
    )


def _failure(batch: RecordBatch, i: int, error: Exception) -> dict[str, Any]:
    if isinstance(error, ClientError):
        code = error.response.get("Error", {}).get("Code", "Unknown")
        message = error.response.get("Error", {}).get("Message", str(error))
        attempts = error.response.get("ResponseMetadata", {}).get("RetryAttempts", 0) + 1
    else:
        code, message, attempts = type(error).__name__, str(error), None
    return {
        **batch.identity(i),
        "target_stores": list(batch.target_stores(i)),
        "error_code": code,
        "message": message[:500],
        "attempts": attempts,
    }


def write_shard(
    client: Any, batch: RecordBatch, settings: WriterSettings, max_failures: int
) -> ShardResult:
    """PutRecord every record of the batch with at most `settings.threads` calls in flight."""
    result = ShardResult()
    lock = threading.Lock()
    abort = threading.Event()

    def put(i: int) -> None:
        response = client.put_record(
            FeatureGroupName=settings.feature_group,
            Record=batch.record(i),
            TargetStores=list(batch.target_stores(i)),
        )
        if response["ResponseMetadata"].get("RetryAttempts"):
            with lock:
                result.retried_calls += 1

    def done(future: Future[None], *, i: int) -> None:
        error = future.exception()
        with lock:
            if error is None:
                result.written += 1
                return
            result.failed.append(_failure(batch, i, error))  # type: ignore[arg-type]
            if len(result.failed) >= max_failures:
                abort.set()

    with ThreadPoolExecutor(settings.threads, thread_name_prefix="put-record") as pool:
        in_flight: set[Future[None]] = set()
        for i in batch:
            if abort.is_set():
                result.not_attempted = len(batch) - i
                break
            if len(in_flight) >= settings.threads * 2:
                _, in_flight = wait(in_flight, return_when=FIRST_COMPLETED)
            future = pool.submit(put, i)
            future.add_done_callback(functools.partial(done, i=i))
            in_flight.add(future)
        wait(in_flight)
    if abort.is_set():
        log.error("stopped after %d failed records", len(result.failed))
    return result


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
        results = [f.result() for f in futures]
    total = ShardResult()
    for part in results:
        total.written += part.written
        total.not_attempted += part.not_attempted
        total.retried_calls += part.retried_calls
        total.failed.extend(part.failed)
    log.info(
        "%d processes wrote %d records in %.1f s",
        len(shards),
        total.written,
        time.perf_counter() - started,
    )
    return total
