"""`python -m local_stack.endpoint_server --port P [--endpoint NAME=MODEL_TAR_GZ ...]`.

When the server is ready it prints one line, `endpoint server listening on http://HOST:PORT`, on
standard output (with `--port 0` that line tells the port it picked); logs go to standard error.
SIGTERM or Ctrl-C stops it and deletes the extracted models.
"""

from __future__ import annotations

import argparse
import logging
import signal
import sys
from collections.abc import Sequence
from pathlib import Path
from types import FrameType

from local_stack.endpoint_server.models import ModelLoadError
from local_stack.endpoint_server.registry import EndpointRegistry
from local_stack.endpoint_server.server import make_server

log = logging.getLogger("local_stack.endpoint_server")
READY_MESSAGE = "endpoint server listening on"


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m local_stack.endpoint_server", description=__doc__
    )
    parser.add_argument(
        "--host", default="127.0.0.1", help="address to bind (default: %(default)s)"
    )
    parser.add_argument(
        "--port",
        type=int,
        default=8080,
        help="port to bind, 0 for a free one (default: %(default)s)",
    )
    parser.add_argument(
        "--endpoint",
        action="append",
        default=[],
        type=_endpoint_spec,
        metavar="NAME=MODEL_TAR_GZ",
        help="an endpoint to load at start (repeatable)",
    )
    parser.add_argument(
        "--work-dir", type=Path, help="where models are extracted (default: a temporary folder)"
    )
    parser.add_argument(
        "--log-level", default="INFO", choices=["DEBUG", "INFO", "WARNING", "ERROR"]
    )
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    logging.basicConfig(
        level=args.log_level, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    registry = EndpointRegistry(args.work_dir)
    try:
        for name, tarball in args.endpoint:
            registry.put(name, tarball)
        server = make_server(args.host, args.port, registry)
    except (ModelLoadError, ValueError, OSError) as error:
        log.error("cannot start: %s", error)
        registry.close()
        return 1
    signal.signal(signal.SIGTERM, _stop)
    sys.stdout.write(f"{READY_MESSAGE} {server.url}\n")
    sys.stdout.flush()
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        log.info("stopping")
    finally:
        server.server_close()
        registry.close()
    return 0


def _stop(signum: int, frame: FrameType | None) -> None:
    raise KeyboardInterrupt


def _endpoint_spec(text: str) -> tuple[str, Path]:
    name, separator, path = text.partition("=")
    if not separator or not name or not path:
        raise argparse.ArgumentTypeError(f"expected NAME=MODEL_TAR_GZ, got {text!r}")
    return name, Path(path)
