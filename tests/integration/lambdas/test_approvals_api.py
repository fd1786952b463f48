"""The approval protocol end to end: moto DynamoDB + a Step Functions execution really waiting on
its task token, the approvals function behind the local API Gateway adapter, every response held
to docs/openapi.yaml by the `api` fixture."""

from __future__ import annotations

import json
import re
import time
from collections.abc import Callable
from typing import Any

import pytest

from lambdas.approval_request.handler import handler as approval_request
from lambdas.shared import aws
from lambdas.shared.approvals import Delivery, Status, from_item
from lambdas.shared.tokens import new_link_token
from local_stack.api_gateway import LocalContext
from tests.fixtures.lambdas import APPROVALS_TABLE, Api, AwsWorld

HTML = {"Accept": "text/html,application/xhtml+xml"}
JSON = {"Accept": "application/json"}
MakeLink = Callable[..., tuple[str, str, str]]
UNISSUED = "NotIssuedByTheApprovalRequestFunction-00000"  # shaped like a token, never issued
assert len(UNISSUED) == 43


def state(aws_world: AwsWorld, execution_arn: str) -> dict[str, Any]:
    """Everything a GET must leave alone: the approval items and the execution's history."""
    history = aws_world.stepfunctions.get_execution_history(executionArn=execution_arn)
    return {
        "items": aws_world.approval_items(),
        "events": [e["type"] for e in history["events"]],
        "status": aws_world.execution(execution_arn, settle=False)["status"],
    }


def test_get_review_page_shows_model_metrics_plots_and_forms(
    api: Api, approval_link: MakeLink
) -> None:
    token, _, _ = approval_link()
    response = api.get(f"/approvals/{token}", headers=HTML)
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "credit-risk v3" in page
    assert '<tr data-metric="roc_auc">' in page
    assert "0.784" in page
    assert "0.500" in page
    assert page.count('<img src="data:image/png;base64,') == 2
    assert "tracker.png" not in page
    assert "<script" not in page
    assert page.count('name="decision"') == 2
    assert response.headers["Referrer-Policy"] == "no-referrer"
    assert "no-store" in response.headers["Cache-Control"]
    assert "frame-ancestors 'none'" in response.headers["Content-Security-Policy"]


def test_get_never_changes_state(api: Api, approval_link: MakeLink, aws_world: AwsWorld) -> None:
    token, execution_arn, _ = approval_link()
    before = state(aws_world, execution_arn)
    for headers in (HTML, JSON, {}, {"Accept": "*/*", "User-Agent": "SafeLinks scanner"}):
        assert api.get(f"/approvals/{token}", headers=headers).status_code == 200
    assert state(aws_world, execution_arn) == before
    assert before["status"] == "RUNNING"


def test_post_approve_resumes_the_workflow_with_the_decision(
    api: Api, approval_link: MakeLink, aws_world: AwsWorld
) -> None:
    token, execution_arn, _ = approval_link()
    response = api.post(
        f"/approvals/{token}", data={"decision": "approve", "comment": "Fine by me"}, headers=HTML
    )
    assert response.status_code == 200
    assert "workflow resumed" in response.get_data(as_text=True)
    execution = aws_world.execution(execution_arn)
    assert execution["status"] == "SUCCEEDED"
    assert json.loads(execution["output"])["approval"] == {
        "decision": "approved",
        "comment": "Fine by me",
    }
    approval = from_item(aws_world.approval_items()[0])
    assert (approval.status, approval.delivery, approval.comment) == (
        Status.APPROVED,
        Delivery.DELIVERED,
        "Fine by me",
    )
    assert approval.decided_from == "127.0.0.1"


def test_post_reject_fails_the_task_with_model_rejected(
    api: Api, approval_link: MakeLink, aws_world: AwsWorld
) -> None:
    token, execution_arn, _ = approval_link()
    sent: list[dict[str, Any]] = []
    aws.client("stepfunctions").meta.events.register(
        "before-parameter-build.sfn.SendTaskFailure", lambda params, **_: sent.append(params)
    )
    response = api.post(
        f"/approvals/{token}",
        json={"decision": "reject", "comment": "Recall too low"},
        headers=JSON,
    )
    assert response.status_code == 200
    assert response.json == {
        "decision": "rejected",
        "comment": "Recall too low",
        "decided_at": from_item(aws_world.approval_items()[0]).decided_at,
        "execution_name": execution_arn.rsplit(":", 1)[-1],
    }
    output = json.loads(aws_world.execution(execution_arn)["output"])
    assert output["errors"]["WaitForApproval"]["Error"] == "ModelRejected"
    assert "approval" not in output
    # moto 5.2 drops the cause of SendTaskFailure on the floor, so check what was sent.
    assert [(p["error"], p["cause"]) for p in sent] == [("ModelRejected", "Recall too low")]


def test_post_replayed_gets_409_and_changes_nothing(
    api: Api, approval_link: MakeLink, aws_world: AwsWorld
) -> None:
    token, execution_arn, _ = approval_link()
    assert api.post(f"/approvals/{token}", data={"decision": "approve"}).status_code == 200
    after_first = state(aws_world, aws_world.execution(execution_arn)["executionArn"])
    replay = api.post(f"/approvals/{token}", data={"decision": "reject"}, headers=JSON)
    assert replay.status_code == 409
    assert replay.json["error"]["code"] == "already_decided"
    assert "approved" in replay.json["error"]["message"]
    assert state(aws_world, execution_arn) == after_first
    page = api.get(f"/approvals/{token}", headers=HTML).get_data(as_text=True)
    assert "<form" not in page
    assert "approved" in page


def expire(aws_world: AwsWorld) -> None:
    """Move every approval's expiry into the past (what waiting out the link would do)."""
    for item in aws_world.approval_items():
        aws_world.dynamodb.update_item(
            TableName=APPROVALS_TABLE,
            Key={"token_hash": item["token_hash"]},
            UpdateExpression="SET expires_at = :past",
            ExpressionAttributeValues={":past": {"N": str(int(time.time()) - 1)}},
        )


def test_expired_link_gets_410_on_get_and_post(
    api: Api, approval_link: MakeLink, aws_world: AwsWorld
) -> None:
    token, execution_arn, _ = approval_link()
    expire(aws_world)
    got = api.get(f"/approvals/{token}", headers=JSON)
    posted = api.post(f"/approvals/{token}", data={"decision": "approve"}, headers=JSON)
    assert (got.status_code, posted.status_code) == (410, 410)
    assert posted.json["error"]["code"] == "approval_expired"
    assert from_item(aws_world.approval_items()[0]).status is Status.PENDING
    assert aws_world.execution(execution_arn, settle=False)["status"] == "RUNNING"
    html = api.get(f"/approvals/{token}", headers=HTML)
    assert html.status_code == 410
    assert "expired" in html.get_data(as_text=True)


@pytest.mark.parametrize(
    "forged",
    [
        UNISSUED,  # well formed, never issued
        "A" * 43,
        "short",
        "..%2F..%2Fetc%2Fpasswd",
        "%3Cscript%3E",
        "x" * 500,
    ],
)
def test_forged_link_gets_404_on_get_and_post(
    api: Api, approval_link: MakeLink, aws_world: AwsWorld, forged: str
) -> None:
    approval_link()
    before = aws_world.approval_items()
    got = api.get(f"/approvals/{forged}", headers=JSON)
    posted = api.post(f"/approvals/{forged}", data={"decision": "approve"}, headers=JSON)
    assert got.status_code in {404}
    assert posted.status_code == 404
    assert posted.json["error"]["code"] in {"approval_not_found", "route_not_found"}
    assert aws_world.approval_items() == before


def test_a_link_opens_only_its_own_approval(
    api: Api, approval_link: MakeLink, aws_world: AwsWorld
) -> None:
    first, first_execution, _ = approval_link()
    _, second_execution, _ = approval_link()
    assert api.post(f"/approvals/{first}", data={"decision": "approve"}).status_code == 200
    assert aws_world.execution(first_execution)["status"] == "SUCCEEDED"
    assert aws_world.execution(second_execution, settle=False)["status"] == "RUNNING"


def test_post_after_the_wait_timed_out_says_the_decision_changed_nothing(
    api: Api, approval_link: MakeLink, aws_world: AwsWorld
) -> None:
    # The link is still valid but the workflow's own timer (1 s) already ended the wait.
    token, execution_arn, _ = approval_link(expires_in_seconds=3600, timeout_seconds=1)
    assert aws_world.execution(execution_arn)["status"] == "SUCCEEDED"
    output = json.loads(aws_world.execution(execution_arn)["output"])
    assert output["errors"]["WaitForApproval"]["Error"] == "States.Timeout"
    response = api.post(f"/approvals/{token}", data={"decision": "approve"}, headers=JSON)
    assert response.status_code == 410
    assert response.json["error"]["code"] == "workflow_not_waiting"
    assert "not deployed" in response.json["error"]["message"]
    approval = from_item(aws_world.approval_items()[0])
    assert (approval.status, approval.delivery) == (Status.APPROVED, Delivery.WORKFLOW_NOT_WAITING)
    replay = api.post(f"/approvals/{token}", data={"decision": "approve"}, headers=JSON)
    assert replay.status_code == 409
    assert "changed nothing" in replay.json["error"]["message"]


def test_post_when_step_functions_is_unreachable_undoes_the_decision(
    api: Api, approval_link: MakeLink, aws_world: AwsWorld, monkeypatch: pytest.MonkeyPatch
) -> None:
    token, execution_arn, _ = approval_link()
    monkeypatch.setenv("AWS_ENDPOINT_URL_SFN", "http://127.0.0.1:9")  # nothing listens there
    aws.client.cache_clear()
    aws.client("dynamodb")  # the table stays reachable
    aws.client("s3")
    response = api.post(f"/approvals/{token}", data={"decision": "approve"}, headers=JSON)
    assert response.status_code == 503
    assert response.json["error"]["code"] == "workflow_unavailable"
    approval = from_item(aws_world.approval_items()[0])
    assert (approval.status, approval.decided_at, approval.delivery) == (
        Status.PENDING,
        None,
        None,
    )
    monkeypatch.delenv("AWS_ENDPOINT_URL_SFN")
    aws.client.cache_clear()
    assert api.post(f"/approvals/{token}", data={"decision": "approve"}).status_code == 200
    assert aws_world.execution(execution_arn)["status"] == "SUCCEEDED"


@pytest.mark.parametrize(
    ("kwargs", "status", "code"),
    [
        ({"data": {"decision": "maybe"}}, 400, "invalid_decision"),
        ({"data": {"comment": "no decision"}}, 400, "invalid_decision"),
        ({"data": "decision=approve", "content_type": "text/plain"}, 415, "unsupported_media_type"),
        (
            {"data": b"\xff\xfe", "content_type": "application/x-www-form-urlencoded"},
            400,
            "invalid_decision",
        ),
    ],
)
def test_post_with_an_unclear_body_gets_a_4xx_and_decides_nothing(
    api: Api,
    approval_link: MakeLink,
    aws_world: AwsWorld,
    kwargs: dict[str, Any],
    status: int,
    code: str,
) -> None:
    token, execution_arn, _ = approval_link()
    response = api.post(f"/approvals/{token}", headers=JSON, **kwargs)
    assert (response.status_code, response.json["error"]["code"]) == (status, code)
    assert from_item(aws_world.approval_items()[0]).status is Status.PENDING
    assert aws_world.execution(execution_arn, settle=False)["status"] == "RUNNING"


def test_browsers_get_html_errors_and_api_clients_json(api: Api, approval_link: MakeLink) -> None:
    approval_link()
    forged = new_link_token()
    html = api.get(f"/approvals/{forged}", headers=HTML)
    assert html.content_type.startswith("text/html")
    assert "Link not found" in html.get_data(as_text=True)
    assert html.headers["Referrer-Policy"] == "no-referrer"
    as_json = api.get(f"/approvals/{forged}")
    assert as_json.json == {
        "error": {"code": "approval_not_found", "message": "no approval behind this link"}
    }


def test_get_review_page_survives_an_unreadable_report(
    api: Api, approval_link: MakeLink, aws_world: AwsWorld
) -> None:
    token, _, _ = approval_link()
    approval = from_item(aws_world.approval_items()[0])
    bucket, key = approval.report_s3_uri.removeprefix("s3://").split("/", 1)
    aws_world.s3.delete_object(Bucket=bucket, Key=key)
    page = api.get(f"/approvals/{token}", headers=HTML)
    assert page.status_code == 200
    assert "the training report could not be read" in page.get_data(as_text=True)
    assert aws_world.dynamodb.scan(TableName=APPROVALS_TABLE)["Count"] == 1


@pytest.mark.slow
def test_review_page_shows_the_training_jobs_own_report(
    api: Api, aws_world: AwsWorld, trained_model: Any
) -> None:
    """The seam with the training job: its real evaluation.json and report.html, end to end."""
    output = trained_model.output_dir
    files = {name: (output / name).read_bytes() for name in ("evaluation.json", "report.html")}
    evaluation = json.loads(files["evaluation.json"])
    execution_arn, task_token = aws_world.start_waiting_execution()
    payload = aws_world.approval_payload(
        task_token, execution_arn=execution_arn, execution_name=execution_arn.rsplit(":", 1)[-1]
    )
    payload["evaluation_s3_uri"] = aws_world.put_training_output(payload["execution_name"], files)
    approval_request(payload, LocalContext(function_name="approval_request"))
    token = re.search(r"/approvals/([A-Za-z0-9_-]{43})", aws_world.emails()[-1]["body"])
    assert token

    page = api.get(f"/approvals/{token.group(1)}", headers=HTML).get_data(as_text=True)
    plots_in_report = files["report.html"].decode().count("src='data:image/png;base64,")
    assert plots_in_report >= 2
    assert page.count('<img src="data:image/png;base64,') == plots_in_report
    row = re.search(r'<tr data-metric="roc_auc">(.*?)</tr>', page)
    assert row
    assert f"{evaluation['roc_auc']:.3f}" in row.group(1)
    assert f"{evaluation['baseline_roc_auc']:.3f}" in row.group(1)
    matrix = evaluation["confusion_matrix"]
    assert f'<td class="num">{matrix["tp"]}</td>' in page
