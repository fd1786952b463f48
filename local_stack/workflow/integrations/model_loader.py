"""Loading an endpoint's model into the local endpoint server (local_stack.endpoint_server)."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

import requests

from local_stack.workflow.integrations.hosting import ModelLoadError


class NoEndpointServer:
    """Used when no endpoint server is configured: every endpoint fails to come up, saying why."""

    def load(self, endpoint_name: str, model_archive: Path, environment: Mapping[str, str]) -> None:
        raise ModelLoadError(
            "no local endpoint server is configured (start the executor with --endpoint-server-url)"
        )


class EndpointServerLoader:
    """Asks the endpoint server's admin route to (re)load an endpoint from a model.tar.gz."""

    def __init__(self, base_url: str, timeout_seconds: float = 120.0) -> None:
        self.base_url = base_url.rstrip("/")
        self.timeout_seconds = timeout_seconds

    def load(self, endpoint_name: str, model_archive: Path, environment: Mapping[str, str]) -> None:
        try:
            response = requests.put(
                f"{self.base_url}/_local/endpoints/{endpoint_name}",
                json={"model_data": str(model_archive), "environment": dict(environment)},
                timeout=self.timeout_seconds,
            )
        except requests.RequestException as exc:
            raise ModelLoadError(f"the endpoint server is unreachable: {exc}") from exc
        if response.status_code >= 400:
            raise ModelLoadError(f"HTTP {response.status_code}: {response.text[:500]}")
