"""Drop a raw file into the local stack and follow the workflow run it starts, to its end.

    info = local_stack.stack.up(settings)
    result = run_file(info, Path("loans.csv"), decision="approve")
    result.status  # "live" | "rejected" | "duplicate" | "failed"

The file goes to the raw bucket through a real boto3 S3 client (the trigger does the rest, as
EventBridge would); the run is found through the Step Functions API and followed with
`mlops.workflow_progress.watch`; when it asks for a review, the link is read from the email in
the outbox and, when a decision is given, posted the way the review page posts it. The demo, the
end-to-end tests and the benchmarks all go through here.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import boto3
from botocore.config import Config

from local_stack.outbox import OutboxEmail
from local_stack.stack.runs import runs, wait_for_run
from mlops.review import decide, review_link, wait_for_email
from mlops.workflow_progress import RunSummary, Step, watch

log = logging.getLogger(__name__)

APPROVAL_STATE = "RequestApproval"
Info = Mapping[str, Any]
ClientFactory = Callable[[str, str, Info], Any]


def aws_client(service: str, endpoint_url: str, info: Info) -> Any:
    """A real boto3 client for one local service, with the stack's fake credentials."""
    environment = info["environment"]
    factory: Any = boto3.client  # any service name: no typed overload applies
    return factory(
        service,
        endpoint_url=endpoint_url,
        region_name=info["region"],
        aws_access_key_id=environment["AWS_ACCESS_KEY_ID"],
        aws_secret_access_key=environment["AWS_SECRET_ACCESS_KEY"],
        config=Config(retries={"mode": "standard"}, s3={"addressing_style": "path"}),
    )


@dataclass(frozen=True)
class Upload:
    bucket: str
    key: str
    etag: str

    @property
    def uri(self) -> str:
        return f"s3://{self.bucket}/{self.key}"


def default_key(info: Info, path: Path) -> str:
    """`<raw prefix><file stem>-<UTC time>.csv`: a new object, so a new run, every time (the
    workflow runs one bucket/key/ETag only once)."""
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ")
    return f"{info['raw_prefix']}{path.stem}-{stamp}.csv"


def upload_file(s3: Any, info: Info, path: Path, key: str | None = None) -> Upload:
    key = key or default_key(info, path)
    s3.upload_file(str(path), info["raw_bucket"], key)
    etag = s3.head_object(Bucket=info["raw_bucket"], Key=key)["ETag"].strip('"')
    log.info("uploaded %s to s3://%s/%s", path, info["raw_bucket"], key)
    return Upload(info["raw_bucket"], key, etag)


@dataclass
class RunResult:
    upload: Upload
    execution_arn: str
    execution_name: str
    summary: RunSummary
    review_url: str | None = None

    @property
    def outcome(self) -> dict[str, Any]:
        """The execution output of a SUCCEEDED run (`{"status": "live", ...}`), else {}."""
        output = self.summary.output
        return output if self.summary.status == "SUCCEEDED" and isinstance(output, dict) else {}

    @property
    def status(self) -> str:
        """`live`, `rejected` or `duplicate` (how a SUCCEEDED run ended), else `failed`."""
        return str(self.outcome.get("status", "failed"))


def _no_step(step: Step) -> None:
    return None


def _no_review(url: str, email: OutboxEmail) -> None:
    return None


def follow_upload(
    info: Info,
    upload: Upload,
    *,
    known: frozenset[str] = frozenset(),
    decision: str | None = None,
    comment: str = "",
    on_step: Callable[[Step], None] = _no_step,
    on_review: Callable[[str, OutboxEmail], None] = _no_review,
    timeout: float | None = None,
    clients: ClientFactory = aws_client,
    review_email_timeout: float = 120.0,
) -> RunResult:
    """Find the run the upload started (not one of `known`), follow it to its end; at the review,
    call `on_review(link, email)` and post `decision` (`approve`/`reject`; None: someone else
    decides on the page). When the upload was delivered twice, the run that found the other's
    claim ends as a duplicate: the other run is followed then. RunTimeoutError when a run lasts
    longer than `timeout` seconds."""
    sfn = clients("stepfunctions", info["stepfunctions_endpoint"], info)
    review: dict[str, str] = {}
    seen = set(known)
    while True:
        execution = wait_for_run(
            sfn,
            info["state_machine_arn"],
            upload.key,
            upload.etag,
            known=frozenset(seen),
            timeout=60,
        )

        def step_taken(step: Step, name: str = execution.name) -> None:
            on_step(step)
            if step.state == APPROVAL_STATE and not step.ended and "url" not in review:
                email = wait_for_email(
                    Path(info["outbox_dir"]), name, ["Review needed"], timeout=review_email_timeout
                )
                review["url"] = review_link(email)
                on_review(review["url"], email)
                if decision is not None:
                    decide(review["url"], decision, comment)
                    log.info("%s: posted decision %s", name, decision)

        summary = watch(sfn, execution.arn, step_taken, timeout=timeout)
        result = RunResult(upload, execution.arn, execution.name, summary, review.get("url"))
        seen.add(execution.arn)
        if result.status != "duplicate" or not _other_runs(sfn, info, upload, seen):
            return result
        # Delivered twice (EventBridge is at least once): this run found the other's claim.
        log.info(
            "run %s was a second delivery of %s; following the other", execution.name, upload.uri
        )


def _other_runs(sfn: Any, info: Info, upload: Upload, seen: set[str]) -> list[str]:
    """Runs of the same upload not followed yet."""
    return [
        run.arn
        for run in runs(sfn, info["state_machine_arn"])
        if run.arn not in seen and (run.key, run.etag) == (upload.key, upload.etag)
    ]


def known_runs(info: Info, clients: ClientFactory = aws_client) -> frozenset[str]:
    """The ARNs of the runs so far (so that the next upload's run is told apart from them)."""
    sfn = clients("stepfunctions", info["stepfunctions_endpoint"], info)
    return frozenset(run.arn for run in runs(sfn, info["state_machine_arn"]))


def run_file(
    info: Info,
    path: Path,
    *,
    key: str | None = None,
    clients: ClientFactory = aws_client,
    **follow: Any,
) -> RunResult:
    """Upload `path` (to `key`, default a new one) and follow the run it starts; see
    `follow_upload` for the options."""
    known = known_runs(info, clients)
    upload = upload_file(clients("s3", info["s3_endpoint"], info), info, path, key)
    return follow_upload(info, upload, known=known, clients=clients, **follow)
