"""Serve handlers behind a local API Gateway: `python -m local_stack.api_gateway --route ...`.

Example:
    python -m local_stack.api_gateway --port 8080 \
        --route "GET /features/{id}=lambdas.features_api.handler:handler"
"""

from __future__ import annotations

import argparse
import importlib
import logging
import sys
import threading
from collections.abc import Sequence

from local_stack.api_gateway import GatewayApp, Route, in_process, serve

log = logging.getLogger("local_stack.api_gateway")


def parse_route(spec: str) -> Route:
    key, sep, target = spec.rpartition("=")
    module_name, colon, attribute = target.partition(":")
    if not sep or not colon:
        raise argparse.ArgumentTypeError(f"expected 'METHOD /path=module:function', got {spec!r}")
    handler = getattr(importlib.import_module(module_name), attribute)
    return Route(key.strip(), in_process(handler, function_name=module_name.split(".")[-2]))


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m local_stack.api_gateway", description=__doc__)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8080)
    parser.add_argument("--route", action="append", type=parse_route, required=True)
    args = parser.parse_args(argv)
    # Only the gateway's own lines: the functions' Powertools loggers print their JSON already.
    handler = logging.StreamHandler()
    handler.setFormatter(logging.Formatter("%(asctime)s %(name)s: %(message)s"))
    gateway_log = logging.getLogger("local_stack.api_gateway")
    gateway_log.addHandler(handler)
    gateway_log.setLevel(logging.INFO)
    with serve(GatewayApp(args.route), args.host, args.port) as url:
        log.info("serving %s on %s", [r.key for r in args.route], url)
        try:
            threading.Event().wait()
        except KeyboardInterrupt:
            log.info("stopping")
    return 0


if __name__ == "__main__":
    sys.exit(main())
