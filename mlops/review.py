"""A run's emails in the local stack's outbox, and the reviewer's decision posted the way the
review page posts it (`POST /approvals/{token}`, form-encoded): used by the demo, the end-to-end
tests and the benchmarks alike."""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Collection
from pathlib import Path
from typing import Any

import requests

from local_stack.outbox import OutboxEmail, read_emails

REVIEW_LINK = re.compile(r"https?://[^\s]+/approvals/[A-Za-z0-9_-]{16,}")
DECISIONS = ("approve", "reject")


class ReviewError(RuntimeError):
    """The review could not be found or decided; the message says what happened."""


def run_emails(outbox_dir: Path, execution_name: str) -> list[OutboxEmail]:
    """The emails about one run, oldest first (every email names its run on a `Run:` line)."""
    line = re.compile(rf"^Run: {re.escape(execution_name)}\s*$", re.MULTILINE)
    return [email for email in read_emails(outbox_dir) if line.search(email.body)]


def wait_for_email(
    outbox_dir: Path,
    execution_name: str,
    kinds: Collection[str],
    *,
    timeout: float,
    poll_seconds: float = 0.25,
    sleep: Callable[[float], None] = time.sleep,
    clock: Callable[[], float] = time.monotonic,
) -> OutboxEmail:
    """The first email of one of `kinds` (`Review needed`, `Live`, `Rejected`, `Failed`) about
    the run; ReviewError naming what did arrive when none does within `timeout` seconds."""
    deadline = clock() + timeout
    while True:
        emails = run_emails(outbox_dir, execution_name)
        for email in emails:
            if email.kind in kinds:
                return email
        if clock() > deadline:
            arrived = [email.subject for email in emails] or "none"
            raise ReviewError(
                f"no {' or '.join(kinds)} email for run {execution_name} in {outbox_dir}"
                f" within {timeout:.0f} s (its emails: {arrived})"
            )
        sleep(poll_seconds)


def review_link(email: OutboxEmail) -> str:
    found = REVIEW_LINK.search(email.body)
    if found is None:
        raise ReviewError(f"the email {email.path} has no review link")
    return found.group(0)


def decide(
    link: str,
    decision: str,
    comment: str = "",
    *,
    session: Any = requests,
    timeout: float = 30.0,
) -> requests.Response:
    """POST the decision to the review link, as the page's Approve / Reject buttons do."""
    if decision not in DECISIONS:
        raise ValueError(f"decision must be one of {DECISIONS}, not {decision!r}")
    response: requests.Response = session.post(
        link, data={"decision": decision, "comment": comment}, timeout=timeout
    )
    if response.status_code != 200:
        raise ReviewError(
            f"POST {REVIEW_LINK.sub('<review link>', link)} answered {response.status_code}:"
            f" {response.text[:300]}"
        )
    return response
