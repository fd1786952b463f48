"""The functions' configuration: one object, built once from the environment at the edge.

Terraform sets these variables on each function (docs/design/interfaces.md section 7);
a function names the ones it needs with `require`, so a missing variable fails the first request
with a message naming it instead of a `KeyError` deep in the code.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, fields
from functools import cache

ENVIRONMENT_VARIABLES: dict[str, str] = {
    "approvals_table_name": "APPROVALS_TABLE_NAME",
    "idempotency_table_name": "IDEMPOTENCY_TABLE_NAME",
    "notification_topic_arn": "NOTIFICATION_TOPIC_ARN",
    "artifacts_bucket": "ARTIFACTS_BUCKET",
    "feature_group_name": "FEATURE_GROUP_NAME",
    "endpoint_name": "ENDPOINT_NAME",
}


class ConfigurationError(RuntimeError):
    """A setting the function needs is missing from its environment."""


@dataclass(frozen=True, slots=True)
class Settings:
    approvals_table_name: str = ""
    idempotency_table_name: str = ""
    notification_topic_arn: str = ""
    artifacts_bucket: str = ""
    feature_group_name: str = ""
    endpoint_name: str = ""

    @classmethod
    def from_env(cls, environ: Mapping[str, str]) -> Settings:
        return cls(
            **{f.name: environ.get(ENVIRONMENT_VARIABLES[f.name], "").strip() for f in fields(cls)}
        )

    def require(self, *names: str) -> Settings:
        """Self when every named setting is present; otherwise say which variables are missing."""
        unknown = [name for name in names if name not in ENVIRONMENT_VARIABLES]
        if unknown:
            raise ValueError(f"unknown settings {unknown}; known: {sorted(ENVIRONMENT_VARIABLES)}")
        missing = [ENVIRONMENT_VARIABLES[name] for name in names if not getattr(self, name)]
        if missing:
            raise ConfigurationError(
                f"environment variable(s) {', '.join(missing)} not set; "
                "the function's Terraform configuration provides them"
            )
        return self


@cache
def load_settings(*required: str) -> Settings:
    """The process-wide settings, read from `os.environ` once per set of required names."""
    return Settings.from_env(os.environ).require(*required)
