from __future__ import annotations

import uuid
from pathlib import Path

import pytest
import responses

from local_stack.outbox import write_email
from mlops.review import ReviewError, decide, review_link, run_emails, wait_for_email

LINK = "http://127.0.0.1:8080/approvals/" + "x" * 43


def send(outbox: Path, subject: str, run: str, body: str = "") -> None:
    write_email(
        outbox,
        to="reviewer@example.com",
        subject=subject,
        body=f"{body}\nRun: {run}\n",
        message_id=str(uuid.uuid4()),
        topic_arn="arn:aws:sns:eu-west-1:123456789012:notifications",
    )


def test_a_long_subject_folded_in_the_file_reads_back_whole(tmp_path: Path) -> None:
    subject = "[credit-risk] Failed: 0f6b2a31-5a8c-4f2e-9b0e-3c2d1e4f5a6b-some-run at Processing"
    send(tmp_path, subject, "run-1")

    (email,) = run_emails(tmp_path, "run-1")

    assert email.subject == subject
    assert email.kind == "Failed"


def test_run_emails_keeps_only_the_runs_own(tmp_path: Path) -> None:
    send(tmp_path, "[credit-risk] Live: m", "run-10")
    send(tmp_path, "[credit-risk] Live: m", "run-1")

    assert [email.body.splitlines()[-1] for email in run_emails(tmp_path, "run-1")] == [
        "Run: run-1"
    ]


def test_wait_for_email_names_what_arrived_when_it_gives_up(tmp_path: Path) -> None:
    send(tmp_path, "[credit-risk] Review needed: m", "run-1", f"  {LINK}")
    now = [0.0]

    def sleep(seconds: float) -> None:
        now[0] += seconds

    found = wait_for_email(tmp_path, "run-1", ["Review needed"], timeout=5)
    assert review_link(found) == LINK
    with pytest.raises(ReviewError, match=r"no Live email for run run-1.*Review needed"):
        wait_for_email(tmp_path, "run-1", ["Live"], timeout=5, sleep=sleep, clock=lambda: now[0])


def test_review_link_is_required(tmp_path: Path) -> None:
    send(tmp_path, "[credit-risk] Review needed: m", "run-1", "no link here")
    (email,) = run_emails(tmp_path, "run-1")
    with pytest.raises(ReviewError, match="no review link"):
        review_link(email)


@responses.activate
def test_decide_posts_the_form_and_reports_a_refusal_without_the_link() -> None:
    responses.post(LINK, status=409, json={"error": {"code": "already_decided"}})

    with pytest.raises(ReviewError, match="answered 409") as raised:
        decide(LINK, "reject", "too risky")

    assert "x" * 43 not in str(raised.value)
    assert responses.calls[0].request.body == "decision=reject&comment=too+risky"
    with pytest.raises(ValueError, match="decision must be one of"):
        decide(LINK, "maybe")
