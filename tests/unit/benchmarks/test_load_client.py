from __future__ import annotations

import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import ClassVar

import pytest

from benchmarks.load_client import parse_args, percentile, run_load


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    seen_headers: ClassVar[list[str]] = []

    def do_GET(self) -> None:
        _Handler.seen_headers.append(self.headers.get("Authorization", ""))
        status = 200 if self.path.startswith("/ok/") else 404
        body = b'{"ok": true}'
        self.send_response(status)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:
        return


@pytest.fixture
def small_server() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    server.server_close()


def test_percentile_is_the_nearest_rank() -> None:
    values = [float(v) for v in range(1, 101)]
    assert percentile(values, 0.5) == 50.0
    assert percentile(values, 0.99) == 99.0
    assert percentile(values, 1.0) == 100.0
    assert percentile([7.0], 0.99) == 7.0


def test_run_load_sends_every_request_with_the_headers(small_server: str) -> None:
    _Handler.seen_headers.clear()

    result = run_load(
        small_server,
        ["/ok/1", "/ok/2"],
        requests=101,
        concurrency=4,
        headers={"Authorization": "Bearer t"},
        warmup=4,
    )

    assert result["requests"] == 101
    assert result["statuses"] == {"200": 101}
    assert result["errors"] == 0
    assert len(_Handler.seen_headers) == 105
    assert set(_Handler.seen_headers) == {"Bearer t"}
    assert 0 < result["p50_ms"] <= result["p99_ms"] <= result["max_ms"]


def test_run_load_counts_non_200_answers_and_refused_connections_as_errors(
    small_server: str,
) -> None:
    result = run_load(small_server, ["/ok/1", "/missing/2"], requests=20, concurrency=2)
    assert result["errors"] == 10
    assert result["statuses"] == {"200": 10, "404": 10}
    assert "/missing/2: 404" in result["error_examples"][0]

    refused = run_load("http://127.0.0.1:9", ["/ok/1"], requests=3, concurrency=1)
    assert refused["errors"] == 3
    assert "200" not in refused["statuses"]


def test_parse_args_needs_an_id() -> None:
    with pytest.raises(SystemExit):
        parse_args(["--base-url", "http://x", "--path", "/features/{id}"])
