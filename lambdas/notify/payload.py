"""The payload the workflow sends (docs/design/interfaces.md section 4, `notify`).

Lenient on purpose beyond `kind` and `execution_arn`: this is the last word of a run, often a failed
one, and a missing detail must shorten the email, not lose it.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import Field

from lambdas.shared.workflow import Payload, Source


class StepError(Payload):
    error: str = Field(default="", alias="Error")
    cause: str = Field(default="", alias="Cause")


class Notification(Payload):
    kind: Literal["live", "rejected", "failed"]
    execution_arn: str = Field(min_length=1)
    execution_name: str = ""
    source: Source = Field(default_factory=Source)
    api_base_url: str = ""
    endpoint_name: str = ""
    model_package_arn: str = ""
    reason: Literal["quality_gate", "reviewer", "timeout"] | None = None
    quality_gate_min_roc_auc: float | None = None
    metrics: dict[str, Any] = Field(default_factory=dict)
    errors: dict[str, StepError] = Field(default_factory=dict)
