"""API Gateway HTTP API payload format 2.0: building events and reading function results.

https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-develop-integrations-lambda.html
"""

from __future__ import annotations

import base64
import json
import time
import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any
from urllib.parse import parse_qsl

# Bodies API Gateway passes as text; everything else arrives base64-encoded (isBase64Encoded).
_TEXT_TYPES = ("text/", "application/json", "application/xml", "application/javascript")
LOCAL_ACCOUNT_ID = "000000000000"


@dataclass(frozen=True)
class HttpRequest:
    method: str
    raw_path: str  # as sent, percent-encoding kept
    raw_query: str = ""
    headers: list[tuple[str, str]] = field(default_factory=list)
    body: bytes = b""
    source_ip: str = "127.0.0.1"


@dataclass(frozen=True)
class HttpResponse:
    status: int
    headers: list[tuple[str, str]]
    body: bytes


def build_event(
    request: HttpRequest,
    *,
    route_key: str,
    path_parameters: dict[str, str],
    stage: str = "$default",
    api_id: str = "local",
) -> dict[str, Any]:
    headers = _join_headers(request.headers)
    cookies = [c.strip() for c in headers.pop("cookie", "").split(";") if c.strip()]
    now = time.time()
    host = headers.get("host", "localhost")
    event: dict[str, Any] = {
        "version": "2.0",
        "routeKey": route_key,
        "rawPath": request.raw_path,
        "rawQueryString": request.raw_query,
        "headers": headers,
        "requestContext": {
            "accountId": LOCAL_ACCOUNT_ID,
            "apiId": api_id,
            "domainName": host,
            "domainPrefix": host.split(".")[0],
            "http": {
                "method": request.method.upper(),
                "path": request.raw_path,
                "protocol": "HTTP/1.1",
                "sourceIp": request.source_ip,
                "userAgent": headers.get("user-agent", ""),
            },
            "requestId": str(uuid.uuid4()),
            "routeKey": route_key,
            "stage": stage,
            "time": datetime.fromtimestamp(now, UTC).strftime("%d/%b/%Y:%H:%M:%S +0000"),
            "timeEpoch": int(now * 1000),
        },
        "isBase64Encoded": False,
    }
    if cookies:
        event["cookies"] = cookies
    if request.raw_query:
        event["queryStringParameters"] = _join_query(request.raw_query)
    if path_parameters:
        event["pathParameters"] = path_parameters
    if request.body:
        if _is_text(headers):
            try:
                event["body"] = request.body.decode("utf-8")
            except UnicodeDecodeError:
                event["body"] = base64.b64encode(request.body).decode("ascii")
                event["isBase64Encoded"] = True
        else:
            event["body"] = base64.b64encode(request.body).decode("ascii")
            event["isBase64Encoded"] = True
    return event


def read_result(result: Any) -> HttpResponse:
    """What API Gateway answers for a function's return value (payload format 2.0 rules)."""
    if not (isinstance(result, dict) and "statusCode" in result):
        # No statusCode: API Gateway treats the whole value as a JSON 200 body.
        return HttpResponse(
            200, [("Content-Type", "application/json")], json.dumps(result).encode()
        )
    headers = [(str(k), str(v)) for k, v in (result.get("headers") or {}).items()]
    for name, values in (result.get("multiValueHeaders") or {}).items():
        headers += [(str(name), str(v)) for v in values]
    headers += [("Set-Cookie", str(c)) for c in result.get("cookies") or []]
    body = result.get("body") or ""
    if not isinstance(body, str):
        body = json.dumps(body)
    raw = base64.b64decode(body) if result.get("isBase64Encoded") else body.encode("utf-8")
    return HttpResponse(int(result["statusCode"]), headers, raw)


def gateway_error(status: int, message: str) -> HttpResponse:
    """API Gateway's own error answers (no route, function failed)."""
    body = json.dumps({"message": message}).encode()
    return HttpResponse(status, [("Content-Type", "application/json")], body)


def _join_headers(pairs: Iterable[tuple[str, str]]) -> dict[str, str]:
    headers: dict[str, str] = {}
    for name, value in pairs:
        key = name.lower()
        headers[key] = f"{headers[key]},{value}" if key in headers else value
    return headers


def _join_query(raw_query: str) -> dict[str, str]:
    params: dict[str, str] = {}
    for name, value in parse_qsl(raw_query, keep_blank_values=True):
        params[name] = f"{params[name]},{value}" if name in params else value
    return params


def _is_text(headers: dict[str, str]) -> bool:
    if headers.get("content-encoding"):
        return False
    content_type = headers.get("content-type", "").lower()
    return content_type.startswith(_TEXT_TYPES) or "+json" in content_type
