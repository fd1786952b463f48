"""The demo's flow with the local stack faked at its boundary: `up`/`down`, the S3 and Step
Functions clients (a canned history), the outbox (real .eml files) and the HTTP API (responses)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs

import pytest
import responses

from local_stack.outbox import write_email
from local_stack.stack import StackSettings
from mlops.commands.demo import DemoOptions, curl_commands, first_user, run_demo
from mlops.synthetic import generate, write_csv
from tests.fixtures.progress import MACHINE, RUN_NAME, FakeAws, History

API = "http://127.0.0.1:18080"
TOKEN = "A" * 43
REVIEW_URL = f"{API}/approvals/{TOKEN}"


def approved_history() -> History:
    history = History().add(0, "ExecutionStarted", input="{}")
    history.state("Task", "Processing", 0.0, 3.0)
    history.state("Task", "Training", 3.0, 9.0)
    history.state("Task", "RequestApproval", 9.0, 12.0)
    history.state("Task", "CreateEndpoint", 12.0, 12.5)
    history.state("Succeed", "Live", 12.5, 12.5)
    output = {"status": "live", "endpoint_name": "credit-risk-local-credit-risk"}
    return history.add(12.6, "ExecutionSucceeded", output=json.dumps(output))


def failed_history() -> History:
    history = History().add(0, "ExecutionStarted", input="{}")
    history.add(0.1, "TaskStateEntered", name="Processing", input="{}")
    history.add(2.0, "TaskFailed", error="States.TaskFailed", cause="loan_amount_positive")
    history.add(2.0, "TaskStateExited", name="Processing", output="{}")
    history.state("Fail", "Failed", 2.1, None)
    return history.add(2.1, "ExecutionFailed", error="PipelineFailed", cause="{}")


class FakeStack:
    def __init__(self, root: Path) -> None:
        self.root = root
        self.calls: list[str] = []

    def up(self, settings: StackSettings) -> dict[str, Any]:
        self.calls.append("up")
        return {
            "region": "eu-west-1",
            "s3_endpoint": "http://127.0.0.1:14566",
            "raw_bucket": "credit-risk-local-raw",
            "raw_prefix": "incoming/",
            "api_url": API,
            "api_headers": {"Authorization": "Bearer secret-token"},
            "outbox_dir": str(self.root / "outbox"),
            "stepfunctions_endpoint": "http://127.0.0.1:14599",
            "state_machine_arn": MACHINE,
            "environment": {"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing"},
        }

    def down(self, state_dir: Path, purge: bool = False) -> dict[str, Any]:
        self.calls.append("down")
        return {"stopped": ["api", "workflow"]}


def send(outbox: Path, subject: str, body: str) -> None:
    write_email(
        outbox,
        to="reviewer@example.com",
        subject=f"[credit-risk] {subject}",
        body=f"{body}\n\nRun: {RUN_NAME}\n",
        message_id=subject.replace(" ", "-"),
        topic_arn="arn:aws:sns:eu-west-1:123456789012:notifications",
    )


@pytest.fixture
def data_file(tmp_path: Path) -> Path:
    return write_csv(generate(users=5, seed=3).raw, tmp_path / "loans.csv")


def options(tmp_path: Path, data: Path, **overrides: Any) -> DemoOptions:
    values: dict[str, Any] = {
        "workdir": tmp_path / "demo",
        "data": data,
        "serve": False,
        "settings": StackSettings(state_dir=tmp_path / "stack"),
        **overrides,
    }
    return DemoOptions(**values)


@responses.activate
def test_run_demo_auto_approves_and_shows_the_live_api(tmp_path: Path, data_file: Path) -> None:
    stack, aws, lines = FakeStack(tmp_path), FakeAws([approved_history()]), []
    send(tmp_path / "outbox", "Review needed: model", f"Review here:\n  {REVIEW_URL}")
    send(tmp_path / "outbox", "Live: model on credit-risk", "The model is live.")
    decision = responses.post(REVIEW_URL, body="<html>approved</html>")
    features = responses.get(f"{API}/features/{first_user(data_file)}", json={"id": 1})
    predictions = responses.get(f"{API}/predictions/{first_user(data_file)}", json={"p": 0.1})

    code = run_demo(
        options(tmp_path, data_file, auto_approve=True), stack, aws, lines.append, lambda: None
    )

    out = "\n".join(lines)
    assert code == 0
    assert stack.calls == ["up", "down"]
    (filename, bucket, key), *_ = aws.uploads
    assert (filename, bucket) == (str(data_file), "credit-risk-local-raw")
    assert key.startswith("incoming/loans-")
    assert key.endswith(".csv")
    assert parse_qs(decision.calls[0].request.body)["decision"] == ["approve"]
    assert features.calls[0].request.headers["Authorization"] == "Bearer secret-token"
    assert predictions.call_count == 1
    assert "  -> Training ..." in out
    assert "  ok Training  6.0 s" in out
    assert f"review page:  {REVIEW_URL}" in out
    assert "[5/5] Live" in out
    user = first_user(data_file)
    assert f"curl -s -H 'Authorization: Bearer secret-token' {API}/predictions/{user}" in out
    assert "Workflow run SUCCEEDED in 12.6 s" in out


@responses.activate
def test_run_demo_waits_for_the_reviewer_without_posting(tmp_path: Path, data_file: Path) -> None:
    stack, aws, lines = FakeStack(tmp_path), FakeAws([approved_history()]), []
    send(tmp_path / "outbox", "Review needed: model", f"Review here:\n  {REVIEW_URL}")
    send(tmp_path / "outbox", "Live: model on credit-risk", "The model is live.")
    responses.get(f"{API}/features/{first_user(data_file)}", json={})
    responses.get(f"{API}/predictions/{first_user(data_file)}", json={})
    served = []

    code = run_demo(
        options(tmp_path, data_file, serve=True, keep_stack=True),
        stack,
        aws,
        lines.append,
        lambda: served.append(True),
    )

    assert code == 0
    assert served == [True]
    assert stack.calls == ["up"]  # --keep-stack
    assert not [call for call in responses.calls if call.request.method == "POST"]
    assert any("then Approve or Reject" in line for line in lines)


def test_run_demo_shows_the_failure_email_and_exits_1(tmp_path: Path, data_file: Path) -> None:
    stack, aws, lines = FakeStack(tmp_path), FakeAws([failed_history()]), []
    send(
        tmp_path / "outbox",
        "Failed: run at Processing",
        "Step:   Processing\nCause:  rule loan_amount_positive broken",
    )

    code = run_demo(options(tmp_path, data_file), stack, aws, lines.append, lambda: None)

    out = "\n".join(lines)
    assert code == 1
    assert stack.calls == ["up", "down"]
    assert "!! Processing" in out
    assert "[5/5] The run FAILED: PipelineFailed" in out
    assert "| Cause:  rule loan_amount_positive broken" in out


def test_run_demo_stops_the_stack_when_interrupted(tmp_path: Path, data_file: Path) -> None:
    stack, lines = FakeStack(tmp_path), []

    def interrupted(*args: Any) -> Any:
        raise KeyboardInterrupt

    code = run_demo(options(tmp_path, data_file), stack, interrupted, lines.append, lambda: None)

    assert code == 1
    assert stack.calls == ["up", "down"]
    assert "Interrupted." in "\n".join(lines)


def test_curl_commands_quote_the_headers() -> None:
    info = {"api_url": f"{API}/", "api_headers": {"Authorization": "Bearer a'b"}}

    features, predictions = curl_commands(info, "42")

    assert features == f"curl -s -H 'Authorization: Bearer a'\"'\"'b' {API}/features/42"
    assert predictions.endswith(f"{API}/predictions/42")
