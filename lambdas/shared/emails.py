"""The texts of every email the pipeline sends (plain text, published through SNS).

Functions here only format; they are given everything they print. None of them is ever given the
Step Functions task token: the review email carries the approval link, nothing else secret.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from lambdas.shared.metrics import data_summary, fmt, headline, metric_rows
from lambdas.shared.text import utc_time

SUBJECT_PREFIX = "[credit-risk]"
MAX_SUBJECT_LENGTH = 99  # SNS: fewer than 100 printable ASCII characters, no line breaks
REJECTION_REASONS = {
    "quality_gate": "the automatic quality gate",
    "reviewer": "the reviewer",
    "timeout": "the approval timeout (nobody decided in time)",
}


@dataclass(frozen=True, slots=True)
class Email:
    subject: str
    body: str


@dataclass(frozen=True, slots=True)
class StepFailure:
    step: str
    error: str
    reason: str  # the most specific human-readable cause found
    raw_cause: str  # what Step Functions recorded, for the curious


def review_email(
    *,
    model: str,
    metrics: Mapping[str, float],
    review_url: str,
    expires_at: int,
    source_uri: str,
    execution_name: str,
) -> Email:
    subject = f"Review needed: {model}"
    if headline(metrics):
        subject += f", {headline(metrics)}"
    lines = [
        f"A new credit-risk model is waiting for your decision: {model}.",
        "",
        *_metrics_block(metrics),
        "",
        "Review the evaluation and plots, then approve or reject, on this page:",
        f"  {review_url}",
        "",
        f"The link works until {utc_time(expires_at)}; after that the model counts as rejected.",
        "Opening the page changes nothing; only the Approve or Reject button decides.",
        "Anyone holding this link can decide, so do not forward it.",
        "",
        *_run_block(source_uri, execution_name),
    ]
    return Email(sns_subject(subject), "\n".join(lines) + "\n")


def live_email(
    *,
    model: str,
    endpoint_name: str,
    api_base_url: str,
    metrics: Mapping[str, float],
    source_uri: str,
    execution_name: str,
) -> Email:
    base = api_base_url.rstrip("/") or "(API URL not given)"
    lines = [
        f"{model} is live on the SageMaker endpoint {endpoint_name or '(not named)'}.",
        "",
        "The API serves it now (authenticated: IAM or JWT, as configured):",
        f"  features:    GET {base}/features/{{id}}",
        f"  predictions: GET {base}/predictions/{{id}}",
        "",
        *_metrics_block(metrics),
        "",
        *_run_block(source_uri, execution_name),
    ]
    return Email(sns_subject(f"Live: {model} on {endpoint_name}"), "\n".join(lines) + "\n")


def rejected_email(
    *,
    model: str,
    reason: str,
    detail: str,
    metrics: Mapping[str, float],
    source_uri: str,
    execution_name: str,
) -> Email:
    by = REJECTION_REASONS.get(reason, reason or "an unknown reason")
    lines = [
        f"{model} was rejected by {by}. The endpoint keeps serving the previous model, if any.",
        "",
    ]
    if detail:
        lines += [detail, ""]
    lines += [*_metrics_block(metrics), "", *_run_block(source_uri, execution_name)]
    return Email(sns_subject(f"Rejected: {model} ({reason or 'unknown'})"), "\n".join(lines) + "\n")


MAX_CAUSE_CHARS = 4000


def failed_email(
    *,
    failures: Sequence[StepFailure],
    source_uri: str,
    execution_name: str,
    execution_arn: str,
) -> Email:
    steps = ", ".join(f.step for f in failures) or "an unknown step"
    lines = [f"The pipeline run for {source_uri} failed at {steps}.", ""]
    for failure in failures:
        lines += [
            f"Step:   {failure.step}",
            f"Error:  {failure.error or '(no error name)'}",
            f"Cause:  {_clip(failure.reason) or '(no cause recorded)'}",
        ]
        if failure.raw_cause and failure.raw_cause != failure.reason:
            lines += ["Raw cause:", _clip(failure.raw_cause)]
        lines.append("")
    if not failures:
        lines += ["The workflow recorded no error details.", ""]
    lines += [
        *_run_block(source_uri, execution_name),
        f"Execution ARN: {execution_arn}",
        "The raw object was not modified; fix the cause and upload it again (or a corrected file).",
    ]
    subject = f"Failed: {execution_name or 'pipeline run'} at {steps}"
    return Email(sns_subject(subject), "\n".join(lines) + "\n")


def sns_subject(text: str) -> str:
    """A subject SNS accepts: printable ASCII on one line, fewer than 100 characters."""
    ascii_text = "".join(ch if 32 <= ord(ch) < 127 else " " for ch in f"{SUBJECT_PREFIX} {text}")
    single = " ".join(ascii_text.split())
    if len(single) <= MAX_SUBJECT_LENGTH:
        return single
    return single[: MAX_SUBJECT_LENGTH - 3].rstrip() + "..."


def _metrics_block(metrics: Mapping[str, float]) -> list[str]:
    rows = metric_rows(metrics)
    if not rows:
        return ["No metrics were reported."]
    width = max(len(row.label) for row in rows)
    lines = [f"{'Metric'.ljust(width)}  {'Model':>7}  {'Baseline':>8}"]
    lines += [
        f"{row.label.ljust(width)}  {fmt(row.value):>7}  {fmt(row.baseline):>8}" for row in rows
    ]
    lines += [f"{label}: {value}" for label, value in data_summary(metrics)]
    return lines


def _run_block(source_uri: str, execution_name: str) -> list[str]:
    return [f"Raw object: {source_uri}", f"Run: {execution_name or '(not named)'}"]


def _clip(text: str) -> str:
    if len(text) <= MAX_CAUSE_CHARS:
        return text
    return text[:MAX_CAUSE_CHARS] + " ... (clipped; the execution history has it all)"
