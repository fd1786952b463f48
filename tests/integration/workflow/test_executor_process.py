"""`python -m local_stack.workflow` as the local stack starts it."""

import json
import subprocess
import sys

import boto3
import requests

from local_stack.workflow.process import start_workflow_executor
from tests.fixtures.workflow import REGION, create_state_machine


def test_process_serves_the_api_and_stops_on_sigterm(
    workflow_emulator_url, workflow_clients, tmp_path
):
    log_file = tmp_path / "executor.log"
    executor = start_workflow_executor(
        workflow_emulator_url, work_dir=tmp_path / "work", region=REGION, log_file=log_file
    )
    with executor:
        assert requests.get(executor.url + "/_local/health", timeout=5).json()["status"] == "ok"
        definition = {"StartAt": "P", "States": {"P": {"Type": "Pass", "End": True}}}
        machine = create_state_machine(workflow_clients, json.dumps(definition))
        sfn = boto3.client("stepfunctions", endpoint_url=executor.url, region_name=REGION)
        started = sfn.start_execution(stateMachineArn=machine, input="{}")
        assert started["executionArn"].startswith(machine.replace(":stateMachine:", ":execution:"))
    assert executor.process.returncode == 0
    assert "Step Functions API of the workflow executor" in log_file.read_text()


def test_bad_endpoint_argument_is_refused(workflow_emulator_url):
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "local_stack.workflow",
            "--emulator-url",
            workflow_emulator_url,
            "--endpoint",
            "NOT_AN_ENDPOINT=x",
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 2
    assert "AWS_ENDPOINT_URL_<SERVICE>=URL" in result.stderr
