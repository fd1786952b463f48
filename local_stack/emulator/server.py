"""Command line of the emulator: apply the additions, then serve moto's dispatcher application.

When it listens it prints one line on standard output, `{"service": "emulator", "url": ...}`
(see local_stack.service_process), and it stops cleanly on SIGTERM.
"""

from __future__ import annotations

import argparse
import json
import logging
import signal
import sys
from collections.abc import Sequence
from pathlib import Path
from types import FrameType

from moto.moto_server.werkzeug_app import (
    DomainDispatcherApplication,
    MotoRequestHandler,
    create_backend_app,
)
from werkzeug.serving import make_server

from local_stack.emulator.additions import configure, install_additions

LOGGER = logging.getLogger(__name__)


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m local_stack.emulator",
        description="Local AWS emulator (moto server + the additions Terraform needs).",
    )
    parser.add_argument("--host", default="127.0.0.1", help="address to bind (default: loopback)")
    parser.add_argument(
        "--port", type=int, default=4566, help="port to listen on (default 4566; 0: a free one)"
    )
    parser.add_argument("--region", default="eu-west-1", help="region of the local deployment")
    parser.add_argument(
        "--outbox-dir",
        type=Path,
        help="write every email SNS sends to this folder, one .eml file per message",
    )
    parser.add_argument(
        "--stepfunctions-endpoint",
        help="start the executions of EventBridge's Step Functions targets on this Step Functions"
        " API (the local workflow executor); default: in the emulator's own Step Functions",
    )
    parser.add_argument("-v", "--verbose", action="store_true", help="log every request")
    args = parser.parse_args(argv)
    if not 0 <= args.port < 65536:
        parser.error(f"--port must be between 0 and 65535, got {args.port}")
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
    configure(
        outbox_dir=args.outbox_dir.resolve() if args.outbox_dir else None,
        stepfunctions_endpoint=args.stepfunctions_endpoint,
        region=args.region,
    )
    LOGGER.info("emulator additions: %s", ", ".join(installed))
    app = DomainDispatcherApplication(create_backend_app)
    server = make_server(
        args.host, args.port, app, threaded=True, request_handler=MotoRequestHandler
    )

    def stop(signum: int, frame: FrameType | None) -> None:
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, stop)
    url = f"http://{args.host}:{server.server_port}"
    LOGGER.info("AWS emulator listening on %s", url)
    print(json.dumps({"service": "emulator", "url": url}), flush=True)  # noqa: T201 (ready line)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        LOGGER.info("stopping")
    finally:
        server.server_close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
