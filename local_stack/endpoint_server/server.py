"""The HTTP server: InvokeEndpoint, the container's `/ping`, and the `/_local/` admin routes.

Routes
- `POST /endpoints/{name}/invocations`  InvokeEndpoint (protocol.py)
- `GET  /ping`                          200 while the server runs (the container's health check)
- `GET  /_local/endpoints`              every endpoint: name, status, model data, environment
- `GET  /_local/endpoints/{name}`       one endpoint (404 when unknown)
- `PUT  /_local/endpoints/{name}`       body `{"model_data": "/path/model.tar.gz",
                                        "environment": {"MODEL_VERSION": "..."}}`: create or
                                        atomically replace; 200 with the endpoint, or 422 with
                                        the load error (`{"error": {"code", "message"}}`)
- `DELETE /_local/endpoints/{name}`     remove (204; 404 when unknown)

HTTP/1.1 with keep-alive and TCP_NODELAY: a client that reuses its connection (boto3 does) pays
no connection set-up or Nagle delay per request.
"""

from __future__ import annotations

import json
import logging
import re
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

from local_stack.endpoint_server import protocol
from local_stack.endpoint_server.models import ModelLoadError
from local_stack.endpoint_server.registry import IN_SERVICE, EndpointRegistry
from local_stack.http_server import LocalHTTPServer

log = logging.getLogger(__name__)

INVOCATIONS = re.compile(r"^/endpoints/([^/]+)/invocations$")
ADMIN_ENDPOINT = re.compile(r"^/_local/endpoints/([^/]+)$")
ADMIN_ENDPOINTS = "/_local/endpoints"
MAX_ADMIN_BODY_BYTES = 64 * 1024


class EndpointServer(LocalHTTPServer):
    block_on_close = False

    def __init__(self, address: tuple[str, int], registry: EndpointRegistry) -> None:
        super().__init__(address, EndpointRequestHandler)
        self.registry = registry

    @property
    def url(self) -> str:
        host, port = self.server_address[:2]
        return f"http://{host!s}:{port}"


class EndpointRequestHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True
    server: EndpointServer

    def do_POST(self) -> None:
        match = INVOCATIONS.match(self._path())
        if match:
            try:
                response = self._invoke(unquote(match.group(1)))
            except Exception as error:  # a bug here must still answer, as the service would
                log.exception("invocation failed")
                response = protocol.service_error("InternalFailure", 500, str(error))
            self._send(response)
        else:
            self._discard_body()
            self._send_json(HTTPStatus.NOT_FOUND, _error("NotFound", f"no route POST {self.path}"))

    def do_GET(self) -> None:
        path = self._path()
        registry = self.server.registry
        if path == "/ping":
            self._send(protocol.WireResponse(200, b"", {"Content-Type": "text/plain"}))
        elif path == ADMIN_ENDPOINTS:
            endpoints = [endpoint.describe() for endpoint in registry.list()]
            self._send_json(HTTPStatus.OK, {"endpoints": endpoints})
        elif match := ADMIN_ENDPOINT.match(path):
            endpoint = registry.get(unquote(match.group(1)))
            if endpoint is None:
                self._send_json(HTTPStatus.NOT_FOUND, _unknown_endpoint(match.group(1)))
            else:
                self._send_json(HTTPStatus.OK, endpoint.describe())
        else:
            self._send_json(HTTPStatus.NOT_FOUND, _error("NotFound", f"no route GET {self.path}"))

    def do_PUT(self) -> None:
        match = ADMIN_ENDPOINT.match(self._path())
        body = self._read_body(MAX_ADMIN_BODY_BYTES)
        if not match:
            self._send_json(HTTPStatus.NOT_FOUND, _error("NotFound", f"no route PUT {self.path}"))
            return
        if body is None:
            self._send_json(
                HTTPStatus.REQUEST_ENTITY_TOO_LARGE, _error("TooLarge", "body too large")
            )
            return
        name = unquote(match.group(1))
        try:
            model_data, environment = _parse_load_request(body)
            endpoint = self.server.registry.put(name, model_data, environment)
        except ValueError as error:  # bad request body or endpoint name
            self._send_json(HTTPStatus.BAD_REQUEST, _error("BadRequest", str(error)))
        except ModelLoadError as error:
            current = self.server.registry.get(name)
            document = _error("ModelLoadFailed", str(error))
            if current is not None:
                document["endpoint"] = current.describe()
            self._send_json(HTTPStatus.UNPROCESSABLE_ENTITY, document)
        else:
            self._send_json(HTTPStatus.OK, endpoint.describe())

    def do_DELETE(self) -> None:
        self._discard_body()
        match = ADMIN_ENDPOINT.match(self._path())
        if not match:
            self._send_json(
                HTTPStatus.NOT_FOUND, _error("NotFound", f"no route DELETE {self.path}")
            )
        elif self.server.registry.remove(unquote(match.group(1))):
            self._send(protocol.WireResponse(HTTPStatus.NO_CONTENT, b""))
        else:
            self._send_json(HTTPStatus.NOT_FOUND, _unknown_endpoint(match.group(1)))

    def _invoke(self, name: str) -> protocol.WireResponse:
        body = self._read_body(protocol.MAX_PAYLOAD_BYTES)
        if body is None:
            return protocol.validation_error(
                f"Request payload exceeds the limit of {protocol.MAX_PAYLOAD_BYTES} bytes."
            )
        endpoint = self.server.registry.get(name)
        if endpoint is None:
            return protocol.endpoint_not_found(name)
        if endpoint.status != IN_SERVICE or endpoint.model is None:
            return protocol.validation_error(
                f"Endpoint {name} of account {protocol.LOCAL_ACCOUNT_ID} is not in service "
                f"(status {endpoint.status}): {endpoint.failure_reason}"
            )
        answer = endpoint.model.invoke(
            body, self.headers.get("Content-Type"), self.headers.get("Accept")
        )
        if answer.ok:
            return protocol.invocation_success(answer.body, answer.content_type)
        return protocol.model_error(name, answer.status, answer.body.decode("utf-8", "replace"))

    def _path(self) -> str:
        return urlsplit(self.path).path

    def _read_body(self, limit: int) -> bytes | None:
        """The request body, or None (after draining it) when it is longer than `limit`."""
        length = int(self.headers.get("Content-Length") or 0)
        if length > limit:
            self._drain(length)
            return None
        return self.rfile.read(length) if length else b""

    def _discard_body(self) -> None:
        self._drain(int(self.headers.get("Content-Length") or 0))

    def _drain(self, length: int) -> None:
        while length > 0:
            chunk = self.rfile.read(min(length, 65536))
            if not chunk:
                break
            length -= len(chunk)

    def _send_json(self, status: int, document: Any) -> None:
        body = json.dumps(document).encode("utf-8")
        self._send(
            protocol.WireResponse(status, body, {"Content-Type": protocol.JSON_CONTENT_TYPE})
        )

    def _send(self, response: protocol.WireResponse) -> None:
        # One write for status line, headers and body: no small-packet stalls on keep-alive.
        lines = [f"{self.protocol_version} {response.status} {_reason(response.status)}"]
        headers = {
            "x-amzn-RequestId": protocol.request_id(),
            **response.headers,
            "Content-Length": str(len(response.body)),
        }
        lines.extend(f"{key}: {value}" for key, value in headers.items())
        if self.close_connection:
            lines.append("Connection: close")
        head = ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")
        self.wfile.write(head + response.body)
        self.log_request(response.status, len(response.body))

    def log_message(self, format: str, *args: Any) -> None:
        log.debug("%s %s", self.address_string(), format % args)


def make_server(host: str, port: int, registry: EndpointRegistry) -> EndpointServer:
    """Bind (port 0 picks a free one; read it from `server.server_address`)."""
    return EndpointServer((host, port), registry)


def _parse_load_request(body: bytes) -> tuple[Path, dict[str, str]]:
    try:
        document = json.loads(body or b"null")
    except json.JSONDecodeError as error:
        raise ValueError(f"the body is not valid JSON: {error}") from None
    if not isinstance(document, dict) or not isinstance(document.get("model_data"), str):
        raise ValueError(
            'send {"model_data": "/path/to/model.tar.gz", "environment": {"NAME": "value"}}'
        )
    environment = document.get("environment") or {}
    if not isinstance(environment, dict) or not all(
        isinstance(key, str) and isinstance(value, str) for key, value in environment.items()
    ):
        raise ValueError("environment must be an object of string values")
    model_data = document["model_data"].removeprefix("file://")
    return Path(model_data), environment


def _error(code: str, message: str) -> dict[str, Any]:
    return {"error": {"code": code, "message": message}}


def _unknown_endpoint(name: str) -> dict[str, Any]:
    return _error("NotFound", f"no endpoint named {unquote(name)}")


def _reason(status: int) -> str:
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return ""
