"""The emulator as a process: `python -m local_stack.emulator` with its additions, over HTTP."""

from __future__ import annotations

import json

import boto3
import pytest

from local_stack.emulator.launcher import free_port, is_ready, running_emulator
from local_stack.emulator.server import parse_args

DEFINITION = json.dumps({"StartAt": "Done", "States": {"Done": {"Type": "Succeed"}}})


def test_emulator_answers_validate_state_machine_definition(aws_emulator: str) -> None:
    sfn = boto3.client("stepfunctions", endpoint_url=aws_emulator, region_name="eu-west-1")
    assert sfn.validate_state_machine_definition(definition=DEFINITION)["result"] == "OK"


def test_emulator_reports_a_buckets_eventbridge_configuration(aws_emulator: str) -> None:
    s3 = boto3.client("s3", endpoint_url=aws_emulator, region_name="eu-west-1")
    s3.create_bucket(
        Bucket="server-raw", CreateBucketConfiguration={"LocationConstraint": "eu-west-1"}
    )
    s3.put_bucket_notification_configuration(
        Bucket="server-raw", NotificationConfiguration={"EventBridgeConfiguration": {}}
    )
    assert "EventBridgeConfiguration" in s3.get_bucket_notification_configuration(
        Bucket="server-raw"
    )


@pytest.mark.slow
def test_running_emulator_stops_the_process_when_the_block_ends() -> None:
    port = free_port()
    with running_emulator(port) as url:
        assert url == f"http://127.0.0.1:{port}"
        assert is_ready(url)
    assert not is_ready(url, timeout=0.5)


def test_parse_args_rejects_a_port_out_of_range(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        parse_args(["--port", "70000"])
    assert exit_info.value.code == 2
    assert "--port must be between 0 and 65535" in capsys.readouterr().err
