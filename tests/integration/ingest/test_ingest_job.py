"""Processing output -> `jobs.ingest` -> the local Feature Store runtime, end to end."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import urllib.request
from pathlib import Path
from typing import Any

import pytest

from jobs.ingest.job import main as ingest_main
from jobs.processing.job import main as processing_main
from local_stack.featurestore_runtime.process import RuntimeProcess
from local_stack.featurestore_runtime.store import read_offline_rows, read_online_records
from tests.fixtures.featurestore import LOANS_FEATURE_GROUP
from tests.fixtures.processing import raw_row, write_raw_csv

ROWS = [
    # user 1: two loans on the same day (loan_id breaks the tie) and an earlier one
    raw_row(loan_id="11", id="1", loan_date="2020-03-05", loan_amount="100", job_start_date=""),
    raw_row(loan_id="12", id="1", loan_date="2020-03-05", loan_amount="300"),
    raw_row(loan_id="10", id="1", loan_date="2019-01-01", loan_amount="200"),
    # user 2: one loan, pensioner (sentinel job start): years_on_the_job is null
    raw_row(loan_id="20", id="2", loan_date="2020-06-01", job_start_date="3021-09-18"),
]


def process(tmp_path: Path, rows: list[dict[str, str]], name: str = "run") -> Path:
    write_raw_csv(tmp_path / name / "raw" / "loans.csv", rows)
    output = tmp_path / name / "processed"
    code = processing_main(
        ["--input-dir", str(tmp_path / name / "raw"), "--output-dir", str(output)]
    )
    assert code == 0
    return output / "features"


def ingest(features: Path, output: Path, *extra: str) -> tuple[int, dict[str, Any]]:
    code = ingest_main(
        [
            *("--input-dir", str(features), "--output-dir", str(output)),
            *("--feature-group", LOANS_FEATURE_GROUP, "--processes", "1", "--threads", "4"),
            *extra,
        ]
    )
    return code, json.loads((output / "ingestion_report.json").read_text())


def online(runtime: RuntimeProcess) -> dict[str, dict[str, str]]:
    records = read_online_records(runtime.db_path, LOANS_FEATURE_GROUP)
    return {
        user: {f["FeatureName"]: f["ValueAsString"] for f in record}
        for user, record in records.items()
    }


def arm_faults(
    runtime: RuntimeProcess,
    count: int,
    status: int = 503,
    code: str = "ServiceUnavailable",
    operation: str = "PutRecord",
) -> None:
    plan = {"Operation": operation, "Count": count, "Status": status, "Code": code}
    request = urllib.request.Request(
        f"{runtime.endpoint_url}/_local/faults",
        data=json.dumps(plan).encode(),
        method="POST",
    )
    urllib.request.urlopen(request, timeout=10).close()


@pytest.mark.parametrize("api", ["put-record", "batch-write-record"])
def test_ingest_writes_latest_loan_online_and_every_loan_offline(
    featurestore_env: RuntimeProcess, tmp_path: Path, api: str
) -> None:
    code, report = ingest(process(tmp_path, ROWS), tmp_path / "ingest", "--api", api)

    assert code == 0
    assert report["status"] == "succeeded"
    assert (report["records_total"], report["records_written"], report["online_records"]) == (
        4,
        4,
        2,
    )
    store = online(featurestore_env)
    assert store["1"] == {
        "id": "1",
        "loan_id": "12",
        "loan_date": "2020-03-05T00:00:00Z",
        "nb_previous_loans": "2",
        "avg_amount_loans_previous": "150",
        "age": "33",
        "years_on_the_job": "11",
        "flag_own_car": "1",
        "status": "0",
    }
    assert "years_on_the_job" not in store["2"]  # null omitted, never a fake value
    assert "avg_amount_loans_previous" not in store["2"]
    offline = read_offline_rows(featurestore_env.db_path, LOANS_FEATURE_GROUP)
    assert sorted(row.values()["loan_id"] for row in offline) == ["10", "11", "12", "20"]
    first_loan = next(row.values() for row in offline if row.values()["loan_id"] == "10")
    assert "avg_amount_loans_previous" not in first_loan


def test_ingest_rerun_leaves_the_online_store_unchanged(
    featurestore_env: RuntimeProcess, tmp_path: Path
) -> None:
    features = process(tmp_path, ROWS)
    ingest(features, tmp_path / "first")
    before = online(featurestore_env)

    code, _ = ingest(features, tmp_path / "second")

    assert code == 0
    assert online(featurestore_env) == before
    offline = read_offline_rows(featurestore_env.db_path, LOANS_FEATURE_GROUP)
    assert len(offline) == 8  # append-only, as AWS: identical rows with a later write time


def test_ingest_replaying_an_older_file_keeps_newer_online_features(
    featurestore_env: RuntimeProcess, tmp_path: Path
) -> None:
    ingest(process(tmp_path, ROWS, "new"), tmp_path / "new-ingest")
    older = [r for r in ROWS if r["loan_date"] < "2020-03-05"]

    code, _ = ingest(process(tmp_path, older, "old"), tmp_path / "old-ingest")

    assert code == 0
    assert online(featurestore_env)["1"]["loan_id"] == "12"


OPERATIONS = {"put-record": "PutRecord", "batch-write-record": "BatchWriteRecord"}


@pytest.mark.parametrize("api", list(OPERATIONS))
@pytest.mark.parametrize(
    ("status", "code"), [(503, "ServiceUnavailable"), (400, "ThrottlingException")]
)
def test_ingest_retries_throttling_and_5xx(
    featurestore_env: RuntimeProcess, tmp_path: Path, status: int, code: str, api: str
) -> None:
    arm_faults(featurestore_env, count=2, status=status, code=code, operation=OPERATIONS[api])

    exit_code, report = ingest(process(tmp_path, ROWS), tmp_path / "ingest", "--api", api)

    assert exit_code == 0
    assert report["records_written"] == 4
    assert report["calls_retried"] >= 1


def test_ingest_batch_write_retries_failed_entries(
    featurestore_env: RuntimeProcess, tmp_path: Path
) -> None:
    arm_faults(featurestore_env, 3, 400, "ThrottlingException", "BatchWriteRecord.Entry")

    code, report = ingest(
        process(tmp_path, ROWS), tmp_path / "ingest", "--api", "batch-write-record"
    )

    assert code == 0
    assert report["records_written"] == 4
    assert report["calls_retried"] >= 1
    assert len(read_offline_rows(featurestore_env.db_path, LOANS_FEATURE_GROUP)) == 4


def test_ingest_batch_write_reports_entries_rejected_and_writes_the_others(
    featurestore_env: RuntimeProcess, tmp_path: Path
) -> None:
    arm_faults(featurestore_env, 2, 400, "ValidationError", "BatchWriteRecord.Entry")

    code, report = ingest(process(tmp_path, ROWS), tmp_path / "ingest")

    assert code == 1
    assert (report["records_written"], report["records_failed"]) == (2, 2)
    assert {r["error_code"] for r in report["failed_records"]} == {"ValidationError"}
    assert {r["attempts"] for r in report["failed_records"]} == {1}  # a client error: no retry
    offline = read_offline_rows(featurestore_env.db_path, LOANS_FEATURE_GROUP)
    written = {row.values()["loan_id"] for row in offline}
    failed = {r["loan_id"] for r in report["failed_records"]}
    assert written | failed == {"10", "11", "12", "20"}
    assert not written & failed


def test_ingest_batch_write_reports_entries_that_keep_failing(
    featurestore_env: RuntimeProcess, tmp_path: Path
) -> None:
    arm_faults(featurestore_env, 1000, 400, "ThrottlingException", "BatchWriteRecord.Entry")

    code, report = ingest(
        process(tmp_path, ROWS),
        tmp_path / "ingest",
        *("--api", "batch-write-record", "--max-attempts", "2"),
    )

    assert code == 1
    assert report["records_failed"] == 4
    assert report["records_written"] == 0
    assert {r["error_code"] for r in report["failed_records"]} == {"ThrottlingException"}


@pytest.mark.parametrize("api", list(OPERATIONS))
def test_ingest_reports_every_record_that_still_fails_after_retries(
    featurestore_env: RuntimeProcess, tmp_path: Path, api: str
) -> None:
    arm_faults(featurestore_env, 1000, 500, "InternalFailure", OPERATIONS[api])

    code, report = ingest(
        process(tmp_path, ROWS), tmp_path / "ingest", "--max-attempts", "2", "--api", api
    )

    assert code == 1
    assert report["status"] == "failed"
    assert report["records_failed"] == 4
    assert report["records_written"] + report["records_failed"] == report["records_total"]
    failed = sorted(report["failed_records"], key=lambda r: r["loan_id"])
    assert [r["loan_id"] for r in failed] == ["10", "11", "12", "20"]
    assert {r["error_code"] for r in failed} == {"InternalFailure"}
    assert {r["attempts"] for r in failed} == {2}
    assert failed[2]["target_stores"] == ["OnlineStore", "OfflineStore"]


@pytest.mark.parametrize("api", list(OPERATIONS))
def test_ingest_stops_early_and_counts_what_it_did_not_send(
    featurestore_runtime: RuntimeProcess,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    api: str,
) -> None:
    monkeypatch.setenv(
        "AWS_ENDPOINT_URL_SAGEMAKER_FEATURESTORE_RUNTIME", featurestore_runtime.endpoint_url
    )
    features = process(tmp_path, [raw_row(loan_id=str(i), id=str(i)) for i in range(1, 201)])

    code = ingest_main(
        [
            *("--input-dir", str(features), "--output-dir", str(tmp_path / "out")),
            *("--feature-group", "no-such-group", "--processes", "1", "--threads", "1"),
            *("--max-failures", "3", "--api", api),
        ]
    )
    report = json.loads((tmp_path / "out" / "ingestion_report.json").read_text())

    assert code == 1
    assert report["records_failed"] >= 3
    assert report["records_not_attempted"] > 0
    assert (
        report["records_written"] + report["records_failed"] + report["records_not_attempted"]
        == 200
    )
    assert report["failed_records"][0]["error_code"] == "ResourceNotFound"


@pytest.mark.slow
def test_ingest_cli_in_two_processes(
    featurestore_runtime: RuntimeProcess, tmp_path: Path, repo_root: Path
) -> None:
    rows = [
        raw_row(loan_id=str(i), id=str(100 + i % 7), loan_date=f"2020-01-{1 + i % 28:02d}")
        for i in range(1, 61)
    ]
    features = process(tmp_path, rows)
    env = {
        **os.environ,
        "AWS_ENDPOINT_URL_SAGEMAKER_FEATURESTORE_RUNTIME": featurestore_runtime.endpoint_url,
    }

    done = subprocess.run(
        [
            *(sys.executable, "-m", "jobs.ingest", "--input-dir", str(features)),
            *("--output-dir", str(tmp_path / "out"), "--feature-group", LOANS_FEATURE_GROUP),
            *("--processes", "2"),
        ],
        cwd=repo_root,
        env=env,
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )

    assert done.returncode == 0, done.stderr[-2000:]
    assert len(online(featurestore_runtime)) == 7
    assert len(read_offline_rows(featurestore_runtime.db_path, LOANS_FEATURE_GROUP)) == 60


def test_ingest_exits_2_without_features(tmp_path: Path) -> None:
    (tmp_path / "empty").mkdir()
    code = ingest_main(
        [
            "--input-dir",
            str(tmp_path / "empty"),
            "--feature-group",
            "g",
            "--output-dir",
            str(tmp_path),
        ]
    )
    assert code == 2
