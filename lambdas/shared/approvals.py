"""The approvals table: one item per review link (docs/design/interfaces.md, "approvals table").

The key is the SHA-256 of the link token; the Step Functions task token is stored (it is needed to
resume the workflow) but never returned by `repr`, logged or rendered.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass, field, fields
from decimal import Decimal
from enum import StrEnum
from functools import cache
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from boto3.dynamodb.types import TypeDeserializer, TypeSerializer
    from mypy_boto3_dynamodb import DynamoDBClient

RETENTION_SECONDS = 90 * 24 * 3600  # the item (the audit of who decided what) outlives the link


class Status(StrEnum):
    PENDING = "PENDING"
    APPROVED = "APPROVED"
    REJECTED = "REJECTED"


class Delivery(StrEnum):
    """Whether the workflow received a recorded decision."""

    PENDING = "pending"
    DELIVERED = "delivered"
    WORKFLOW_NOT_WAITING = "workflow_not_waiting"


@dataclass(frozen=True, slots=True)
class Approval:
    token_hash: str
    task_token: str = field(repr=False)
    execution_arn: str
    execution_name: str
    model_package_arn: str
    training_job_name: str
    metrics: dict[str, float]
    created_at: int
    expires_at: int
    evaluation_s3_uri: str
    report_s3_uri: str = ""
    confusion_matrix: list[list[int]] | None = None
    source: dict[str, str] = field(default_factory=dict)
    status: Status = Status.PENDING
    decided_at: int | None = None
    comment: str | None = None
    delivery: Delivery | None = None
    decided_from: str | None = None

    @property
    def ttl(self) -> int:
        return self.expires_at + RETENTION_SECONDS

    def is_expired(self, now: float) -> bool:
        return now >= self.expires_at


@cache
def _serializer() -> TypeSerializer:
    # Lazy: `boto3.dynamodb.types` imports boto3 and botocore's session (~300 ms), which a cold
    # start pays only when a request reads or writes an approval (lambdas/shared/aws.py).
    from boto3.dynamodb.types import TypeSerializer  # noqa: PLC0415

    return TypeSerializer()


@cache
def _deserializer() -> TypeDeserializer:
    from boto3.dynamodb.types import TypeDeserializer  # noqa: PLC0415 (lazy: see _serializer)

    return TypeDeserializer()


def to_item(approval: Approval) -> dict[str, Any]:
    values = {k: v for k, v in asdict(approval).items() if v is not None}
    values["metrics"] = {k: Decimal(repr(v)) for k, v in approval.metrics.items()}
    values["ttl"] = approval.ttl
    serializer = _serializer()
    return {k: serializer.serialize(v) for k, v in values.items()}


_FIELDS = frozenset(f.name for f in fields(Approval))


def from_item(item: Mapping[str, Any]) -> Approval:
    """The approval an item holds; attributes this version does not know (and `ttl`) are ignored."""
    deserializer = _deserializer()
    values = {k: _plain(deserializer.deserialize(v)) for k, v in item.items() if k in _FIELDS}
    values["status"] = Status(values["status"])
    if values.get("delivery") is not None:
        values["delivery"] = Delivery(values["delivery"])
    return Approval(**values)


def put_new_approval(dynamodb: DynamoDBClient, table: str, approval: Approval) -> None:
    dynamodb.put_item(
        TableName=table,
        Item=to_item(approval),
        ConditionExpression="attribute_not_exists(token_hash)",
    )


def get_approval(dynamodb: DynamoDBClient, table: str, token_hash: str) -> Approval | None:
    response = dynamodb.get_item(
        TableName=table, Key={"token_hash": {"S": token_hash}}, ConsistentRead=True
    )
    item = response.get("Item")
    return from_item(item) if item else None


def _plain(value: Any) -> Any:
    """DynamoDB numbers come back as Decimal: integers as int, the rest as float."""
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    return value
