"""Lazily created, process-wide boto3 clients with short timeouts.

Clients are made on first use (not at import) so a cold start pays only for what a request needs,
and so tests can start their mocks first. `reset_clients()` drops them (tests, local runs).
Endpoints come from boto3's own environment (`AWS_ENDPOINT_URL_<SERVICE>`), which is how the local
stack points the same code at its emulators.
"""

from __future__ import annotations

from functools import cache
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from botocore.config import Config

# An API request has 30 s at API Gateway; a serverless endpoint's cold start may take most of it.
_TIMEOUTS: dict[str, tuple[float, float]] = {"sagemaker-runtime": (2.0, 25.0)}
_DEFAULT_TIMEOUTS = (2.0, 5.0)
MAX_ATTEMPTS = 3


def client_config(service: str) -> Config:
    from botocore.config import Config  # noqa: PLC0415 (lazy: see the module docstring)

    connect, read = _TIMEOUTS.get(service, _DEFAULT_TIMEOUTS)
    return Config(
        connect_timeout=connect,
        read_timeout=read,
        retries={"mode": "standard", "max_attempts": MAX_ATTEMPTS},
    )


@cache
def _session() -> Any:
    # One session: each new session would parse botocore's endpoint and model files again.
    import boto3  # noqa: PLC0415 (lazy: see the module docstring)

    return boto3.session.Session()


@cache
def client(service: str) -> Any:
    return _session().client(service, config=client_config(service))


def reset_clients() -> None:
    client.cache_clear()
    _session.cache_clear()


def error_code(exc: BaseException) -> str:
    """The AWS error code of a botocore ClientError, '' for anything else."""
    response = getattr(exc, "response", None)
    if not isinstance(response, dict):
        return ""
    return str(response.get("Error", {}).get("Code", ""))
