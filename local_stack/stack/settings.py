"""What `mlops local up` is asked for: where its state lives, which ports, how fast waits pass,
and the values the local Terraform root is applied with."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from local_stack.service_process import REPO_ROOT
from local_stack.workflow.settings import LOCAL_CREDENTIALS

# Start order; `down` stops them the other way round.
COMPONENTS = ("emulator", "featurestore", "endpoints", "workflow", "api")
DEFAULT_PORTS: Mapping[str, int] = {
    "emulator": 4566,  # the AWS emulator (S3, EventBridge, SNS, DynamoDB, ... and the trigger)
    "featurestore": 4580,  # sagemaker-featurestore-runtime
    "endpoints": 4581,  # sagemaker-runtime (the model endpoints)
    "workflow": 4599,  # Step Functions (the workflow executor)
    "api": 8080,  # the HTTP API (local API gateway)
}
DESCRIPTIONS: Mapping[str, str] = {
    "emulator": "AWS emulator (moto + additions; S3, EventBridge trigger, SNS outbox, ...)",
    "featurestore": "Feature Store runtime (SQLite)",
    "endpoints": "SageMaker endpoint server",
    "workflow": "workflow executor (Step Functions API)",
    "api": "API gateway (HTTP API -> Lambda handlers)",
}
DEFAULT_STATE_DIR = Path(".local-stack")
# The fixed fake credentials of every local client (nothing here may reach a real account).
CREDENTIALS: Mapping[str, str] = LOCAL_CREDENTIALS


@dataclass(frozen=True)
class TerraformValues:
    """Variables of terraform/local that `up` sets (None: the root's default)."""

    approval_timeout_seconds: int | None = None
    quality_gate_min_roc_auc: float | None = None
    rf_n_estimators: int | None = None
    rf_max_depth: int | None = None
    rf_min_samples_leaf: float | None = None
    notification_emails: tuple[str, ...] | None = None

    def given(self) -> dict[str, Any]:
        """The values set (not None), by field name."""
        return {
            name: list(value) if isinstance(value, tuple) else value
            for name, value in vars(self).items()
            if value is not None
        }


JOB_VALUES = ("rf_n_estimators", "rf_max_depth", "rf_min_samples_leaf")


def terraform_variables(values: Mapping[str, Any]) -> dict[str, Any]:
    """TerraformValues fields (as `given()` returns them) as terraform/local's variables."""
    variables = {name: value for name, value in values.items() if name not in JOB_VALUES}
    jobs = {name: values[name] for name in JOB_VALUES if name in values}
    if jobs:
        variables["jobs"] = jobs
    return variables


@dataclass(frozen=True)
class StackSettings:
    state_dir: Path = DEFAULT_STATE_DIR
    # Requested port per component (0: a free one, chosen once and recorded in the state file).
    ports: Mapping[str, int] = field(default_factory=lambda: dict(DEFAULT_PORTS))
    host: str = "127.0.0.1"
    region: str = "eu-west-1"
    # Wait states and Retry delays of the workflow pass this many times faster (endpoint polling).
    speedup: float = 10.0
    terraform: TerraformValues = field(default_factory=TerraformValues)
    repo_root: Path = REPO_ROOT
    startup_timeout_seconds: float = 60.0
