"""Ingestion of a full-size file into the local Feature Store runtime: records/s and wall time.

Runs `python -m jobs.ingest` as SageMaker would (a separate process) against
`python -m local_stack.featurestore_runtime`, both on this machine's cores. The job gets
`--processes 1` (its default is one per CPU, right when the Feature Store is AWS): the runtime is
one more busy process on the same two cores, and one job process (its threads overlap the network
waits) leaves it a core; two job processes only add CPU that the runtime then lacks.
- the default API (`batch-write-record`) on the whole file, `RUNS` times (the target: the whole
  file in under 60 s); each run records the load average before and after it, because the
  machine is shared and wall times move with what else runs;
- `put-record` (one boto3 PutRecord call per record) on a slice, extrapolated to the whole file,
  because at one boto3 call per record it takes many minutes.
CPU seconds of the job (client) and of the runtime (server) show where the time goes, and do not
depend on the load as much as wall times do.
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
from jobs.ingest.writer import DEFAULT_API
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
PUT_RECORD_SLICE = 10_000
RUNS = 2
JOB_ARGUMENTS = ("--processes", "1")
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
    load_before = load_average()
    with start_runtime(work / name / "store.db", definitions=definitions) as runtime:
        server = psutil.Process(runtime.process.pid)
        before = server.cpu_times()
        run = run_child(
            [
                *("-m", "jobs.ingest", "--input-dir", str(features)),
                *("--output-dir", str(work / name / "out"), "--feature-group", GROUP),
                *("--api", api, *JOB_ARGUMENTS),
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
    client_cpu = run.cpu_seconds
    server_cpu = round(after.user + after.system - before.user - before.system, 2)
    return {
        "api": api,
        "records": records,
        "wall_seconds": run.wall_seconds,
        "records_per_second": round(records / run.wall_seconds),
        "client_cpu_seconds": client_cpu,
        "server_cpu_seconds": server_cpu,
        "cpu_microseconds_per_record": round((client_cpu + server_cpu) / records * 1e6, 1),
        "load_average_before": load_before,
        "load_average_after": load_average(),
        "online_records": online,
        "offline_rows": offline,
        "all_offline_rows_stored": offline == records,
    }


def run() -> dict[str, Any]:
    with tempfile.TemporaryDirectory(prefix="bench-ingestion-") as tmp:
        work = Path(tmp)
        csv = full_size_csv(work / "input")
        assert run_processing(csv.parent, work / "processed", work / "message", 5) == 0
        features = work / "processed" / FEATURES_DIR
        table = pq.read_table(features)
        users = len(set(table.column(schema.RECORD_ID).to_pylist()))

        runs = [ingest(work, f"default-{n}", features, DEFAULT_API) for n in range(RUNS)]
        for result in runs:
            result["online_records_equal_users"] = result["online_records"] == users
        best = min(runs, key=lambda r: r["wall_seconds"])

        sliced = work / "slice" / FEATURES_DIR
        sliced.mkdir(parents=True)
        pq.write_table(table.slice(0, PUT_RECORD_SLICE), sliced / "part-00000.parquet")
        put = ingest(work, "put", sliced, "put-record")
        put["estimated_full_file_seconds"] = round(table.num_rows / put["records_per_second"])

    return {
        "command": "python -m benchmarks ingestion",
        "records": table.num_rows,
        "users": users,
        "cpus": os.cpu_count(),
        "default_api": DEFAULT_API,
        "job_arguments": list(JOB_ARGUMENTS),
        "full_file_runs": runs,
        "full_file_best": {
            "wall_seconds": best["wall_seconds"],
            "records_per_second": best["records_per_second"],
            "load_average_before": best["load_average_before"],
        },
        "put_record_slice": put,
        "targets": {"full_file_seconds_max": TARGET_SECONDS},
        "met": {
            "full_file_under_60_s": best["wall_seconds"] < TARGET_SECONDS,
            "every_record_stored": all(
                r["all_offline_rows_stored"] and r["online_records_equal_users"] for r in runs
            ),
            "put_record_full_file_estimate": put["estimated_full_file_seconds"] < TARGET_SECONDS,
        },
    }
