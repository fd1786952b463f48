"""The whole lifecycle on the local stack, as a user drives it: a real S3 client uploads a raw
file, the trigger starts the deployed workflow, the review link comes from the email in the outbox
and is decided over HTTP, and the API serves what the pipeline produced.

One stack serves the module (Terraform applies once); the runs build on each other in the order
of their fixtures: first file live -> another file rejected -> the first object again (a
duplicate) -> a malformed file -> a newer file through `mlops demo --auto-approve`."""

from __future__ import annotations

import random
from pathlib import Path
from typing import Any

import pytest

from local_stack.stack.runs import runs
from mlops.commands.demo import DemoOptions, run_demo
from mlops.pipeline_run import RunResult, run_file
from mlops.review import run_emails
from tests.fixtures.e2e import E2eFiles, Stack, expected_response, latest_loans

pytestmark = [pytest.mark.slow, pytest.mark.terraform]

MAIN_LINE = ["Processing", "Ingestion", "Training", "RequestApproval", "CreateEndpoint", "Live"]
RUN_TIMEOUT = 300


def kinds(stack: Stack, result: RunResult) -> list[str]:
    return [
        email.kind for email in run_emails(Path(stack.info["outbox_dir"]), result.execution_name)
    ]


def assert_features_served(stack: Stack, execution_name: str, sample: int = 8) -> None:
    """/features/{id} of sampled users equals the run's processing output's latest loan."""
    latest = latest_loans(stack.processing_output(execution_name))
    users = random.Random(7).sample(sorted(latest.index), sample)
    for user in users:
        row = latest.loc[user]
        response = stack.get("features", user)
        assert response.status_code == 200, response.text
        body = response.json()
        assert (body["id"], body["loan_id"], body["loan_date"]) == (
            int(user),
            int(row["loan_id"]),
            row["loan_date"],
        )
        assert body["features"] == pytest.approx(expected_response(row)), user


def prediction(stack: Stack, user: object) -> dict[str, Any]:
    response = stack.get("predictions", user)
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    assert 0.0 <= body["probability_of_default"] <= 1.0
    return body


@pytest.fixture(scope="module")
def live_run(e2e_stack: Stack, e2e_files: E2eFiles) -> RunResult:
    return run_file(e2e_stack.info, e2e_files.first, decision="approve", timeout=RUN_TIMEOUT)


@pytest.fixture(scope="module")
def rejected_run(
    e2e_stack: Stack, e2e_files: E2eFiles, live_run: RunResult
) -> tuple[RunResult, dict[str, Any], dict[str, Any]]:
    """A second file whose model the reviewer rejects; the endpoint before and after."""
    before = e2e_stack.endpoint()
    result = run_file(
        e2e_stack.info, e2e_files.second, decision="reject", comment="no", timeout=RUN_TIMEOUT
    )
    return result, before, e2e_stack.endpoint()


def test_upload_runs_to_a_live_endpoint_and_emails_the_reviewer_then_live(
    e2e_stack: Stack, live_run: RunResult
) -> None:
    assert live_run.status == "live", (live_run.summary.error, live_run.summary.cause)
    assert [state for state in live_run.summary.states if state in MAIN_LINE] == MAIN_LINE
    assert live_run.review_url is not None
    assert live_run.review_url.startswith(f"{e2e_stack.info['api_url'].rstrip('/')}/approvals/")
    assert kinds(e2e_stack, live_run) == ["Review needed", "Live"]
    endpoint = e2e_stack.endpoint()
    assert endpoint["EndpointStatus"] == "InService"


def test_features_equal_the_processing_outputs_latest_loan(
    e2e_stack: Stack, live_run: RunResult
) -> None:
    assert_features_served(e2e_stack, live_run.execution_name)


def test_predictions_answer_with_a_probability_of_the_approved_model(
    e2e_stack: Stack, live_run: RunResult
) -> None:
    latest = latest_loans(e2e_stack.processing_output(live_run.execution_name))
    body = prediction(e2e_stack, latest.index[0])
    assert body["model_version"] == live_run.outcome["model_package_arn"]
    assert body["decision"] in {"accept", "decline"}


def test_data_routes_refuse_requests_without_the_local_credentials(
    e2e_stack: Stack, live_run: RunResult
) -> None:
    latest = latest_loans(e2e_stack.processing_output(live_run.execution_name))
    response = e2e_stack.get("features", latest.index[0], headers={})
    assert response.status_code in {401, 403}
    assert "features" not in response.text


def test_rejected_model_leaves_the_endpoint_unchanged(
    e2e_stack: Stack, live_run: RunResult, rejected_run: tuple[RunResult, Any, Any]
) -> None:
    result, before, after = rejected_run
    assert result.status == "rejected"
    assert result.outcome["reason"] == "reviewer"
    assert kinds(e2e_stack, result) == ["Review needed", "Rejected"]
    assert after["EndpointConfigName"] == before["EndpointConfigName"]
    latest = latest_loans(e2e_stack.processing_output(live_run.execution_name))
    served = prediction(e2e_stack, latest.index[0])
    assert served["model_version"] == live_run.outcome["model_package_arn"]


def test_same_object_uploaded_twice_runs_once(
    e2e_stack: Stack, e2e_files: E2eFiles, live_run: RunResult, rejected_run: Any
) -> None:
    again = run_file(e2e_stack.info, e2e_files.first, key=live_run.upload.key, timeout=60)

    assert again.upload.etag == live_run.upload.etag
    assert again.execution_arn != live_run.execution_arn
    assert again.status == "duplicate"
    assert "Processing" not in again.summary.states
    assert kinds(e2e_stack, again) == []


def test_malformed_file_fails_naming_the_rule_and_ingests_nothing(
    e2e_stack: Stack, e2e_files: E2eFiles, rejected_run: Any
) -> None:
    result = run_file(e2e_stack.info, e2e_files.malformed, timeout=RUN_TIMEOUT)

    assert result.status == "failed"
    assert result.summary.error == "PipelineFailed"
    assert "Ingestion" not in result.summary.states
    emails = run_emails(Path(e2e_stack.info["outbox_dir"]), result.execution_name)
    assert [email.kind for email in emails] == ["Failed"]
    assert "value.not_positive_number" in emails[0].body
    assert "loan_amount" in emails[0].body
    for user in e2e_files.malformed_users[:3]:
        assert e2e_stack.get("features", user).status_code == 404


def test_demo_runs_a_newer_file_that_updates_features_and_endpoint(
    e2e_stack: Stack, e2e_files: E2eFiles, live_run: RunResult, rejected_run: Any, tmp_path: Path
) -> None:
    before = e2e_stack.endpoint()
    lines: list[str] = []
    options = DemoOptions(
        workdir=tmp_path,
        data=e2e_files.newer,
        auto_approve=True,
        serve=False,
        keep_stack=True,
        timeout=RUN_TIMEOUT,
        settings=e2e_stack.settings,
    )

    code = run_demo(options, say=lines.append)

    output = "\n".join(lines)
    assert code == 0, output
    assert "Authorization: Bearer" in output
    assert "[5/5] Live" in output
    sfn = e2e_stack.client("stepfunctions")
    newest = runs(sfn, e2e_stack.info["state_machine_arn"])[0]
    assert newest.key is not None
    assert newest.key.startswith(f"{e2e_stack.info['raw_prefix']}newer-")
    assert_features_served(e2e_stack, newest.name)
    after = e2e_stack.endpoint()
    assert after["EndpointStatus"] == "InService"
    assert after["EndpointConfigName"] != before["EndpointConfigName"]
    latest = latest_loans(e2e_stack.processing_output(newest.name))
    assert (
        prediction(e2e_stack, latest.index[0])["model_version"]
        != (live_run.outcome["model_package_arn"])
    )
