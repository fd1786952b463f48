"""The Step Functions task token never appears in an email, a URL, a log line or a response.

One realistic run of every path that touches the token (request, retry, bad payload, review page,
decisions, replay, the workflow no longer waiting, Step Functions unreachable) with every output
captured at DEBUG: log lines of all loggers (the handlers' own streams), stdout (metrics), emails,
URLs in emails and pages, HTTP responses, function results, exceptions, S3 objects and the
idempotency table. Then each capture is searched for the token.
"""

from __future__ import annotations

import io
import json
import logging
import re
from collections.abc import Iterator
from typing import Any

import pytest

from lambdas.approval_request.handler import handler as approval_request
from lambdas.notify.handler import handler as notify
from lambdas.shared import aws
from lambdas.shared.workflow import InvalidPayloadError
from local_stack.api_gateway import LocalContext
from tests.fixtures.lambdas import ARTIFACTS_BUCKET, IDEMPOTENCY_TABLE, Api, AwsWorld, load_event

HTML = {"Accept": "text/html"}
URL = re.compile(r"https?://[^\s\"'<>]+")


OUR_LOGGERS = ("lambdas", "aws_lambda_powertools", "approval-request", "approvals-api", "notify")


@pytest.fixture
def log_stream() -> Iterator[io.StringIO]:
    """Every line our loggers (and Powertools' own) emit at DEBUG, as their handlers format it.

    Other libraries stay at their usual levels: botocore at DEBUG logs whole request bodies,
    SendTaskSuccess included, which is why nobody may turn that on in production (docs/api.md).
    """
    buffer = io.StringIO()
    loggers = [logging.getLogger()] + [
        logging.getLogger(name) for name in list(logging.root.manager.loggerDict)
    ]
    handlers = {
        id(h): h
        for logger in loggers
        for h in logger.handlers
        if isinstance(h, logging.StreamHandler) and not isinstance(h, logging.FileHandler)
    }
    streams = {key: handler.stream for key, handler in handlers.items()}
    levels = [(logger, logger.level) for logger in loggers]
    for handler in handlers.values():
        handler.setStream(buffer)
    extra = logging.StreamHandler(buffer)
    extra.setFormatter(logging.Formatter("%(name)s %(levelname)s %(message)s"))
    powertools = logging.getLogger("aws_lambda_powertools")
    powertools.addHandler(extra)
    for logger in loggers:
        if logger.name.startswith(OUR_LOGGERS):
            logger.setLevel(logging.DEBUG)
    try:
        yield buffer
    finally:
        powertools.removeHandler(extra)
        for key, handler in handlers.items():
            handler.setStream(streams[key])
        for logger, level in levels:
            logger.setLevel(level)


def _urls(text: str) -> list[str]:
    return URL.findall(text)


def test_task_token_never_leaves_the_table(
    aws_world: AwsWorld,
    api: Api,
    log_stream: io.StringIO,
    capsys: pytest.CaptureFixture[str],
    caplog: pytest.LogCaptureFixture,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    caplog.set_level(logging.INFO)
    seen: list[str] = []  # everything a person or a log system could read
    tokens: list[str] = []

    def request_approval(timeout_seconds: int = 300) -> tuple[str, str]:
        execution_arn, task_token = aws_world.start_waiting_execution(timeout_seconds)
        tokens.append(task_token)
        payload = aws_world.approval_payload(
            task_token,
            execution_arn=execution_arn,
            execution_name=execution_arn.rsplit(":", 1)[-1],
        )
        context = LocalContext(function_name="approval_request")
        seen.append(json.dumps(approval_request(payload, context)))
        seen.append(json.dumps(approval_request(payload, context)))  # a retry
        link = re.search(r"/approvals/([A-Za-z0-9_-]{43})", aws_world.emails()[-1]["body"])
        assert link
        return link.group(1), execution_arn

    def call(method: str, path: str, **kwargs: Any) -> None:
        response = api.request(method, path, **kwargs)
        seen.append(response.get_data(as_text=True))
        seen.append(json.dumps(dict(response.headers)))
        seen.extend(_urls(response.get_data(as_text=True)))

    # A link that is viewed, approved and replayed.
    approved, _ = request_approval()
    call("GET", f"/approvals/{approved}", headers=HTML)
    call("GET", f"/approvals/{approved}")
    call(
        "POST",
        f"/approvals/{approved}",
        data={"decision": "approve", "comment": "ok"},
        headers=HTML,
    )
    call("POST", f"/approvals/{approved}", data={"decision": "reject"})

    # A link rejected through JSON.
    rejected, _ = request_approval()
    call("POST", f"/approvals/{rejected}", json={"decision": "reject", "comment": "no"})

    # A link whose workflow stopped waiting (its wait timed out after 1 s).
    stale, stale_execution = request_approval(timeout_seconds=1)
    assert aws_world.execution(stale_execution)["status"] == "SUCCEEDED"
    call("POST", f"/approvals/{stale}", data={"decision": "approve"})

    # A link decided while Step Functions is unreachable.
    unreachable, _ = request_approval()
    monkeypatch.setenv("AWS_ENDPOINT_URL_SFN", "http://127.0.0.1:9")
    aws.client.cache_clear()
    call("POST", f"/approvals/{unreachable}", data={"decision": "approve"}, headers=HTML)
    monkeypatch.delenv("AWS_ENDPOINT_URL_SFN")
    aws.client.cache_clear()

    # A payload the function refuses: the token sits beside the bad field.
    bad = aws_world.approval_payload("never-logged-task-token", expires_in_seconds="soon")
    tokens.append("never-logged-task-token")
    with pytest.raises(InvalidPayloadError) as raised:
        approval_request(bad, LocalContext(function_name="approval_request"))
    seen.append(str(raised.value))

    # The emails the workflow sends afterwards.
    rejected_event = load_event("notify_rejected.json")
    seen.append(json.dumps(notify(rejected_event, LocalContext(function_name="notify"))))

    emails = aws_world.emails()
    assert len(emails) == 5  # four review emails (retries sent none) and one rejection
    for email in emails:
        seen += [email["subject"], email["body"], *_urls(email["body"])]
    seen.append(log_stream.getvalue())
    seen.append(caplog.text)
    captured = capsys.readouterr()
    seen += [captured.out, captured.err]
    for obj in aws_world.s3.list_objects_v2(Bucket=ARTIFACTS_BUCKET)["Contents"]:
        body = aws_world.s3.get_object(Bucket=ARTIFACTS_BUCKET, Key=obj["Key"])["Body"].read()
        seen.append(obj["Key"] + body.decode("utf-8", "replace"))
    seen.append(json.dumps(aws_world.dynamodb.scan(TableName=IDEMPOTENCY_TABLE)["Items"]))

    # The captures are real: they hold what the run did.
    everything = "\n".join(seen)
    assert "decision delivered" in everything
    assert "workflow no longer waiting" in everything
    assert "workflow unreachable; decision undone" in everything
    assert "approval requested" in everything
    assert everything.count("/approvals/") >= 4
    for task_token in tokens:
        assert task_token not in everything
    assert_table_holds_the_tokens(aws_world, tokens[:4])


def assert_table_holds_the_tokens(aws_world: AwsWorld, tokens: list[str]) -> None:
    """Control: the search above would have found them, since the approvals table has them."""
    stored = json.dumps(aws_world.approval_items())
    for task_token in tokens:
        assert task_token in stored
