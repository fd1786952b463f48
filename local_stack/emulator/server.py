"""Command line of the emulator: apply the additions, then serve moto's dispatcher application."""

from __future__ import annotations

import argparse
import logging
from collections.abc import Sequence

from moto.moto_server.werkzeug_app import (
    DomainDispatcherApplication,
    MotoRequestHandler,
    create_backend_app,
)
from werkzeug.serving import run_simple

from local_stack.emulator.additions import install_additions

LOGGER = logging.getLogger(__name__)


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m local_stack.emulator",
        description="Local AWS emulator (moto server + the additions Terraform needs).",
    )
    parser.add_argument("--host", default="127.0.0.1", help="address to bind (default: loopback)")
    parser.add_argument("--port", type=int, default=4566, help="port to listen on (default 4566)")
    parser.add_argument("-v", "--verbose", action="store_true", help="log every request")
    args = parser.parse_args(argv)
    if not 0 < args.port < 65536:
        parser.error(f"--port must be between 1 and 65535, got {args.port}")
    return args


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    logging.basicConfig(
        level=logging.DEBUG if args.verbose else logging.INFO,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    if not args.verbose:
        logging.getLogger("werkzeug").setLevel(logging.WARNING)

    installed = install_additions()
    LOGGER.info("emulator additions: %s", ", ".join(installed))
    app = DomainDispatcherApplication(create_backend_app)
    LOGGER.info("AWS emulator listening on http://%s:%d", args.host, args.port)
    run_simple(
        args.host,
        args.port,
        app,
        threaded=True,
        request_handler=MotoRequestHandler,
    )
    return 0
