"""Lambda entry point for GET and POST /approvals/{token}.

GET renders and changes nothing (email link scanners prefetch links); POST decides. Browsers get
HTML pages, including for errors; API clients (no `text/html` in Accept) get the JSON error model.
"""

from __future__ import annotations

import base64
import binascii
import time

from aws_lambda_powertools.event_handler import APIGatewayHttpResolver, Response
from aws_lambda_powertools.metrics import MetricUnit

from lambdas.approvals_api.decisions import (
    check_token_shape,
    decide,
    ensure_open,
    find_approval,
    parse_decision,
)
from lambdas.approvals_api.pages import HTML_HEADERS, decision_page, error_page, review_page
from lambdas.approvals_api.report_plots import load_plots
from lambdas.shared import aws
from lambdas.shared.approvals import Status
from lambdas.shared.errors import BadRequestError
from lambdas.shared.http import (
    install_error_handlers,
    json_error,
    json_response,
    lambda_handler,
)
from lambdas.shared.observability import observability
from lambdas.shared.settings import load_settings

logger, tracer, metrics = observability("approvals-api")
app = APIGatewayHttpResolver()


def _wants_html() -> bool:
    return "text/html" in app.current_event.headers.get("accept", "")


def _html(status: int, page: str) -> Response[str]:
    return Response(
        status_code=status,
        content_type="text/html; charset=utf-8",
        body=page,
        headers=HTML_HEADERS,
    )


def _negotiated_error(status: int, code: str, message: str) -> Response[str]:
    if _wants_html():
        return _html(status, error_page(status, code, message))
    return json_error(status, code, message)


install_error_handlers(app, logger, metrics, respond=_negotiated_error)


@app.get("/approvals/<token>")
@tracer.capture_method(capture_response=False)
def get_review(token: str) -> Response[str]:
    settings = load_settings("approvals_table_name")
    approval = find_approval(aws.client("dynamodb"), settings.approvals_table_name, token)
    metrics.add_metric(name="ReviewPageViews", unit=MetricUnit.Count, value=1)
    if approval.status is not Status.PENDING:
        return _html(200, decision_page(approval, just_decided=False))
    ensure_open(approval, time.time())
    return _html(200, review_page(approval, load_plots(aws.client("s3"), approval.report_s3_uri)))


@app.post("/approvals/<token>")
@tracer.capture_method(capture_response=False)
def post_decision(token: str) -> Response[str]:
    check_token_shape(token)
    event = app.current_event
    decision = parse_decision(event.headers.get("content-type", ""), _body_text())
    settings = load_settings("approvals_table_name")
    approval = decide(
        aws.client("dynamodb"),
        aws.client("stepfunctions"),
        settings.approvals_table_name,
        token,
        decision,
        now=time.time(),
        decided_from=event.request_context.http.source_ip,
    )
    metrics.add_metric(name=f"Decision{decision.word.title()}", unit=MetricUnit.Count, value=1)
    if _wants_html():
        return _html(200, decision_page(approval, just_decided=True))
    return json_response(
        200,
        {
            "decision": decision.word,
            "comment": decision.comment,
            "decided_at": approval.decided_at,
            "execution_name": approval.execution_name,
        },
    )


def _body_text() -> str:
    event = app.current_event
    raw = event.body or ""
    try:
        return base64.b64decode(raw, validate=True).decode() if event.is_base64_encoded else raw
    except (binascii.Error, UnicodeDecodeError):
        raise BadRequestError("the body is not UTF-8 text", code="invalid_decision") from None


handler = lambda_handler(app, logger, tracer, metrics, capture_response=False)
