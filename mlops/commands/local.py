"""`mlops local up | status | down`: the whole product on this machine, no AWS account needed.

up      starts the AWS emulator, the Feature Store runtime, the endpoint server, the workflow
        executor and the API gateway in the background (reusing what already runs), applies
        terraform/local against the emulator, uploads the job code, and prints one JSON object:
        s3_endpoint, raw_bucket, raw_prefix, api_url, api_headers, outbox_dir, ...
status  each component's health, the same information and the workflow runs (--json)
down    stops everything `up` started; the state folder (data, emails, logs) stays unless
        --purge
"""

from __future__ import annotations

import argparse
import json
import logging
from pathlib import Path
from typing import Any

from local_stack.stack import (
    DEFAULT_PORTS,
    StackError,
    StackSettings,
    TerraformMissingError,
    TerraformValues,
    down,
    status,
    up,
)
from local_stack.stack.settings import DEFAULT_STATE_DIR

log = logging.getLogger(__name__)


def _port(text: str) -> tuple[str, int]:
    name, sep, value = text.partition("=")
    if not sep or name not in DEFAULT_PORTS or not value.isdigit() or int(value) > 65535:
        raise argparse.ArgumentTypeError(
            f"expected NAME=PORT with NAME one of {', '.join(DEFAULT_PORTS)}, got {text!r}"
        )
    return name, int(value)


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser(
        "local",
        help="run the whole stack on this machine: up | status | down",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    actions = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
    state_dir = argparse.ArgumentParser(add_help=False)
    state_dir.add_argument(
        "--state-dir",
        type=Path,
        default=DEFAULT_STATE_DIR,
        help="the stack's folder: state, logs, emails, data (default %(default)s)",
    )

    start = actions.add_parser("up", parents=[state_dir], help="start and provision the stack")
    add_up_arguments(start)
    start.set_defaults(func=run_up)

    check = actions.add_parser("status", parents=[state_dir], help="health and workflow runs")
    check.add_argument("--json", action="store_true", help="print one JSON object")
    check.set_defaults(func=run_status)

    stop = actions.add_parser("down", parents=[state_dir], help="stop everything up started")
    stop.add_argument("--purge", action="store_true", help="also delete the state folder")
    stop.set_defaults(func=run_down)


def add_up_arguments(parser: argparse.ArgumentParser) -> None:
    """The options of `up` (the demo takes them too)."""
    ports = ", ".join(f"{name}={port}" for name, port in DEFAULT_PORTS.items())
    parser.add_argument(
        "--port",
        type=_port,
        action="append",
        default=[],
        metavar="NAME=PORT",
        help=f"a component's port (defaults: {ports}; 0 picks a free one)",
    )
    parser.add_argument(
        "--free-ports", action="store_true", help="pick free ports (recorded in the state file)"
    )
    parser.add_argument(
        "--speedup",
        type=float,
        default=10.0,
        help="the workflow's Wait states and retry delays pass this much faster (default 10)",
    )
    parser.add_argument(
        "--approval-timeout", type=int, help="seconds the workflow waits for the reviewer"
    )
    parser.add_argument("--quality-gate", type=float, help="minimum holdout ROC AUC")
    parser.add_argument("--n-estimators", type=int, help="trees of the random forest")
    parser.add_argument("--max-depth", type=int, help="depth of the trees (0: unlimited)")
    parser.add_argument("--min-samples-leaf", type=float, help="a count, or a fraction < 1")


def settings_from(args: argparse.Namespace) -> StackSettings:
    ports = {name: 0 for name in DEFAULT_PORTS} if args.free_ports else dict(DEFAULT_PORTS)
    ports.update(dict(args.port))
    return StackSettings(
        state_dir=args.state_dir,
        ports=ports,
        speedup=args.speedup,
        terraform=TerraformValues(
            approval_timeout_seconds=args.approval_timeout,
            quality_gate_min_roc_auc=args.quality_gate,
            rf_n_estimators=args.n_estimators,
            rf_max_depth=args.max_depth,
            rf_min_samples_leaf=args.min_samples_leaf,
        ),
    )


def _print_json(document: Any) -> None:
    print(json.dumps(document, indent=2, default=str), flush=True)  # noqa: T201 (the command's output)


def run_up(args: argparse.Namespace) -> int:
    try:
        info = up(settings_from(args))
    except TerraformMissingError as exc:
        log.error("%s", exc)
        return 2
    except StackError as exc:
        log.error("%s", exc)
        return 1
    _print_json(info)
    return 0


def run_status(args: argparse.Namespace) -> int:
    report = status(args.state_dir)
    if args.json:
        _print_json(report)
    else:
        print(render_status(report))  # noqa: T201 (the command's output)
    return 0 if report["running"] else 3


def render_status(report: dict[str, Any]) -> str:
    lines = [f"local stack in {report['state_dir']}"]
    for name, entry in report["components"].items():
        where = entry.get("url") or entry.get("delivers_to") or ""
        lines.append(f"  {name:<13} {entry['status']:<10} {where:<28} {entry['description']}")
    if report.get("api_url"):
        lines.append(f"  API: {report['api_url']}   emails: {report['outbox_dir']}")
        lines.append(f"  drop files in s3://{report['raw_bucket']}/{report['raw_prefix']}")
    runs = report.get("workflow_runs") or []
    lines.append(f"  workflow runs: {len(runs)}")
    for run in runs[:10]:
        seconds = run["duration_seconds"]
        took = f"{seconds:.0f} s" if seconds is not None else "running"
        lines.append(f"    {run['started'][:19]}  {run['status']:<9} {took:>8}  {run['object']}")
    return "\n".join(lines)


def run_down(args: argparse.Namespace) -> int:
    try:
        report = down(args.state_dir, purge=args.purge)
    except StackError as exc:
        log.error("%s", exc)
        return 1
    stopped = ", ".join(report["stopped"]) or "nothing was running"
    kept = "deleted" if report["purged"] else "kept (--purge deletes it)"
    log.info("stopped: %s; state folder %s %s", stopped, args.state_dir, kept)
    return 0
