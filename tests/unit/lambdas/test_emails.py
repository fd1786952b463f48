from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from lambdas.shared import emails

METRICS = {"roc_auc": 0.7843, "baseline_roc_auc": 0.5, "recall": 0.51, "n_test": 1972.0}


def test_review_email_has_model_headline_metrics_and_link() -> None:
    email = emails.review_email(
        model="credit-risk v3",
        metrics=METRICS,
        review_url="https://api.example.com/approvals/TOKEN",
        expires_at=1_714_608_000,
        source_uri="s3://raw/incoming/a.csv",
        execution_name="run-1",
    )
    assert (
        email.subject
        == "[credit-risk] Review needed: credit-risk v3, ROC AUC 0.784 (baseline 0.500)"
    )
    assert "https://api.example.com/approvals/TOKEN" in email.body
    assert "ROC AUC    0.784     0.500" in email.body
    assert "Recall     0.510       n/a" in email.body
    assert "Holdout rows: 1,972" in email.body
    assert "2024-05-02 00:00 UTC" in email.body
    assert "s3://raw/incoming/a.csv" in email.body


def test_live_email_lists_the_api_urls() -> None:
    email = emails.live_email(
        model="credit-risk v3",
        endpoint_name="credit-risk",
        api_base_url="https://api.example.com/",
        metrics=METRICS,
        source_uri="s3://raw/incoming/a.csv",
        execution_name="run-1",
    )
    assert email.subject == "[credit-risk] Live: credit-risk v3 on credit-risk"
    assert "GET https://api.example.com/features/{id}" in email.body
    assert "GET https://api.example.com/predictions/{id}" in email.body


def test_rejected_email_says_who_rejected() -> None:
    for reason, who in emails.REJECTION_REASONS.items():
        email = emails.rejected_email(
            model="m", reason=reason, detail="why", metrics={}, source_uri="s", execution_name="r"
        )
        assert who in email.body
        assert f"({reason})" in email.subject
        assert "why" in email.body


def test_failed_email_names_each_step_and_clips_huge_causes() -> None:
    huge = "x" * (emails.MAX_CAUSE_CHARS + 500)
    email = emails.failed_email(
        failures=[
            emails.StepFailure("Train", "States.TaskFailed", "AlgorithmError: boom", '{"a": 1}'),
            emails.StepFailure("Ingest", "States.TaskFailed", huge, huge),
        ],
        source_uri="s3://raw/incoming/a.csv",
        execution_name="run-1",
        execution_arn="arn:aws:states:eu-west-1:1:execution:m:run-1",
    )
    assert email.subject == "[credit-risk] Failed: run-1 at Train, Ingest"
    assert "Cause:  AlgorithmError: boom" in email.body
    assert "clipped; the execution history has it all" in email.body
    assert huge not in email.body
    assert "s3://raw/incoming/a.csv" in email.body


@given(st.text(max_size=300))
def test_sns_subject_is_always_acceptable_to_sns(text: str) -> None:
    subject = emails.sns_subject(text)
    assert len(subject) < 100
    assert all(32 <= ord(c) < 127 for c in subject)
    assert subject.startswith(emails.SUBJECT_PREFIX)
