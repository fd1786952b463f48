"""The payload the workflow sends (docs/design/interfaces.md section 4, `approval_request`)."""

from __future__ import annotations

from typing import Any

from pydantic import Field, SecretStr, field_validator

from lambdas.shared.resource_names import parse_s3_uri
from lambdas.shared.workflow import Payload, Source

MAX_EXPIRY_SECONDS = 366 * 24 * 3600  # a Step Functions task cannot wait longer than a year


class ApprovalRequest(Payload):
    task_token: SecretStr = Field(min_length=1)
    execution_arn: str = Field(min_length=1)
    # Part of S3 keys (runs/<exec>/review/); Step Functions execution names fit this pattern.
    execution_name: str = Field(pattern=r"^[A-Za-z0-9._-]{1,80}$")
    model_package_arn: str = Field(min_length=1)
    training_job_name: str = ""
    evaluation_s3_uri: str
    model_data_url: str = ""
    metrics: dict[str, Any] = Field(default_factory=dict)  # non-numbers are ignored
    source: Source = Field(default_factory=Source)
    api_base_url: str = Field(pattern=r"^https?://[^\s/?#]+(/[^\s?#]*)?$")
    expires_in_seconds: int = Field(ge=1, le=MAX_EXPIRY_SECONDS)

    @field_validator("evaluation_s3_uri")
    @classmethod
    def _s3_uri(cls, value: str) -> str:
        parse_s3_uri(value)
        return value
