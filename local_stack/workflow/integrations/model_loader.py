"""Loading an endpoint's model into the local endpoint server (local_stack.endpoint_server)."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from local_stack.endpoint_server.client import EndpointAdminError, load_endpoint
from local_stack.workflow.integrations.hosting import ModelLoadError


class NoEndpointServer:
    """Used when no endpoint server is configured: every endpoint fails to come up, saying why."""

    def load(self, endpoint_name: str, model_archive: Path, environment: Mapping[str, str]) -> None:
        raise ModelLoadError(
            "no local endpoint server is configured (start the executor with --endpoint-server-url)"
        )


class EndpointServerLoader:
    """Creates or replaces the endpoint through the server's `PUT /_local/endpoints/{name}`."""

    def __init__(self, base_url: str, timeout_seconds: float = 120.0) -> None:
        self.base_url = base_url
        self.timeout_seconds = timeout_seconds

    def load(self, endpoint_name: str, model_archive: Path, environment: Mapping[str, str]) -> None:
        try:
            load_endpoint(
                self.base_url, endpoint_name, model_archive, environment, self.timeout_seconds
            )
        except EndpointAdminError as exc:
            raise ModelLoadError(exc.message) from exc
        except OSError as exc:  # URLError, refused connections, timeouts
            raise ModelLoadError(
                f"the endpoint server at {self.base_url} is unreachable: {exc}"
            ) from exc
