"""The threaded HTTP server the local services are built on: the standard library's, with a listen
backlog that holds a burst of new connections."""

from __future__ import annotations

from http.server import ThreadingHTTPServer


class LocalHTTPServer(ThreadingHTTPServer):
    """A thread per connection, threads that never hold up exit, and a backlog of 128.

    The standard library listens with a backlog of 5. When more connections arrive at once than
    the accept loop has taken (8 load clients, 8 Lambda workers reconnecting), the kernel drops
    the extra SYNs, and clients resend them only after a second: a one-second request.
    """

    daemon_threads = True
    request_queue_size = 128
