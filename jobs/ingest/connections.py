"""Keep-alive HTTP(S) connections, one per thread, for requests the job has already signed.

botocore's `URLLib3Session` costs about 700 µs of CPU per request on top of `http.client`
(per-request proxy lookup, urllib3's pool manager and response wrappers); at 31,000 requests a
file that is most of the job's time. Where no proxy and no client certificate is configured for
the endpoint (the sender checks), this plain transport does the same work: one persistent
`http.client` connection per thread, TLS verified against the CA bundle botocore would use, the
client's connect and read timeouts, and socket or protocol failures raised as botocore's own
connection exceptions, so botocore's retry rules treat them as it would.
"""

from __future__ import annotations

import http.client
import socket
import ssl
import threading
import urllib.parse
from collections.abc import Iterator
from typing import Any, cast

from botocore.awsrequest import AWSPreparedRequest, AWSResponse
from botocore.compat import HTTPHeaders
from botocore.exceptions import (
    ConnectionClosedError,
    ConnectTimeoutError,
    EndpointConnectionError,
    ReadTimeoutError,
)
from botocore.httpsession import get_cert_path


class _Body:
    """The `raw` of an AWSResponse whose body has been read already."""

    def __init__(self, data: bytes) -> None:
        self._data = data

    def stream(self, **_: object) -> Iterator[bytes]:
        yield self._data


def tls_context(verify: bool | str | None) -> ssl.SSLContext:
    """Verification as botocore's session does it: its CA bundle, a given file, or none."""
    if verify is False:
        context = ssl.create_default_context()
        context.check_hostname = False
        context.verify_mode = ssl.CERT_NONE
        return context
    bundle: Any = True if verify is None else verify  # get_cert_path takes a path too
    return ssl.create_default_context(cafile=get_cert_path(bundle))


class ThreadConnections:
    """Sends prepared requests to one endpoint over one kept-alive connection per thread."""

    def __init__(
        self,
        endpoint_url: str,
        *,
        connect_timeout: float,
        read_timeout: float,
        verify: bool | str | None = None,
    ) -> None:
        url = urllib.parse.urlsplit(endpoint_url)
        if url.scheme not in ("http", "https") or not url.hostname:
            raise ValueError(f"cannot send to {endpoint_url!r}: not an http(s) URL")
        self.endpoint_url = endpoint_url
        self._host = url.hostname
        self._port = url.port
        self._tls = tls_context(verify) if url.scheme == "https" else None
        self._connect_timeout = connect_timeout
        self._read_timeout = read_timeout
        self._local = threading.local()
        self._all: list[http.client.HTTPConnection] = []
        self._lock = threading.Lock()

    def _connection(self) -> http.client.HTTPConnection:
        connection: http.client.HTTPConnection | None = getattr(self._local, "connection", None)
        if connection is None:
            if self._tls is None:
                connection = http.client.HTTPConnection(
                    self._host, self._port, timeout=self._connect_timeout
                )
            else:
                connection = http.client.HTTPSConnection(
                    self._host, self._port, timeout=self._connect_timeout, context=self._tls
                )
            self._local.connection = connection
            with self._lock:
                self._all.append(connection)
        if connection.sock is None:
            self._connect(connection)
        return connection

    def _connect(self, connection: http.client.HTTPConnection) -> None:
        try:
            connection.connect()
        except TimeoutError as error:
            raise ConnectTimeoutError(endpoint_url=self.endpoint_url, error=error) from error
        except OSError as error:
            raise EndpointConnectionError(endpoint_url=self.endpoint_url, error=error) from error
        assert connection.sock is not None
        connection.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        connection.sock.setsockopt(socket.SOL_SOCKET, socket.SO_KEEPALIVE, 1)
        connection.sock.settimeout(self._read_timeout)

    def send(self, request: AWSPreparedRequest) -> AWSResponse:
        """The response, body read; botocore's connection exceptions on failure."""
        connection = self._connection()
        url = urllib.parse.urlsplit(request.url)
        target = url.path + (f"?{url.query}" if url.query else "")
        try:
            body = cast(bytes | None, request.body)  # the sender's bodies are bytes
            connection.request(request.method, target, body, dict(request.headers.items()))
            response = connection.getresponse()
            data = response.read()
        except TimeoutError as error:
            connection.close()
            raise ReadTimeoutError(endpoint_url=self.endpoint_url, error=error) from error
        except (OSError, http.client.HTTPException) as error:
            connection.close()  # the next request opens a new connection
            raise ConnectionClosedError(endpoint_url=self.endpoint_url, error=error) from error
        if response.will_close:
            connection.close()
        headers = HTTPHeaders.from_pairs(response.getheaders())
        return AWSResponse(request.url, response.status, headers, _Body(data))

    def close(self) -> None:
        with self._lock:
            for connection in self._all:
                connection.close()
            self._all.clear()
