"""The local services' HTTP server takes a burst of new connections without dropping any."""

from __future__ import annotations

import socket
from http.server import BaseHTTPRequestHandler

from local_stack.http_server import LocalHTTPServer

BURST = 32


def test_a_burst_of_connections_is_queued_even_before_the_server_accepts_any() -> None:
    server = LocalHTTPServer(("127.0.0.1", 0), BaseHTTPRequestHandler)  # not serving yet
    connections: list[socket.socket] = []
    try:
        for _ in range(BURST):
            connection = socket.socket()
            connections.append(connection)
            # The kernel completes the handshake while the backlog has room. With the standard
            # library's backlog of 5 the 7th SYN is dropped and this connect would time out (the
            # client resends a dropped SYN only after a second).
            connection.settimeout(0.5)
            connection.connect(server.server_address)
    finally:
        for connection in connections:
            connection.close()
        server.server_close()
    assert len(connections) == BURST
