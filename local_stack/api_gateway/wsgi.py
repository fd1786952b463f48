"""The gateway (also a WSGI application), and a threaded keep-alive loopback server for it."""

from __future__ import annotations

import logging
import socket
import threading
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler
from typing import TYPE_CHECKING, Any

from local_stack.api_gateway.events import (
    HttpRequest,
    HttpResponse,
    build_event,
    gateway_error,
    read_result,
)
from local_stack.api_gateway.routes import Route, find_route
from local_stack.http_server import LocalHTTPServer

if TYPE_CHECKING:
    from _typeshed.wsgi import StartResponse, WSGIEnvironment

log = logging.getLogger(__name__)


class GatewayApp:
    """Routes each request to its function, as API Gateway does with payload format 2.0."""

    def __init__(self, routes: Iterable[Route], *, stage: str = "$default") -> None:
        self.routes = list(routes)
        self.stage = stage

    def handle(self, request: HttpRequest) -> HttpResponse:
        path = request.raw_path.split("?", 1)[0]
        found = find_route(self.routes, request.method, path)
        if found is None:
            return gateway_error(404, "Not Found")
        route, params = found
        event = build_event(request, route_key=route.key, path_parameters=params, stage=self.stage)
        try:
            result = route.invoke(event)
        except Exception:
            log.exception("function for %s failed", route.key)
            return gateway_error(500, "Internal Server Error")
        response = read_result(result)
        # The route key, not the path: a path can carry a capability (the approval link).
        log.info("%s -> %d", route.key, response.status)
        return response

    def __call__(self, environ: WSGIEnvironment, start_response: StartResponse) -> list[bytes]:
        response = self.handle(_request_from(environ))
        try:
            reason = HTTPStatus(response.status).phrase
        except ValueError:
            reason = "Unknown"
        headers = response.headers
        if not any(name.lower() == "content-length" for name, _ in headers):
            # A known length lets HTTP/1.1 clients keep the connection open (no chunking).
            headers = [*headers, ("Content-Length", str(len(response.body)))]
        start_response(f"{response.status} {reason}", headers)
        return [response.body]


@contextmanager
def serve(app: GatewayApp, host: str = "127.0.0.1", port: int = 0) -> Iterator[str]:
    """Serve the gateway in a background thread; yields its base URL, stops on exit.

    HTTP/1.1 with keep-alive, one thread per connection, no Nagle delay: a client reusing its
    connection pays for the function, not for the server.
    """
    server = LocalHTTPServer((host, port), _GatewayRequestHandler)
    server.app = app  # type: ignore[attr-defined]
    thread = threading.Thread(target=server.serve_forever, name="local-api-gateway", daemon=True)
    thread.start()
    try:
        yield f"http://{host}:{server.server_port}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


class _GatewayRequestHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def setup(self) -> None:
        super().setup()
        self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def handle_any(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length > 0 else b""
        raw_path, _, raw_query = self.path.partition("?")
        request = HttpRequest(
            method=self.command,
            raw_path=raw_path,
            raw_query=raw_query,
            headers=list(self.headers.items()),
            body=body,
            source_ip=self.client_address[0],
        )
        app: GatewayApp = self.server.app  # type: ignore[attr-defined]
        response = app.handle(request)
        self.send_response(response.status)
        for name, value in response.headers:
            self.send_header(name, value)
        if not any(name.lower() == "content-length" for name, _ in response.headers):
            self.send_header("Content-Length", str(len(response.body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(response.body)

    do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = do_HEAD = do_OPTIONS = handle_any  # noqa: N815 (http.server's names)

    def log_message(self, format: str, *args: Any) -> None:
        """No access log of raw paths: GatewayApp logs route keys instead (a path can carry the
        approval link's capability)."""


def _request_from(environ: WSGIEnvironment) -> HttpRequest:
    raw_uri = environ.get("RAW_URI") or environ.get("REQUEST_URI") or environ.get("PATH_INFO", "/")
    raw_path = raw_uri.split("?", 1)[0]
    length = int(environ.get("CONTENT_LENGTH") or 0)
    body = environ["wsgi.input"].read(length) if length > 0 else b""
    headers = [
        (name[5:].replace("_", "-").lower(), value)
        for name, value in environ.items()
        if name.startswith("HTTP_")
    ]
    for name in ("CONTENT_TYPE", "CONTENT_LENGTH"):
        if environ.get(name):
            headers.append((name.replace("_", "-").lower(), environ[name]))
    return HttpRequest(
        method=environ["REQUEST_METHOD"],
        raw_path=raw_path,
        raw_query=environ.get("QUERY_STRING", ""),
        headers=headers,
        body=body,
        source_ip=environ.get("REMOTE_ADDR", "127.0.0.1"),
    )
