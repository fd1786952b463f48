"""The gateway as a WSGI application, and a threaded loopback server for it."""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from http import HTTPStatus
from typing import TYPE_CHECKING, Any

from werkzeug.serving import WSGIRequestHandler, make_server

from local_stack.api_gateway.events import (
    HttpRequest,
    HttpResponse,
    build_event,
    gateway_error,
    read_result,
)
from local_stack.api_gateway.routes import Route, find_route

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
        start_response(f"{response.status} {reason}", response.headers)
        return [response.body]


@contextmanager
def serve(app: Any, host: str = "127.0.0.1", port: int = 0) -> Iterator[str]:
    """Serve a WSGI app in a background thread; yields its base URL, stops on exit."""
    server = make_server(host, port, app, threaded=True, request_handler=_QuietRequestHandler)
    thread = threading.Thread(target=server.serve_forever, name="local-api-gateway", daemon=True)
    thread.start()
    try:
        yield f"http://{host}:{server.server_port}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


class _QuietRequestHandler(WSGIRequestHandler):
    """No access log of raw paths (werkzeug's default): GatewayApp logs route keys instead."""

    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        return


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
