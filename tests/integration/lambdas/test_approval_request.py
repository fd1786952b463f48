"""approval_request against moto: review files copied, approval stored hashed, reviewer emailed."""

from __future__ import annotations

import json
import re
import time
from typing import Any

import pytest

from lambdas.approval_request.handler import handler
from lambdas.approval_request.review import ReviewArtifactsError
from lambdas.shared.approvals import Status, from_item
from lambdas.shared.tokens import hash_token
from lambdas.shared.workflow import InvalidPayloadError
from local_stack.api_gateway import LocalContext
from tests.fixtures.lambdas import APPROVALS_TABLE, ARTIFACTS_BUCKET, DATA_DIR, AwsWorld

LINK = re.compile(r"https://api\.example\.com/approvals/([A-Za-z0-9_-]{43})\n")


def invoke(event: dict[str, Any]) -> dict[str, Any]:
    result: dict[str, Any] = handler(event, LocalContext(function_name="approval_request"))
    return result


def test_handler_stores_the_approval_with_the_token_hashed(aws_world: AwsWorld) -> None:
    payload = aws_world.approval_payload("task-token-1")
    before = int(time.time())
    result = invoke(payload)

    [email] = aws_world.emails()
    link_token = LINK.search(email["body"]).group(1)  # type: ignore[union-attr]
    [item] = aws_world.approval_items()
    approval = from_item(item)
    assert approval.token_hash == hash_token(link_token)
    assert link_token not in json.dumps(item)
    assert approval.task_token == "task-token-1"
    assert approval.status is Status.PENDING
    assert before + 86400 <= approval.expires_at <= int(time.time()) + 86400
    assert approval.ttl > approval.expires_at
    assert approval.execution_arn == payload["execution_arn"]
    assert approval.model_package_arn == payload["model_package_arn"]
    assert approval.metrics["roc_auc"] == 0.7843
    assert approval.metrics["baseline_roc_auc"] == 0.5
    assert approval.confusion_matrix == [[1521, 287], [86, 78]]
    assert approval.source["key"] == "incoming/loans-2024-05.csv"
    assert result["approval_id"] == approval.token_hash[:16]
    assert link_token not in json.dumps(result)


def test_handler_copies_the_review_files_out_of_the_training_output(aws_world: AwsWorld) -> None:
    payload = aws_world.approval_payload("task-token-1")
    invoke(payload)
    prefix = f"runs/{payload['execution_name']}/review/"
    listed = aws_world.s3.list_objects_v2(Bucket=ARTIFACTS_BUCKET, Prefix=prefix)
    assert sorted(o["Key"] for o in listed["Contents"]) == [
        prefix + "evaluation.json",
        prefix + "report.html",
    ]
    report = aws_world.s3.get_object(Bucket=ARTIFACTS_BUCKET, Key=prefix + "report.html")
    assert report["Body"].read() == (DATA_DIR / "report.html").read_bytes()
    assert report["ContentType"].startswith("text/html")
    approval = from_item(aws_world.approval_items()[0])
    assert approval.report_s3_uri == f"s3://{ARTIFACTS_BUCKET}/{prefix}report.html"
    assert approval.evaluation_s3_uri == f"s3://{ARTIFACTS_BUCKET}/{prefix}evaluation.json"


def test_handler_emails_model_headline_metrics_and_link(aws_world: AwsWorld) -> None:
    invoke(aws_world.approval_payload("task-token-1"))
    [email] = aws_world.emails()
    assert email["subject"] == (
        "[credit-risk] Review needed: credit-risk v3, ROC AUC 0.784 (baseline 0.500)"
    )
    assert "PR AUC" in email["body"]
    assert "0.231" in email["body"]
    assert "0.082" in email["body"]  # the PR AUC baseline, beside it
    assert LINK.search(email["body"])


def test_handler_retried_sends_one_email_and_keeps_one_approval(aws_world: AwsWorld) -> None:
    payload = aws_world.approval_payload("task-token-1")
    first = invoke(payload)
    second = invoke(payload)
    assert second == first
    assert len(aws_world.emails()) == 1
    assert len(aws_world.approval_items()) == 1


def test_handler_a_new_wait_gets_a_new_link(aws_world: AwsWorld) -> None:
    invoke(aws_world.approval_payload("task-token-1"))
    invoke(aws_world.approval_payload("task-token-2"))
    links = {LINK.search(e["body"]).group(1) for e in aws_world.emails()}  # type: ignore[union-attr]
    assert len(links) == 2
    assert len(aws_world.approval_items()) == 2


def test_handler_fails_loudly_without_an_evaluation(aws_world: AwsWorld) -> None:
    payload = aws_world.approval_payload("task-token-1")
    payload["evaluation_s3_uri"] = aws_world.put_training_output(
        payload["execution_name"], {"report.html": b"<html></html>"}
    )
    with pytest.raises(ReviewArtifactsError, match=r"holds no evaluation\.json"):
        invoke(payload)
    assert aws_world.emails() == []
    assert aws_world.approval_items() == []


def test_handler_fails_loudly_when_the_training_output_is_missing(aws_world: AwsWorld) -> None:
    payload = aws_world.approval_payload(
        "task-token-1", evaluation_s3_uri=f"s3://{ARTIFACTS_BUCKET}/nothing/output.tar.gz"
    )
    with pytest.raises(ReviewArtifactsError, match="not found"):
        invoke(payload)


def test_handler_without_a_report_still_asks_for_review(aws_world: AwsWorld) -> None:
    payload = aws_world.approval_payload("task-token-1")
    payload["evaluation_s3_uri"] = aws_world.put_training_output(
        payload["execution_name"],
        {"./evaluation.json": (DATA_DIR / "evaluation.json").read_bytes()},
    )
    invoke(payload)
    assert from_item(aws_world.approval_items()[0]).report_s3_uri == ""
    assert len(aws_world.emails()) == 1


def test_handler_refuses_a_bad_payload_before_any_side_effect(aws_world: AwsWorld) -> None:
    payload = aws_world.approval_payload("task-token-1", expires_in_seconds=-5)
    with pytest.raises(InvalidPayloadError, match="expires_in_seconds"):
        invoke(payload)
    assert aws_world.emails() == []
    assert aws_world.dynamodb.scan(TableName=APPROVALS_TABLE)["Count"] == 0
