"""What the workflow passes to the functions: shared payload parts and their validation.

Validation errors never echo the input (`hide_input_in_errors`): a payload can carry the task
token, and an error message ends up in logs, in the execution history and in the failure email.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from pydantic import BaseModel, ConfigDict, ValidationError


class InvalidPayloadError(ValueError):
    """The workflow sent a payload this function cannot act on (Step Functions sees this name)."""


class Payload(BaseModel):
    model_config = ConfigDict(extra="ignore", hide_input_in_errors=True, frozen=True)


class Source(Payload):
    bucket: str = ""
    key: str = ""
    etag: str = ""

    @property
    def uri(self) -> str:
        return f"s3://{self.bucket}/{self.key}" if self.bucket else "(not given)"


PayloadT = TypeVar("PayloadT", bound=Payload)


def validate_payload(model: type[PayloadT], event: Mapping[str, Any]) -> PayloadT:
    try:
        return model.model_validate(event)
    except ValidationError as exc:
        problems = "; ".join(
            f"{'.'.join(str(part) for part in error['loc']) or '(payload)'}: {error['msg']}"
            for error in exc.errors(include_url=False, include_input=False)
        )
        raise InvalidPayloadError(f"invalid {model.__name__} payload: {problems}") from None
