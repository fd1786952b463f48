"""A small client for the endpoint server's `/_local/` admin routes (standard library only)."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from collections.abc import Mapping
from pathlib import Path
from typing import Any
from urllib.parse import quote


class EndpointAdminError(RuntimeError):
    """The server refused an admin request; `status` and `code` say why (see `message`)."""

    def __init__(self, status: int, code: str, message: str, document: Mapping[str, Any]):
        super().__init__(f"{code} ({status}): {message}")
        self.status = status
        self.code = code
        self.message = message
        self.document = dict(document)


def load_endpoint(
    base_url: str,
    name: str,
    model_data: Path | str,
    environment: Mapping[str, str] | None = None,
    timeout: float = 120.0,
) -> dict[str, Any]:
    """Create or replace endpoint `name` with a model.tar.gz; raises EndpointAdminError (422 with
    code ModelLoadFailed when the model does not load; its message is the failure reason)."""
    body = {"model_data": str(model_data), "environment": dict(environment or {})}
    return _request(base_url, "PUT", f"/_local/endpoints/{quote(name, safe='')}", body, timeout)


def describe_endpoint(base_url: str, name: str, timeout: float = 10.0) -> dict[str, Any]:
    return _request(base_url, "GET", f"/_local/endpoints/{quote(name, safe='')}", None, timeout)


def list_endpoints(base_url: str, timeout: float = 10.0) -> list[dict[str, Any]]:
    endpoints: list[dict[str, Any]] = _request(base_url, "GET", "/_local/endpoints", None, timeout)[
        "endpoints"
    ]
    return endpoints


def remove_endpoint(base_url: str, name: str, timeout: float = 10.0) -> None:
    _request(base_url, "DELETE", f"/_local/endpoints/{quote(name, safe='')}", None, timeout)


def _request(
    base_url: str, method: str, path: str, body: Mapping[str, Any] | None, timeout: float
) -> dict[str, Any]:
    if not base_url.startswith(("http://", "https://")):
        raise ValueError(f"the endpoint server URL must be http(s)://..., got {base_url!r}")
    data = json.dumps(body).encode("utf-8") if body is not None else None
    request = urllib.request.Request(  # noqa: S310 (scheme checked above)
        base_url.rstrip("/") + path,
        data=data,
        method=method,
        headers={"Content-Type": "application/json"},
    )
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310
            payload = response.read()
    except urllib.error.HTTPError as error:
        document = _json(error.read())
        detail = document.get("error", {})
        raise EndpointAdminError(
            error.code, detail.get("code", "Error"), detail.get("message", str(error)), document
        ) from None
    return _json(payload)


def _json(payload: bytes) -> dict[str, Any]:
    if not payload:
        return {}
    document = json.loads(payload)
    return document if isinstance(document, dict) else {"value": document}
