"""The plain keep-alive transport: real sockets on loopback, botocore's exceptions on failure."""

from __future__ import annotations

import json
import socket
import ssl
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from botocore.awsrequest import AWSRequest
from botocore.exceptions import ConnectionClosedError, EndpointConnectionError
from botocore.httpsession import URLLib3Session
from botocore.session import Session

from jobs.ingest.batch_write import BatchWriteRecordSender
from jobs.ingest.connections import ThreadConnections, tls_context
from jobs.ingest.retries import RetryPolicy
from jobs.ingest.writer import SERVICE, WriterSettings, make_client

ANSWER = json.dumps({"Errors": [], "UnprocessedEntries": []}).encode()


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive
    server: Recorder

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers["Content-Length"]))
        self.server.seen.append((self.client_address[1], self.path, body))
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(ANSWER)))
        if self.server.close_each:
            self.send_header("Connection", "close")
        self.end_headers()
        self.wfile.write(ANSWER)

    def log_message(self, *args: Any) -> None:
        pass


class Recorder(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, close_each: bool) -> None:
        super().__init__(("127.0.0.1", 0), Handler)
        self.seen: list[tuple[int, str, bytes]] = []
        self.close_each = close_each


def serve(close_each: bool) -> Iterator[Recorder]:
    server = Recorder(close_each)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()
    thread.join(5)


@pytest.fixture
def server() -> Iterator[Recorder]:
    yield from serve(close_each=False)


@pytest.fixture
def closing_server() -> Iterator[Recorder]:
    yield from serve(close_each=True)


def url(server: Recorder) -> str:
    return f"http://127.0.0.1:{server.server_address[1]}"


def post(transport: ThreadConnections, endpoint: str, body: bytes) -> Any:
    request = AWSRequest("POST", f"{endpoint}/BatchWriteRecord?x=1", data=body).prepare()
    return transport.send(request)


def test_send_keeps_one_connection_alive_per_thread(server: Recorder) -> None:
    transport = ThreadConnections(url(server), connect_timeout=5, read_timeout=5)

    answers = [post(transport, url(server), b"%d" % n) for n in range(3)]
    other = threading.Thread(target=post, args=(transport, url(server), b"other"))
    other.start()
    other.join()
    transport.close()

    assert [(a.status_code, a.content) for a in answers] == [(200, ANSWER)] * 3
    assert answers[0].headers["content-type"] == "application/json"  # case-insensitive
    assert [(path, body) for _, path, body in server.seen[:3]] == [
        ("/BatchWriteRecord?x=1", b"0"),
        ("/BatchWriteRecord?x=1", b"1"),
        ("/BatchWriteRecord?x=1", b"2"),
    ]
    ports = [port for port, _, _ in server.seen]
    assert len(set(ports[:3])) == 1  # the same connection for one thread
    assert ports[3] != ports[0]  # another thread, another connection


def test_send_opens_a_new_connection_after_the_server_closed_one(closing_server: Recorder) -> None:
    transport = ThreadConnections(url(closing_server), connect_timeout=5, read_timeout=5)

    answers = [post(transport, url(closing_server), b"x") for _ in range(2)]
    transport.close()

    assert [a.status_code for a in answers] == [200, 200]
    assert len({port for port, _, _ in closing_server.seen}) == 2


def test_send_to_a_closed_port_is_a_botocore_connection_error_that_is_retried() -> None:
    with socket.socket() as probe:  # a port nothing listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    endpoint = f"http://127.0.0.1:{port}"
    transport = ThreadConnections(endpoint, connect_timeout=2, read_timeout=2)

    with pytest.raises(EndpointConnectionError) as raised:
        post(transport, endpoint, b"x")

    operation = Session().get_service_model(SERVICE).operation_model("BatchWriteRecord")
    assert RetryPolicy(operation, 3).call_delay(1, None, None, raised.value) is not None


def test_send_maps_a_dropped_connection_to_connection_closed_error() -> None:
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(1)
    endpoint = f"http://127.0.0.1:{listener.getsockname()[1]}"

    def accept_and_drop() -> None:
        connection, _ = listener.accept()
        connection.recv(65536)
        connection.close()

    dropper = threading.Thread(target=accept_and_drop)
    dropper.start()
    transport = ThreadConnections(endpoint, connect_timeout=2, read_timeout=2)
    try:
        with pytest.raises(ConnectionClosedError):
            post(transport, endpoint, b"x")
    finally:
        dropper.join(5)
        listener.close()


def test_tls_context_verifies_unless_told_not_to() -> None:
    assert tls_context(None).verify_mode == ssl.CERT_REQUIRED
    assert tls_context(None).check_hostname
    assert tls_context(False).verify_mode == ssl.CERT_NONE


def test_thread_connections_refuse_a_non_http_endpoint() -> None:
    with pytest.raises(ValueError, match="not an http"):
        ThreadConnections("ftp://example.com", connect_timeout=1, read_timeout=1)


@pytest.mark.parametrize(
    ("proxy", "transport"), [(None, ThreadConnections), ("http://proxy:3128", URLLib3Session)]
)
def test_sender_leaves_proxied_endpoints_to_botocore(
    monkeypatch: pytest.MonkeyPatch, proxy: str | None, transport: type
) -> None:
    for name in ("HTTPS_PROXY", "https_proxy", "NO_PROXY", "no_proxy"):
        monkeypatch.delenv(name, raising=False)
    if proxy is not None:
        monkeypatch.setenv("HTTPS_PROXY", proxy)
    session = Session()
    client = make_client(WriterSettings("g", region="eu-west-1"), session)

    sender = BatchWriteRecordSender(session, client, max_attempts=2, max_pool_connections=1)

    assert isinstance(sender._http, transport)
