"""Settings of the workflow executor: where the emulator and the other local services are, where
jobs run, and how much faster than real time waits pass."""

from __future__ import annotations

import sys
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]
LOCAL_CREDENTIALS = {"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing"}


@dataclass(frozen=True)
class ExecutorSettings:
    emulator_url: str
    work_dir: Path
    region: str = "us-east-1"
    # Wait states and Retry delays last 1/speedup of their real time (task timeouts do not).
    speedup: float = 1.0
    # The executor's own URL: Lambdas and jobs call SendTask* and friends there.
    sfn_url: str | None = None
    # Endpoint variables for the other local services (AWS_ENDPOINT_URL_SAGEMAKER_RUNTIME, ...).
    endpoints: Mapping[str, str] = field(default_factory=dict)
    # Base URL of the local endpoint server's admin routes; None: endpoints cannot come up.
    endpoint_server_url: str | None = None
    code_root: Path = REPO_ROOT
    python: str = sys.executable
    # Each function's output goes to <folder>/<function name>.log; None: the executor's log.
    function_log_dir: Path | None = None

    def service_env(self) -> dict[str, str]:
        """What jobs and Lambda handlers get so boto3 reaches the local stack, not AWS."""
        env = {
            **LOCAL_CREDENTIALS,
            "AWS_REGION": self.region,
            "AWS_DEFAULT_REGION": self.region,
            "AWS_ENDPOINT_URL": self.emulator_url,
        }
        if self.sfn_url:
            env["AWS_ENDPOINT_URL_SFN"] = self.sfn_url
        env.update(self.endpoints)
        return env
