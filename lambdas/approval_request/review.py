"""Creating an approval: copy the review files, issue and store the link, email the reviewer.

The link token exists only in this function's memory and in the email; the table stores its hash.
The task token goes to the table and nowhere else (no email, URL, log line or result holds it).
"""

from __future__ import annotations

import json
import logging
import tarfile
from collections.abc import Mapping
from dataclasses import dataclass
from typing import IO, TYPE_CHECKING, Any

from botocore.exceptions import ClientError

from lambdas.approval_request.payload import ApprovalRequest
from lambdas.shared.approvals import Approval, put_new_approval
from lambdas.shared.aws import error_code
from lambdas.shared.emails import review_email
from lambdas.shared.metrics import scalar_metrics
from lambdas.shared.resource_names import model_label, parse_s3_uri
from lambdas.shared.settings import Settings
from lambdas.shared.tokens import approval_id, hash_token, new_link_token

if TYPE_CHECKING:
    from botocore.response import StreamingBody
    from mypy_boto3_dynamodb import DynamoDBClient
    from mypy_boto3_s3 import S3Client
    from mypy_boto3_sns import SNSClient

log = logging.getLogger(__name__)

EVALUATION_FILE = "evaluation.json"
REPORT_FILE = "report.html"
MAX_MEMBER_BYTES = 50 * 1024 * 1024
CONTENT_TYPES = {EVALUATION_FILE: "application/json", REPORT_FILE: "text/html; charset=utf-8"}


class ReviewArtifactsError(RuntimeError):
    """The training output has no evaluation to review (Step Functions sees this error name)."""


@dataclass(frozen=True, slots=True)
class ReviewArtifacts:
    evaluation: dict[str, Any]
    evaluation_s3_uri: str
    report_s3_uri: str  # '' when the training output had no report


def request_approval(
    request: ApprovalRequest,
    *,
    s3: S3Client,
    dynamodb: DynamoDBClient,
    sns: SNSClient,
    settings: Settings,
    now: float,
) -> dict[str, Any]:
    artifacts = copy_review_artifacts(
        s3, request.evaluation_s3_uri, settings.artifacts_bucket, request.execution_name
    )
    metrics = {**scalar_metrics(request.metrics), **scalar_metrics(artifacts.evaluation)}
    token = new_link_token()
    approval = Approval(
        token_hash=hash_token(token),
        task_token=request.task_token.get_secret_value(),
        execution_arn=request.execution_arn,
        execution_name=request.execution_name,
        model_package_arn=request.model_package_arn,
        training_job_name=request.training_job_name,
        metrics=metrics,
        created_at=int(now),
        expires_at=int(now) + request.expires_in_seconds,
        evaluation_s3_uri=artifacts.evaluation_s3_uri,
        report_s3_uri=artifacts.report_s3_uri,
        confusion_matrix=confusion_matrix(artifacts.evaluation),
        source=request.source.model_dump(),
    )
    put_new_approval(dynamodb, settings.approvals_table_name, approval)
    email = review_email(
        model=model_label(request.model_package_arn),
        metrics=metrics,
        review_url=f"{request.api_base_url.rstrip('/')}/approvals/{token}",
        expires_at=approval.expires_at,
        source_uri=request.source.uri,
        execution_name=request.execution_name,
    )
    published = sns.publish(
        TopicArn=settings.notification_topic_arn, Subject=email.subject, Message=email.body
    )
    log.info(
        "approval requested",
        extra={"approval_id": approval_id(approval.token_hash), "expires_at": approval.expires_at},
    )
    return {
        "approval_id": approval_id(approval.token_hash),
        "message_id": published["MessageId"],
        "expires_at": approval.expires_at,
    }


def copy_review_artifacts(
    s3: S3Client, evaluation_s3_uri: str, bucket: str, execution_name: str
) -> ReviewArtifacts:
    """Copy evaluation.json and report.html out of the training output to runs/<exec>/review/."""
    source_bucket, source_key = parse_s3_uri(evaluation_s3_uri)
    try:
        body = s3.get_object(Bucket=source_bucket, Key=source_key)["Body"]
    except ClientError as exc:
        if error_code(exc) in {"NoSuchKey", "NoSuchBucket", "404"}:
            raise ReviewArtifactsError(f"training output {evaluation_s3_uri} not found") from None
        raise
    files = extract_review_files(body, source=evaluation_s3_uri)
    if EVALUATION_FILE not in files:
        raise ReviewArtifactsError(f"{evaluation_s3_uri} holds no {EVALUATION_FILE}")
    try:
        evaluation = json.loads(files[EVALUATION_FILE])
    except ValueError as exc:
        raise ReviewArtifactsError(f"{EVALUATION_FILE} in {evaluation_s3_uri}: {exc}") from None
    if not isinstance(evaluation, dict):
        raise ReviewArtifactsError(f"{EVALUATION_FILE} in {evaluation_s3_uri} is not an object")
    if REPORT_FILE not in files:
        log.warning("training output has no report; the review page will show no plots")
    uris: dict[str, str] = {}
    for name, content in files.items():
        key = f"runs/{execution_name}/review/{name}"
        s3.put_object(Bucket=bucket, Key=key, Body=content, ContentType=CONTENT_TYPES[name])
        uris[name] = f"s3://{bucket}/{key}"
    return ReviewArtifacts(evaluation, uris[EVALUATION_FILE], uris.get(REPORT_FILE, ""))


def extract_review_files(archive: IO[bytes] | StreamingBody, *, source: str) -> dict[str, bytes]:
    """The review files at the root of a SageMaker output.tar.gz (streamed, nothing else read)."""
    wanted = set(CONTENT_TYPES)
    found: dict[str, bytes] = {}
    try:
        with tarfile.open(fileobj=archive, mode="r|gz") as tar:
            for member in tar:
                name = member.name.removeprefix("./")
                if name not in wanted or not member.isfile():
                    continue
                if member.size > MAX_MEMBER_BYTES:
                    raise ReviewArtifactsError(f"{name} in {source} is larger than 50 MB")
                extracted = tar.extractfile(member)
                if extracted is not None:
                    found[name] = extracted.read()
    except (tarfile.TarError, OSError, EOFError) as exc:
        raise ReviewArtifactsError(f"{source} is not a readable .tar.gz ({exc})") from None
    return found


def confusion_matrix(evaluation: Mapping[str, Any]) -> list[list[int]] | None:
    """[[tn, fp], [fn, tp]] from a 2x2 list or a {tn, fp, fn, tp} object; None otherwise."""
    value = evaluation.get("confusion_matrix")
    if isinstance(value, Mapping) and {"tn", "fp", "fn", "tp"} <= set(value):
        value = [[value["tn"], value["fp"]], [value["fn"], value["tp"]]]
    if (
        isinstance(value, list)
        and len(value) == 2
        and all(isinstance(row, list) and len(row) == 2 for row in value)
        and all(isinstance(cell, int | float) for row in value for cell in row)
    ):
        return [[int(cell) for cell in row] for row in value]
    return None
