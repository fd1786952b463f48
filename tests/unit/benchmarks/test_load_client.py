from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import ClassVar

import pytest

from benchmarks.load_client import Schedule, parse_args, percentile, run_load


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


def _serve(handler: type[BaseHTTPRequestHandler]) -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    server.server_close()


@pytest.fixture
def small_server() -> Iterator[str]:
    yield from _serve(_Handler)


class _SlowHandler(_Handler):
    def do_GET(self) -> None:
        time.sleep(0.1)
        super().do_GET()


@pytest.fixture
def slow_server() -> Iterator[str]:
    yield from _serve(_SlowHandler)


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


def test_run_load_at_a_rate_keeps_to_the_schedule(small_server: str) -> None:
    result = run_load(small_server, ["/ok/1"], requests=40, concurrency=2, rate=200.0)
    assert result["statuses"] == {"200": 40}
    assert result["rate_per_second"] == 200.0
    # The last request is due 39 / 200 s after the start: the run cannot end sooner.
    assert result["wall_seconds"] >= 39 / 200


def test_schedule_spreads_the_clients_over_the_rate() -> None:
    due = sorted(
        Schedule(100.0, 4, index).send_time(0.0, k) for index in range(4) for k in range(3)
    )
    assert due == pytest.approx([n / 100 for n in range(12)])


def test_a_late_answer_counts_from_when_the_request_was_due(slow_server: str) -> None:
    # One client, 20 requests per second, a server that answers in 0.1 s: each request is due
    # 50 ms after the last but cannot start before the last answer, so the delay accumulates.
    result = run_load(slow_server, ["/ok/1"], requests=5, concurrency=1, rate=20.0)
    assert result["max_ms"] >= 5 * 100 - 4 * 50 - 20  # the fifth: due at 200 ms, done at ~500 ms
    assert result["p50_ms"] > 100


def test_parse_args_refuses_a_rate_that_is_not_positive() -> None:
    with pytest.raises(SystemExit):
        parse_args(["--base-url", "http://x", "--path", "/f/{id}", "--id", "1", "--rate", "0"])
