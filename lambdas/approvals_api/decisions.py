"""The approval protocol (ARCHITECTURE.md 3.6): look a link up, record a decision once, resume.

States of an approval item: PENDING until a POST wins the conditional write, then APPROVED or
REJECTED for good. `delivery` says whether the workflow took the decision:
- `delivered`: SendTaskSuccess / SendTaskFailure succeeded.
- `workflow_not_waiting`: Step Functions no longer knows the task (the wait timed out, which the
  workflow treats as a rejection, or the execution was stopped). The decision stays on record for
  the audit, but it changed nothing, and the reviewer is told so (410).
If Step Functions cannot be reached at all the write is undone, so the reviewer can try again.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING
from urllib.parse import parse_qs

from botocore.exceptions import ClientError, ConnectionError, HTTPClientError

from lambdas.shared.approvals import Approval, Delivery, Status, get_approval
from lambdas.shared.aws import error_code
from lambdas.shared.errors import (
    BadRequestError,
    ConflictError,
    GoneError,
    NotFoundError,
    ServiceUnavailableError,
    UnsupportedMediaTypeError,
)
from lambdas.shared.text import utc_time
from lambdas.shared.tokens import approval_id, hash_token, is_well_formed, matches

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient
    from mypy_boto3_stepfunctions import SFNClient

log = logging.getLogger(__name__)

MAX_COMMENT_CHARS = 2000
REJECTION_ERROR = "ModelRejected"
# Step Functions' answers when the task token no longer belongs to a waiting task.
NOT_WAITING_CODES = frozenset({"TaskTimedOut", "TaskDoesNotExist", "InvalidToken"})
_VERBS = {"approve": Status.APPROVED, "reject": Status.REJECTED}


@dataclass(frozen=True, slots=True)
class Decision:
    status: Status
    comment: str

    @property
    def word(self) -> str:
        return self.status.value.lower()


class WorkflowNotWaitingError(Exception):
    pass


class WorkflowUnreachableError(Exception):
    pass


def find_approval(dynamodb: DynamoDBClient, table: str, token: str) -> Approval:
    """The approval a link token opens; NotFoundError for forged, malformed or unknown ones."""
    check_token_shape(token)
    approval = get_approval(dynamodb, table, hash_token(token))
    if approval is None or not matches(token, approval.token_hash):
        raise NotFoundError("no approval behind this link", code="approval_not_found")
    return approval


def check_token_shape(token: str) -> None:
    """NotFoundError for anything that is not shaped like a link token (forged or truncated)."""
    if not is_well_formed(token):
        raise NotFoundError("no approval behind this link", code="approval_not_found")


def ensure_open(approval: Approval, now: float) -> None:
    """ConflictError when already decided, GoneError when the link expired; else nothing."""
    if approval.status is not Status.PENDING:
        message = (
            f"this model was already {approval.status.value.lower()} at "
            f"{utc_time(approval.decided_at)}; a review link decides once"
        )
        if approval.delivery is Delivery.WORKFLOW_NOT_WAITING:
            message += (
                " (that decision arrived after the workflow stopped waiting: it changed nothing)"
            )
        elif approval.delivery is Delivery.PENDING:
            message += " (the workflow has not confirmed receiving it; its execution history tells)"
        raise ConflictError(message, code="already_decided")
    if approval.is_expired(now):
        raise GoneError(
            f"this review link expired at {utc_time(approval.expires_at)}; the workflow treats an "
            "undecided review as a rejection",
            code="approval_expired",
        )


def parse_decision(content_type: str, body: str) -> Decision:
    """A decision from an HTML form post (or the same fields as JSON)."""
    media_type = content_type.split(";", maxsplit=1)[0].strip().lower()
    if media_type == "application/x-www-form-urlencoded":
        fields = parse_qs(body, keep_blank_values=True, max_num_fields=10)
        decisions, comments = fields.get("decision", []), fields.get("comment", [])
        if len(decisions) > 1 or len(comments) > 1:
            raise BadRequestError(
                "give one decision and at most one comment", code="invalid_decision"
            )
        verb, comment = (decisions or [""])[0], (comments or [""])[0]
    elif media_type == "application/json":
        try:
            document = json.loads(body or "null")
        except ValueError:
            raise BadRequestError("the body is not valid JSON", code="invalid_decision") from None
        if not isinstance(document, dict):
            raise BadRequestError("the body must be a JSON object", code="invalid_decision")
        raw_verb, raw_comment = document.get("decision"), document.get("comment") or ""
        if not isinstance(raw_verb, str) or not isinstance(raw_comment, str):
            raise BadRequestError("decision and comment must be strings", code="invalid_decision")
        verb, comment = raw_verb, raw_comment
    else:
        raise UnsupportedMediaTypeError(
            "send the decision as application/x-www-form-urlencoded (the review page's form) "
            "or application/json",
            code="unsupported_media_type",
        )
    if verb not in _VERBS:
        raise BadRequestError("decision must be 'approve' or 'reject'", code="invalid_decision")
    comment = comment.strip()
    if len(comment) > MAX_COMMENT_CHARS:
        raise BadRequestError(
            f"the comment has {len(comment)} characters; at most {MAX_COMMENT_CHARS} are kept",
            code="invalid_decision",
        )
    return Decision(_VERBS[verb], comment)


def decide(
    dynamodb: DynamoDBClient,
    sfn: SFNClient,
    table: str,
    token: str,
    decision: Decision,
    *,
    now: float,
    decided_from: str,
) -> Approval:
    """Record `decision` once and resume the workflow with it; the approval as decided."""
    approval = find_approval(dynamodb, table, token)
    ensure_open(approval, now)
    decided_at = int(now)
    _record(dynamodb, table, approval, decision, decided_at=decided_at, decided_from=decided_from)
    name = approval_id(approval.token_hash)
    try:
        resume_workflow(sfn, approval.task_token, decision)
    except WorkflowNotWaitingError:
        _set_delivery(dynamodb, table, approval.token_hash, Delivery.WORKFLOW_NOT_WAITING)
        log.warning("workflow no longer waiting", extra={"approval_id": name})
        raise GoneError(
            f"your decision ({decision.word}) was recorded, but the workflow had stopped waiting "
            "for it (the review timed out or the run was stopped), so it changed nothing: the "
            "model was not deployed. Upload the data again to start a new review.",
            code="workflow_not_waiting",
        ) from None
    except WorkflowUnreachableError:
        _undo(dynamodb, table, approval.token_hash, decided_at)
        log.error("workflow unreachable; decision undone", extra={"approval_id": name})
        raise ServiceUnavailableError(
            "the workflow could not be reached, so nothing was recorded; try again in a minute",
            code="workflow_unavailable",
        ) from None
    _set_delivery(dynamodb, table, approval.token_hash, Delivery.DELIVERED)
    log.info("decision delivered", extra={"approval_id": name, "decision": decision.word})
    return _decided(approval, decision, decided_at, decided_from)


def resume_workflow(sfn: SFNClient, task_token: str, decision: Decision) -> None:
    """SendTaskSuccess / SendTaskFailure; errors reduced to two kinds, their messages dropped
    (a Step Functions error message may quote the token)."""
    try:
        if decision.status is Status.APPROVED:
            output = {"decision": decision.word, "comment": decision.comment}
            sfn.send_task_success(taskToken=task_token, output=json.dumps(output))
        else:
            cause = decision.comment or "rejected by the reviewer (no comment)"
            sfn.send_task_failure(taskToken=task_token, error=REJECTION_ERROR, cause=cause)
    except ClientError as exc:
        code = error_code(exc)
        if code in NOT_WAITING_CODES:
            raise WorkflowNotWaitingError(code) from None
        raise WorkflowUnreachableError(code) from None
    except (ConnectionError, HTTPClientError) as exc:
        raise WorkflowUnreachableError(type(exc).__name__) from None


def _record(
    dynamodb: DynamoDBClient,
    table: str,
    approval: Approval,
    decision: Decision,
    *,
    decided_at: int,
    decided_from: str,
) -> None:
    try:
        dynamodb.update_item(
            TableName=table,
            Key={"token_hash": {"S": approval.token_hash}},
            UpdateExpression=(
                "SET #status = :decided, decided_at = :at, #comment = :comment, "
                "delivery = :delivery, decided_from = :from"
            ),
            ConditionExpression="#status = :pending AND expires_at > :at",
            ExpressionAttributeNames={"#status": "status", "#comment": "comment"},
            ExpressionAttributeValues={
                ":decided": {"S": decision.status.value},
                ":pending": {"S": Status.PENDING.value},
                ":at": {"N": str(decided_at)},
                ":comment": {"S": decision.comment},
                ":delivery": {"S": Delivery.PENDING.value},
                ":from": {"S": decided_from},
            },
        )
    except ClientError as exc:
        if error_code(exc) != "ConditionalCheckFailedException":
            raise
        # Another request decided first, or the link expired meanwhile: say which.
        current = get_approval(dynamodb, table, approval.token_hash)
        if current is not None:
            ensure_open(current, decided_at)
        raise ConflictError(
            "a decision is being recorded for this link", code="already_decided"
        ) from None


def _set_delivery(
    dynamodb: DynamoDBClient, table: str, token_hash: str, delivery: Delivery
) -> None:
    dynamodb.update_item(
        TableName=table,
        Key={"token_hash": {"S": token_hash}},
        UpdateExpression="SET delivery = :delivery",
        ExpressionAttributeValues={":delivery": {"S": delivery.value}},
    )


def _undo(dynamodb: DynamoDBClient, table: str, token_hash: str, decided_at: int) -> None:
    dynamodb.update_item(
        TableName=table,
        Key={"token_hash": {"S": token_hash}},
        UpdateExpression=(
            "SET #status = :pending REMOVE decided_at, #comment, delivery, decided_from"
        ),
        ConditionExpression="decided_at = :at",
        ExpressionAttributeNames={"#status": "status", "#comment": "comment"},
        ExpressionAttributeValues={
            ":pending": {"S": Status.PENDING.value},
            ":at": {"N": str(decided_at)},
        },
    )


def _decided(approval: Approval, decision: Decision, at: int, decided_from: str) -> Approval:
    return replace(
        approval,
        status=decision.status,
        decided_at=at,
        comment=decision.comment,
        delivery=Delivery.DELIVERED,
        decided_from=decided_from,
    )
