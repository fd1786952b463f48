"""`python -m local_stack.workflow` as the local stack starts it."""

import json
import subprocess
import sys

import requests

from tests.fixtures.workflow import create_state_machine


def test_process_serves_the_api_and_stops_on_sigterm(
    workflow_emulator_url, workflow_clients, tmp_path, repo_root
):
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "local_stack.workflow",
            "--emulator-url",
            workflow_emulator_url,
            "--work-dir",
            str(tmp_path),
            "--region",
            "eu-west-1",
        ],
        cwd=repo_root,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    try:
        ready = json.loads(process.stdout.readline())
        assert ready["service"] == "workflow"
        assert requests.get(ready["url"] + "/_local/health", timeout=5).json()["status"] == "ok"
        machine = create_state_machine(
            workflow_clients,
            json.dumps({"StartAt": "P", "States": {"P": {"Type": "Pass", "End": True}}}),
        )
        body = {"stateMachineArn": machine, "input": "{}"}
        headers = {
            "X-Amz-Target": "AWSStepFunctions.StartExecution",
            "Content-Type": "application/x-amz-json-1.0",
        }
        started = requests.post(
            ready["url"], data=json.dumps(body), headers=headers, timeout=10
        ).json()
        assert started["executionArn"].startswith(machine.replace(":stateMachine:", ":execution:"))
    finally:
        process.terminate()
        assert process.wait(timeout=20) == 0


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
