"""Serve Lambda handlers behind a local API Gateway (HTTP API, payload format 2.0).

Handlers in this process, one --route each:
    python -m local_stack.api_gateway --port 8080 \\
        --route "GET /features/{id}=lambdas.features_api.handler:handler"

The API Terraform deployed in the emulator, each function run by the Lambda runner with its
configured environment plus the local endpoints (what `mlops local up` starts):
    python -m local_stack.api_gateway --port 8080 --emulator-url http://127.0.0.1:4566 \\
        --api-id abc123 --token-file .local-stack/api-token \\
        --endpoint AWS_ENDPOINT_URL_SFN=http://127.0.0.1:4599 ...

When it listens it prints one line, `{"service": "api_gateway", "url": ...}`.
"""

from __future__ import annotations

import argparse
import importlib
import json
import logging
import signal
import sys
import threading
from collections.abc import Sequence
from pathlib import Path
from types import FrameType

from local_stack.api_gateway import GatewayApp, Route, in_process, serve
from local_stack.api_gateway.deployed import deployed_gateway, read_routes
from local_stack.lambda_runner import LambdaRunner
from local_stack.service_process import REPO_ROOT, add_endpoint_argument
from local_stack.workflow.clients import EmulatorClients
from local_stack.workflow.settings import LOCAL_CREDENTIALS

log = logging.getLogger("local_stack.api_gateway")
# Deployed functions' configurations are read again, in the background, this often.
CONFIGURATION_TTL_SECONDS = 2.0
# Warm execution environments per function serving requests at the same time (Lambda scales out):
# as many as the concurrent clients the API is sized for, so none queues behind a slow request.
MAX_CONCURRENCY = 8
# No X-Ray daemon runs locally: the tracer's segments would be built, then discarded with a log
# line each, on every request.
LOCAL_FUNCTION_ENV = {"POWERTOOLS_TRACE_DISABLED": "true"}


def parse_route(spec: str) -> Route:
    key, sep, target = spec.rpartition("=")
    module_name, colon, attribute = target.partition(":")
    if not sep or not colon:
        raise argparse.ArgumentTypeError(f"expected 'METHOD /path=module:function', got {spec!r}")
    handler = getattr(importlib.import_module(module_name), attribute)
    return Route(key.strip(), in_process(handler, function_name=module_name.split(".")[-2]))


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m local_stack.api_gateway",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8080, help="0 picks a free port")
    source = parser.add_mutually_exclusive_group(required=True)
    source.add_argument("--route", action="append", type=parse_route, help="in-process handler")
    source.add_argument("--api-id", help="serve this HTTP API of the emulator")
    parser.add_argument("--emulator-url", help="the AWS emulator (with --api-id)")
    parser.add_argument("--region", default="eu-west-1")
    parser.add_argument(
        "--token-file",
        type=Path,
        help="bearer token that authenticated routes (AWS_IAM, JWT) require; without it they"
        " refuse every request",
    )
    parser.add_argument(
        "--max-concurrency",
        type=int,
        default=MAX_CONCURRENCY,
        help="warm environments per function, each serving one request at a time"
        " (default %(default)s)",
    )
    parser.add_argument(
        "--function-log-dir",
        type=Path,
        help="each function's output goes to <dir>/<function name>.log (default: this log)",
    )
    add_endpoint_argument(parser, "the functions")
    args = parser.parse_args(argv)
    if args.api_id and not args.emulator_url:
        parser.error("--api-id needs --emulator-url")
    return args


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    # Only the gateway's own lines: the functions' Powertools loggers print their JSON already.
    handler = logging.StreamHandler()
    handler.setFormatter(logging.Formatter("%(asctime)s %(name)s: %(message)s"))
    for name in ("local_stack.api_gateway", "local_stack.lambda_runner"):
        logging.getLogger(name).addHandler(handler)
        logging.getLogger(name).setLevel(logging.INFO)
    runner = None
    if args.api_id:
        clients = EmulatorClients(args.emulator_url, args.region)
        runner = LambdaRunner(
            clients("lambda"),
            code_root=REPO_ROOT,
            extra_env={
                **LOCAL_CREDENTIALS,
                **LOCAL_FUNCTION_ENV,
                "AWS_ENDPOINT_URL": args.emulator_url,
                **dict(args.endpoint),
            },
            region=args.region,
            configuration_ttl_seconds=CONFIGURATION_TTL_SECONDS,
            max_concurrency=args.max_concurrency,
            log_dir=args.function_log_dir,
        )
        token = args.token_file.read_text().strip() if args.token_file else None
        routes = read_routes(clients("apigatewayv2"), args.api_id)
        app: GatewayApp = deployed_gateway(routes, runner.invoker, token)
    else:
        app = GatewayApp(args.route)
    stopped = threading.Event()

    def stop(signum: int, frame: FrameType | None) -> None:
        stopped.set()

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    with serve(app, args.host, args.port) as url:
        log.info("serving %s on %s", [route.key for route in app.routes], url)
        print(json.dumps({"service": "api_gateway", "url": url}), flush=True)  # noqa: T201
        stopped.wait()
        log.info("stopping")
    if runner is not None:
        runner.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
