"""`python -m local_stack.featurestore_runtime`: serve the Feature Store runtime on a loopback port.

When listening, prints one JSON line to stdout: {"endpoint_url": "http://HOST:PORT", "pid": N}
(with --port 0 the system picks a free port). SIGTERM or SIGINT stops it after a final commit.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import os
import signal
import sys
from collections.abc import Sequence
from pathlib import Path

from aiohttp import web

from local_stack.featurestore_runtime.definitions import (
    Catalogue,
    FeatureGroup,
    control_plane_describer,
    load_definitions_file,
)
from local_stack.featurestore_runtime.server import GroupCommitter, Runtime, build_app
from local_stack.featurestore_runtime.store import Store, connect

log = logging.getLogger("local_stack.featurestore_runtime")


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m local_stack.featurestore_runtime", description=__doc__
    )
    parser.add_argument("--host", default="127.0.0.1", help="address to bind (default loopback)")
    parser.add_argument("--port", type=int, default=0, help="port (default 0: any free port)")
    parser.add_argument("--db", type=Path, required=True, help="SQLite database file")
    parser.add_argument(
        "--definitions",
        type=Path,
        help='JSON file {"FeatureGroups": [DescribeFeatureGroup responses]} for standalone use',
    )
    parser.add_argument(
        "--describe-from-sagemaker",
        action="store_true",
        help="look unknown groups up with DescribeFeatureGroup (AWS_ENDPOINT_URL_SAGEMAKER works)",
    )
    parser.add_argument("--sagemaker-endpoint-url", help="control plane endpoint (overrides env)")
    parser.add_argument("--region", default=None, help="region for the control plane client")
    parser.add_argument(
        "--commit-delay-ms",
        type=float,
        default=0.0,
        help="extra wait to group commits (default 0: commit once pending requests are handled)",
    )
    parser.add_argument("-v", "--verbose", action="store_true")
    args = parser.parse_args(argv)
    if args.definitions is None and not args.describe_from_sagemaker:
        parser.error("give --definitions FILE and/or --describe-from-sagemaker")
    if args.definitions is not None and not args.definitions.is_file():
        parser.error(f"--definitions {args.definitions} is not a file")
    return args


def build_catalogue(args: argparse.Namespace) -> Catalogue:
    groups: dict[str, FeatureGroup] = {}
    if args.definitions:
        groups = load_definitions_file(args.definitions)
    describe = None
    if args.describe_from_sagemaker:
        import boto3  # noqa: PLC0415  (only the control-plane mode needs it)

        client = boto3.client(
            "sagemaker", endpoint_url=args.sagemaker_endpoint_url, region_name=args.region
        )
        describe = control_plane_describer(client)
    return Catalogue(groups, describe)


async def serve(args: argparse.Namespace) -> None:
    connection = connect(args.db)
    store = Store(connection)
    committer = GroupCommitter(store, max_delay=args.commit_delay_ms / 1000)
    runtime = Runtime(catalogue=build_catalogue(args), store=store, committer=committer)
    runner = web.AppRunner(build_app(runtime), access_log=None, handle_signals=False)
    await runner.setup()
    site = web.TCPSite(runner, args.host, args.port, reuse_address=True)
    await site.start()
    host, port = runner.addresses[0][:2]
    ready = {"endpoint_url": f"http://{host}:{port}", "pid": os.getpid()}
    sys.stdout.write(json.dumps(ready) + "\n")
    sys.stdout.flush()
    log.info("Feature Store runtime listening on %s (db %s)", ready["endpoint_url"], args.db)

    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(signum, stop.set)
    await stop.wait()
    log.info("stopping")
    await runner.cleanup()
    committer.flush()
    connection.close()


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    logging.basicConfig(
        level=logging.DEBUG if args.verbose else logging.INFO,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
        stream=sys.stderr,
    )
    asyncio.run(serve(args))
    return 0
