"""Pieces every HTTP function shares: JSON responses and the error handlers of the resolver."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from aws_lambda_powertools import Logger, Metrics, Tracer
from aws_lambda_powertools.event_handler import APIGatewayHttpResolver, Response
from aws_lambda_powertools.logging import correlation_paths
from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities.typing import LambdaContext

from lambdas.shared.errors import INTERNAL_ERROR_MESSAGE, ApiError, error_body

# Feature and prediction bodies are personal data: no shared cache may keep them.
JSON_HEADERS = {"Cache-Control": "no-store", "X-Content-Type-Options": "nosniff"}
ErrorResponder = Callable[[int, str, str], Response[str]]
LambdaHandler = Callable[[dict[str, Any], LambdaContext], dict[str, Any]]


def json_response(status: int, body: Any) -> Response[str]:
    return Response(
        status_code=status,
        content_type="application/json",
        body=json.dumps(body, separators=(",", ":")),
        headers=JSON_HEADERS,
    )


def json_error(status: int, code: str, message: str) -> Response[str]:
    return json_response(status, error_body(code, message))


def install_error_handlers(
    app: APIGatewayHttpResolver,
    logger: Logger,
    metrics: Metrics,
    respond: ErrorResponder = json_error,
) -> None:
    """Every failure becomes the error model of ARCHITECTURE.md 3.5; nothing leaks a stack trace."""

    @app.exception_handler(ApiError)
    def _api_error(exc: ApiError) -> Response[str]:
        logger.info("request refused", extra={"status": exc.status, "error_code": exc.code})
        metrics.add_metric(name=f"Http{exc.status // 100}xx", unit=MetricUnit.Count, value=1)
        return respond(exc.status, exc.code, exc.message)

    @app.not_found
    def _no_route(_: Exception) -> Response[str]:
        return respond(404, "route_not_found", "no such route")

    @app.exception_handler(Exception)
    def _unexpected(_: Exception) -> Response[str]:
        logger.exception("unhandled error")
        metrics.add_metric(name="Http5xx", unit=MetricUnit.Count, value=1)
        return respond(500, "internal_error", INTERNAL_ERROR_MESSAGE)


def lambda_handler(
    app: APIGatewayHttpResolver,
    logger: Logger,
    tracer: Tracer,
    metrics: Metrics,
    *,
    capture_response: bool = True,
) -> LambdaHandler:
    """The function's entry point: the resolver, with correlation ids (the API Gateway request
    id), tracing and metrics; the event is never logged."""

    @logger.inject_lambda_context(
        correlation_id_path=correlation_paths.API_GATEWAY_HTTP, log_event=False
    )
    @tracer.capture_lambda_handler(capture_response=capture_response)
    @metrics.log_metrics
    def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
        return app.resolve(event, context)

    return handler
