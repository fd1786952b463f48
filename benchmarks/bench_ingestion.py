"""Ingestion of a full-size file into the local Feature Store runtime: records/s and wall time.

Runs `python -m jobs.ingest` as SageMaker would (a separate process, default workers) against
`python -m local_stack.featurestore_runtime`, both on this machine's two cores:
- `batch-write-record` on the whole file (the target: under 60 s);
- `put-record` (the default API) on a slice, extrapolated to the whole file, because at one
  boto3 call per record it takes many minutes.
CPU seconds of the job (client) and of the runtime (server) show where the time goes.
"""

from __future__ import annotations

import logging
import os
import tempfile
from pathlib import Path
from typing import Any

import psutil
import pyarrow.parquet as pq

from benchmarks.support import full_size_csv, load_average, run_child
from jobs import schema
from jobs.processing.job import FEATURES_DIR
from jobs.processing.job import run as run_processing
from local_stack.featurestore_runtime.definitions import (
    describe_feature_group,
    write_definitions_file,
)
from local_stack.featurestore_runtime.process import start_runtime
from local_stack.featurestore_runtime.store import count_records

log = logging.getLogger(__name__)

GROUP = "bench-loans"
TARGET_SECONDS = 60.0
PUT_RECORD_SLICE = 40_000
CREDENTIALS = {
    "AWS_ACCESS_KEY_ID": "bench",
    "AWS_SECRET_ACCESS_KEY": "bench",
    "AWS_DEFAULT_REGION": "eu-west-1",
}


def ingest(work: Path, name: str, features: Path, api: str) -> dict[str, Any]:
    definitions = write_definitions_file(
        work / name / "definitions.json",
        [
            describe_feature_group(
                GROUP, schema.RECORD_ID, schema.EVENT_TIME, schema.FEATURE_GROUP_TYPES
            )
        ],
    )
    records = pq.read_metadata(next(features.glob("*.parquet"))).num_rows
    with start_runtime(work / name / "store.db", definitions=definitions) as runtime:
        server = psutil.Process(runtime.process.pid)
        before = server.cpu_times()
        run = run_child(
            [
                *("-m", "jobs.ingest", "--input-dir", str(features)),
                *("--output-dir", str(work / name / "out"), "--feature-group", GROUP),
                *("--api", api),
            ],
            env={
                **CREDENTIALS,
                "AWS_ENDPOINT_URL_SAGEMAKER_FEATURESTORE_RUNTIME": runtime.endpoint_url,
            },
        )
        after = server.cpu_times()
        online, offline = count_records(runtime.db_path, GROUP)
    if run.returncode != 0:
        raise RuntimeError(f"ingestion with {api} failed: {run}")
    return {
        "api": api,
        "records": records,
        "wall_seconds": run.wall_seconds,
        "records_per_second": round(records / run.wall_seconds),
        "client_cpu_seconds": run.cpu_seconds,
        "server_cpu_seconds": round(after.user + after.system - before.user - before.system, 2),
        "online_records": online,
        "offline_rows": offline,
        "all_offline_rows_stored": offline == records,
    }


def run() -> dict[str, Any]:
    load_before = load_average()
    with tempfile.TemporaryDirectory(prefix="bench-ingestion-") as tmp:
        work = Path(tmp)
        csv = full_size_csv(work / "input")
        assert run_processing(csv.parent, work / "processed", work / "message", 5) == 0
        features = work / "processed" / FEATURES_DIR
        table = pq.read_table(features)
        users = len(set(table.column(schema.RECORD_ID).to_pylist()))

        batch = ingest(work, "batch", features, "batch-write-record")
        batch["online_records_equal_users"] = batch["online_records"] == users

        sliced = work / "slice" / FEATURES_DIR
        sliced.mkdir(parents=True)
        pq.write_table(table.slice(0, PUT_RECORD_SLICE), sliced / "part-00000.parquet")
        put = ingest(work, "put", sliced, "put-record")
        put["estimated_full_file_seconds"] = round(table.num_rows / put["records_per_second"])

    return {
        "records": table.num_rows,
        "load_average_before": load_before,
        "load_average_after": load_average(),
        "cpus": os.cpu_count(),
        "users": users,
        "batch_write_record_full_file": batch,
        "put_record_slice": put,
        "targets": {"full_file_seconds_max": TARGET_SECONDS},
        "met": {
            "batch_write_record_full_file": batch["wall_seconds"] < TARGET_SECONDS,
            "put_record_full_file_estimate": put["estimated_full_file_seconds"] < TARGET_SECONDS,
        },
    }
