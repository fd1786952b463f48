"""`mlops local up | status | down` against a real stack (one per session: see
tests/fixtures/local_stack.py). The tests run in file order; the last one brings the stack down."""

from __future__ import annotations

import json
import re
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

import boto3
import pytest

from local_stack.outbox import read_emails
from local_stack.stack.runs import runs, wait_for_run
from mlops import synthetic
from tests.fixtures.local_stack import LocalStack, mlops_local, stack_processes

pytestmark = [pytest.mark.slow, pytest.mark.terraform]

ISO_SECOND = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$")


def client(service: str, info: dict[str, Any], endpoint: str | None = None) -> Any:
    factory: Any = boto3.client
    return factory(
        service,
        endpoint_url=endpoint or info["s3_endpoint"],
        region_name=info["region"],
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
    )


def http_status(url: str, headers: dict[str, str] | None = None) -> int:
    request = urllib.request.Request(url, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return int(response.status)
    except urllib.error.HTTPError as error:
        return int(error.code)


@pytest.fixture(scope="module")
def small_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """What `mlops generate --users 200` writes."""
    dataset = synthetic.generate(users=200, seed=7)
    return synthetic.write_csv(dataset.raw, tmp_path_factory.mktemp("raw") / "loans.csv")


def test_up_prints_connection_json_and_exits_zero(local_stack: LocalStack) -> None:
    info = local_stack.info
    assert local_stack.up.returncode == 0
    for key in ("s3_endpoint", "raw_bucket", "raw_prefix", "api_url", "outbox_dir", "api_headers"):
        assert info[key], key
    assert info["raw_prefix"] == "incoming/"
    assert info["api_headers"]["Authorization"].startswith("Bearer ")
    buckets = {b["Name"] for b in client("s3", info).list_buckets()["Buckets"]}
    assert info["raw_bucket"] in buckets
    code = client("s3", info).list_objects_v2(Bucket=info["artifacts_bucket"], Prefix="code/")
    assert any(o["Key"].endswith("/sourcedir.tar.gz") for o in code.get("Contents", []))


def test_up_again_reuses_what_runs(local_stack: LocalStack) -> None:
    before = local_stack.component_pids()
    again = mlops_local(["up", "--state-dir", str(local_stack.state_dir), "--free-ports"])
    assert again.returncode == 0, again.stderr[-2000:]
    assert again.json() == local_stack.info
    assert local_stack.component_pids() == before
    assert "already provisioned" in again.stderr


def test_status_json_reports_each_component_healthy(local_stack: LocalStack) -> None:
    report = mlops_local(["status", "--state-dir", str(local_stack.state_dir), "--json"])
    assert report.returncode == 0, report.stderr[-2000:]
    document = report.json()
    assert document["running"] is True
    statuses = {name: entry["status"] for name, entry in document["components"].items()}
    assert statuses == dict.fromkeys(
        ["emulator", "featurestore", "endpoints", "workflow", "api", "trigger"], "running"
    )
    assert document["api_url"] == local_stack.info["api_url"]
    assert isinstance(document["workflow_runs"], list)


def test_upload_outside_the_pattern_starts_nothing_and_inside_starts_the_workflow(
    local_stack: LocalStack, small_file: Path
) -> None:
    info = local_stack.info
    s3 = client("s3", info)
    sfn = client("stepfunctions", info, info["stepfunctions_endpoint"])
    machine = info["state_machine_arn"]
    known = frozenset(run.arn for run in runs(sfn, machine))
    # Sent first: had the rule let them through, their runs would start before the matching one.
    s3.upload_file(str(small_file), info["raw_bucket"], "elsewhere/loans.csv")
    s3.upload_file(str(small_file), info["raw_bucket"], f"{info['raw_prefix']}loans.txt")
    key = f"{info['raw_prefix']}loans.csv"
    s3.upload_file(str(small_file), info["raw_bucket"], key)
    head = s3.head_object(Bucket=info["raw_bucket"], Key=key)

    run = wait_for_run(sfn, machine, key, known=known, timeout=60)
    time.sleep(1)  # let any stray delivery land
    described = sfn.describe_execution(executionArn=run.arn)
    sfn.stop_execution(executionArn=run.arn)  # the input is what matters here, not the training

    started = [r for r in runs(sfn, machine) if r.arn not in known]
    assert [r.key for r in started] == [key]
    event = json.loads(described["input"])
    assert event["source"] == "aws.s3"
    assert event["detail-type"] == "Object Created"
    assert ISO_SECOND.match(event["time"])
    assert event["detail"]["bucket"]["name"] == info["raw_bucket"]
    assert event["detail"]["object"]["key"] == key
    assert event["detail"]["object"]["size"] == small_file.stat().st_size
    assert event["detail"]["object"]["etag"] == head["ETag"].strip('"')


def test_sns_publish_lands_in_the_outbox(local_stack: LocalStack) -> None:
    info = local_stack.info
    outbox = Path(info["outbox_dir"])
    before = {email.path for email in read_emails(outbox)}
    link = f"{info['api_url']}/approvals/some-token"
    client("sns", info).publish(
        TopicArn=info["topic_arn"], Subject="Outbox check", Message=f"Open {link}\n"
    )
    deadline = time.monotonic() + 10
    while not (new := [e for e in read_emails(outbox) if e.path not in before]):
        assert time.monotonic() < deadline, "no email in the outbox"
        time.sleep(0.1)
    assert [e.subject for e in new] == ["Outbox check"]
    assert link in new[0].body


def test_data_routes_need_the_header_and_approval_routes_do_not(local_stack: LocalStack) -> None:
    info = local_stack.info
    api = info["api_url"]
    assert http_status(f"{api}/features/1") == 401
    assert http_status(f"{api}/predictions/1") == 401
    assert http_status(f"{api}/features/1", {"Authorization": "Bearer wrong"}) == 401
    assert http_status(f"{api}/features/1", info["api_headers"]) == 404  # unknown user
    # The function's own log lines land in its log file (its log group), not the gateway's log.
    [function_log] = Path(info["function_logs_dir"]).glob("*-features-api.log")
    refused = [json.loads(line) for line in function_log.read_text().splitlines()]
    assert any(line.get("error_code") == "user_not_found" for line in refused)
    unknown_link = f"{api}/approvals/{'A' * 43}"
    assert http_status(unknown_link) == 404  # open route; the token is the credential


def test_down_stops_every_process_and_keeps_the_data(local_stack: LocalStack) -> None:
    pids = list(local_stack.component_pids().values())
    assert stack_processes(pids), "the stack should be running before down"
    result = mlops_local(["down", "--state-dir", str(local_stack.state_dir)], timeout=120)
    assert result.returncode == 0, result.stderr[-2000:]
    assert stack_processes(pids) == []
    assert (local_stack.state_dir / "stack.json").exists()
    assert read_emails(Path(local_stack.info["outbox_dir"]))  # the emails are kept
    status = mlops_local(["status", "--state-dir", str(local_stack.state_dir), "--json"])
    assert status.returncode == 3
    assert {e["status"] for e in status.json()["components"].values()} == {"stopped"}
    purged = mlops_local(["down", "--state-dir", str(local_stack.state_dir), "--purge"])
    assert purged.returncode == 0, purged.stderr[-2000:]
    assert not local_stack.state_dir.exists()
