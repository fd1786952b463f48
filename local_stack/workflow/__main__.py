"""`python -m local_stack.workflow`: the workflow executor as a process on a loopback port."""

from __future__ import annotations

import argparse
import json
import logging
import signal
import sys
import threading
from collections.abc import Sequence
from pathlib import Path
from types import FrameType

from local_stack.service_process import add_endpoint_argument
from local_stack.workflow.server import ExecutorServer
from local_stack.workflow.settings import ExecutorSettings


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m local_stack.workflow",
        description="Run state machines deployed in the AWS emulator; serve Step Functions' API.",
    )
    parser.add_argument("--emulator-url", required=True, help="the AWS emulator (moto server) URL")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=0, help="0 picks a free port")
    parser.add_argument("--region", default="us-east-1")
    parser.add_argument("--work-dir", type=Path, default=Path(".local-stack/workflow"))
    parser.add_argument(
        "--speedup",
        type=float,
        default=1.0,
        help="Wait states and Retry delays pass this much faster",
    )
    parser.add_argument("--endpoint-server-url", help="local endpoint server (admin routes)")
    parser.add_argument(
        "--function-log-dir",
        type=Path,
        help="each function's output goes to <dir>/<function name>.log (default: this log)",
    )
    add_endpoint_argument(parser, "jobs and Lambdas")
    parser.add_argument("-v", "--verbose", action="store_true")
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    logging.basicConfig(
        level=logging.DEBUG if args.verbose else logging.INFO,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    settings = ExecutorSettings(
        emulator_url=args.emulator_url,
        work_dir=args.work_dir.resolve(),
        region=args.region,
        speedup=args.speedup,
        endpoints=dict(args.endpoint),
        endpoint_server_url=args.endpoint_server_url,
        function_log_dir=args.function_log_dir.resolve() if args.function_log_dir else None,
    )
    server = ExecutorServer(settings, host=args.host, port=args.port).start()
    stopped = threading.Event()

    def stop(signum: int, frame: FrameType | None) -> None:
        stopped.set()

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    # One line for whoever started the process (mlops local up) to read the URL from.
    print(json.dumps({"service": "workflow", "url": server.url}), flush=True)  # noqa: T201
    stopped.wait()
    server.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
