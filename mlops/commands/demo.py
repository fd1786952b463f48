"""`mlops demo`: the whole lifecycle on this machine, offline, as a user would see it on AWS.

Generates a raw loan file (or takes --data), brings the local stack up (`mlops local up`),
uploads the file to the raw bucket with a real S3 client, shows the workflow live (each state as
it starts and ends, with durations), gives the review link from the email in the outbox and waits
for the decision taken on that page (or approves through the same POST with --auto-approve),
then prints ready-to-paste curl commands for the API and serves until Ctrl-C.

For CI: `mlops demo --auto-approve --no-serve` runs once, stops the stack and exits 0 only when
the model went live.
"""

from __future__ import annotations

import argparse
import csv
import logging
import shlex
import shutil
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

import requests

from local_stack import stack as local_stack
from local_stack.outbox import OutboxEmail
from mlops import synthetic
from mlops.pipeline_run import (
    ClientFactory,
    RunResult,
    aws_client,
    follow_upload,
    known_runs,
    upload_file,
)
from mlops.review import ReviewError, wait_for_email
from mlops.workflow_progress import Step, describe_step, summary_lines, worth_showing

log = logging.getLogger(__name__)

AUTO_APPROVE_TIMEOUT = 1800.0
OUTCOME_EMAILS = {"live": "Live", "rejected": "Rejected"}
Say = Callable[[str], None]


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser(
        "demo",
        help="run the whole lifecycle on the local stack: upload, workflow, review, live API",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    source = parser.add_mutually_exclusive_group()
    source.add_argument("--users", type=int, default=2000, help="users to generate (default 2000)")
    source.add_argument("--data", type=Path, help="upload this raw CSV instead of generating one")
    parser.add_argument("--seed", type=int, default=0, help="generator seed (default 0)")
    parser.add_argument(
        "--state-dir",
        type=Path,
        default=local_stack.StackSettings().state_dir,
        help="the local stack's folder (default .local-stack)",
    )
    parser.add_argument(
        "--auto-approve",
        action="store_true",
        help="approve the model through the review link's POST instead of waiting for you",
    )
    parser.add_argument(
        "--no-serve",
        action="store_true",
        help="end after the run instead of serving the API until Ctrl-C (for CI)",
    )
    parser.add_argument(
        "--keep-stack",
        action="store_true",
        help="leave the local stack running when the demo ends (`mlops local down` stops it)",
    )
    parser.add_argument(
        "--timeout",
        type=float,
        default=None,
        help="give up when the run takes longer than this many seconds (default: 1800 with"
        " --auto-approve, no limit when waiting for a reviewer)",
    )
    parser.set_defaults(func=run)


def say(text: str) -> None:
    print(text, flush=True)  # noqa: T201 (the demo talks to the person who ran it)


class StackApi(Protocol):
    """What the demo uses of `local_stack.stack` (tests pass a fake)."""

    def up(self, settings: local_stack.StackSettings) -> dict[str, Any]: ...

    def down(self, state_dir: Path, purge: bool = False) -> dict[str, Any]: ...


@dataclass(frozen=True)
class DemoOptions:
    workdir: Path
    users: int = 2000
    data: Path | None = None
    seed: int = 0
    auto_approve: bool = False
    serve: bool = True
    keep_stack: bool = False
    timeout: float | None = None
    settings: local_stack.StackSettings | None = None


def prepare_input(options: DemoOptions, say: Say) -> tuple[Path, str]:
    """The file to upload and one user id in it (for the curl examples)."""
    options.workdir.mkdir(parents=True, exist_ok=True)
    if options.data is not None:
        if not options.data.is_file():
            raise SystemExit(f"--data {options.data}: no such file")
        path = options.data
        say(f"[1/5] Data: {path} ({path.stat().st_size / 1e6:.1f} MB)")
    else:
        dataset = synthetic.generate(users=options.users, seed=options.seed)
        path = synthetic.write_csv(dataset.raw, options.workdir / "loans.csv")
        say(
            f"[1/5] Data: generated {len(dataset.raw):,} loans of {options.users:,} users"
            f" ({path.stat().st_size / 1e6:.1f} MB, seed {options.seed}) -> {path}"
        )
    return path, first_user(path)


def first_user(path: Path) -> str:
    with path.open(newline="", encoding="utf-8-sig") as stream:
        row = next(csv.DictReader(stream), None)
    if row is None or not row.get("id"):
        raise SystemExit(f"{path} has no data row with an `id`: is it a raw loan CSV?")
    return str(row["id"]).strip()


class Narrator:
    """Prints the run as it goes: each step, and the review link when the run asks for one."""

    def __init__(self, auto_approve: bool, say: Say) -> None:
        self.auto_approve = auto_approve
        self.say = say

    def on_step(self, step: Step) -> None:
        if worth_showing(step):
            self.say(describe_step(step))

    def on_review(self, url: str, email: OutboxEmail) -> None:
        self.say(f"     review email: {email.path}")
        self.say(f"     review page:  {url}")
        if self.auto_approve:
            self.say("     approving through the review page's POST (--auto-approve)")
        else:
            self.say("     open it, look at the metrics and plots, then Approve or Reject ...")


def curl_commands(info: Mapping[str, Any], user: str) -> list[str]:
    headers = " ".join(
        f"-H {shlex.quote(f'{name}: {value}')}" for name, value in info["api_headers"].items()
    )
    base = str(info["api_url"]).rstrip("/")
    return [f"curl -s {headers} {base}/{route}/{user}" for route in ("features", "predictions")]


def show_api(info: Mapping[str, Any], user: str, say: Say, with_predictions: bool) -> bool:
    """Call the API once for the sample user and print the answers; True when they are 200."""
    base = str(info["api_url"]).rstrip("/")
    routes = ["features", "predictions"] if with_predictions else ["features"]
    ok = True
    for route in routes:
        response = requests.get(f"{base}/{route}/{user}", headers=info["api_headers"], timeout=30)
        ok &= response.status_code == 200
        say(f"     GET /{route}/{user} -> {response.status_code} {response.text.strip()[:300]}")
    return ok


def report_outcome(info: Mapping[str, Any], result: RunResult, user: str, say: Say) -> bool:
    """Say how the run ended (from its output and its last email); True when the model is live
    and the API answered."""
    kind = OUTCOME_EMAILS.get(result.status, "Failed")
    email = None
    if result.status != "duplicate":
        try:
            email = wait_for_email(
                Path(info["outbox_dir"]), result.execution_name, [kind], timeout=30
            )
            say(f"     email: {email.subject.strip()}  ({email.path})")
        except ReviewError as exc:
            say(f"     {exc}")
    outcome = result.outcome
    if result.status == "live":
        say(f"[5/5] Live: the model serves on endpoint {outcome.get('endpoint_name')}. Try:")
        for command in curl_commands(info, user):
            say(f"     {command}")
        return show_api(info, user, say, with_predictions=True)
    if result.status == "rejected":
        say(f"[5/5] Rejected ({outcome.get('reason')}): the endpoint was not changed.")
        say(f"     features are served all the same: {curl_commands(info, user)[0]}")
    elif result.status == "duplicate":
        say("[5/5] This object was processed before: the run ended as a duplicate.")
    else:
        say(f"[5/5] The run FAILED: {result.summary.error}")
        for line in (email.body.splitlines() if email else [])[:12]:
            say(f"     | {line}")
    return False


def follow(
    info: Mapping[str, Any],
    *,
    path: Path,
    user: str,
    options: DemoOptions,
    clients: ClientFactory,
    say: Say,
) -> bool:
    narrator = Narrator(options.auto_approve, say)
    timeout = options.timeout
    if timeout is None and options.auto_approve:
        timeout = AUTO_APPROVE_TIMEOUT
    known = known_runs(info, clients)
    upload = upload_file(clients("s3", info["s3_endpoint"], info), info, path)
    say(f"[3/5] Uploaded {path.name} to {upload.uri} (ETag {upload.etag}) with boto3")
    say(f"[4/5] Workflow (Step Functions API at {info['stepfunctions_endpoint']}):")
    result = follow_upload(
        info,
        upload,
        known=known,
        decision="approve" if options.auto_approve else None,
        comment="approved by mlops demo --auto-approve",
        on_step=narrator.on_step,
        on_review=narrator.on_review,
        timeout=timeout,
        clients=clients,
    )
    live = report_outcome(info, result, user, say)
    for line in summary_lines(result.summary, slowest=8):
        say(f"     {line}")
    return live


def _sleep_forever() -> None:
    while True:
        time.sleep(3600)


def run_demo(
    options: DemoOptions,
    stack: StackApi = local_stack,
    clients: ClientFactory = aws_client,
    say: Say = say,
    wait_for_interrupt: Callable[[], None] = _sleep_forever,
) -> int:
    """The demo's steps; 0 when the model went live (and the API answered), 1 otherwise."""
    started = time.monotonic()
    path, sample_user = prepare_input(options, say)
    settings = options.settings or local_stack.StackSettings()
    say("[2/5] Local stack: starting (the first time applies Terraform: about 2 minutes) ...")
    step_started = time.monotonic()
    info = stack.up(settings)
    live = False
    try:
        say(
            f"      up in {time.monotonic() - step_started:.0f} s: S3 {info['s3_endpoint']},"
            f" API {info['api_url']}, emails in {info['outbox_dir']}"
        )
        live = follow(info, path=path, user=sample_user, options=options, clients=clients, say=say)
        say(f"Demo {'done' if live else 'ended'} in {time.monotonic() - started:.0f} s.")
        if options.serve:
            say(f"Serving the API at {info['api_url']}; press Ctrl-C to stop.")
            wait_for_interrupt()
    except KeyboardInterrupt:
        say("\nInterrupted.")
    finally:
        if options.keep_stack:
            say(f"The stack keeps running (state in {settings.state_dir}): `mlops local down`.")
        else:
            stopped = stack.down(settings.state_dir)
            say(f"Stopped the local stack ({', '.join(stopped.get('stopped', [])) or 'nothing'}).")
    return 0 if live else 1


def run(args: argparse.Namespace) -> int:
    workdir = args.state_dir / "demo"
    if args.data is None:
        shutil.rmtree(workdir, ignore_errors=True)
    options = DemoOptions(
        workdir=workdir,
        users=args.users,
        data=args.data,
        seed=args.seed,
        auto_approve=args.auto_approve,
        serve=not args.no_serve,
        keep_stack=args.keep_stack,
        timeout=args.timeout,
        settings=local_stack.StackSettings(state_dir=args.state_dir),
    )
    try:
        return run_demo(options)
    except (local_stack.StackError, local_stack.TerraformMissingError, ReviewError) as exc:
        say(f"mlops demo: {exc}")
    except TimeoutError as exc:
        say(f"mlops demo: {exc}")
    except KeyboardInterrupt:
        say("\nmlops demo: interrupted")
        return 130
    return 1
