"""The local API Gateway adapter: route matching, payload 2.0 events, reading function results."""

from __future__ import annotations

import base64
import json
from typing import Any

import pytest
import requests
from werkzeug.test import Client

from local_stack.api_gateway import GatewayApp, LocalContext, Route, in_process, serve
from local_stack.api_gateway.events import HttpRequest, build_event, read_result
from local_stack.api_gateway.routes import find_route


def echo(event: dict[str, Any]) -> dict[str, Any]:
    return {
        "statusCode": 200,
        "headers": {"content-type": "application/json"},
        "body": json.dumps(event),
    }


def keys(*route_keys: str) -> list[Route]:
    return [Route(key, echo) for key in route_keys]


def test_find_route_prefers_literal_segments_then_exact_methods() -> None:
    routes = keys(
        "$default", "ANY /approvals/{token}", "GET /approvals/{token}", "GET /approvals/new"
    )
    assert find_route(routes, "GET", "/approvals/new")[0].key == "GET /approvals/new"  # type: ignore[index]
    assert find_route(routes, "GET", "/approvals/abc")[0].key == "GET /approvals/{token}"  # type: ignore[index]
    assert find_route(routes, "POST", "/approvals/abc")[0].key == "ANY /approvals/{token}"  # type: ignore[index]
    assert find_route(routes, "GET", "/elsewhere")[0].key == "$default"  # type: ignore[index]


def test_find_route_decodes_parameters_and_keeps_them_to_one_segment() -> None:
    routes = keys("GET /features/{id}", "GET /files/{path+}")
    assert find_route(routes, "GET", "/features/a%20b") == (routes[0], {"id": "a b"})
    assert find_route(routes, "GET", "/features/1/2") is None
    assert find_route(routes, "GET", "/files/a/b/c") == (routes[1], {"path": "a/b/c"})
    assert find_route(routes, "DELETE", "/features/1") is None


@pytest.mark.parametrize("key", ["/features", "GET features", "GET /a/{p+}/b"])
def test_route_refuses_malformed_keys(key: str) -> None:
    with pytest.raises(ValueError, match=r"route key|greedy"):
        Route(key, echo)


def test_build_event_follows_payload_format_2() -> None:
    request = HttpRequest(
        method="post",
        raw_path="/approvals/t0k",
        raw_query="a=1&a=2&b=",
        headers=[
            ("Content-Type", "application/x-www-form-urlencoded"),
            ("X-Multi", "1"),
            ("x-multi", "2"),
            ("Cookie", "s=1; t=2"),
            ("Host", "api.local:8080"),
        ],
        body=b"decision=approve",
        source_ip="10.0.0.7",
    )
    event = build_event(
        request, route_key="POST /approvals/{token}", path_parameters={"token": "t0k"}
    )
    assert event["version"] == "2.0"
    assert event["routeKey"] == event["requestContext"]["routeKey"] == "POST /approvals/{token}"
    assert event["rawPath"] == "/approvals/t0k"
    assert event["queryStringParameters"] == {"a": "1,2", "b": ""}
    assert event["headers"]["x-multi"] == "1,2"
    assert "cookie" not in event["headers"]
    assert event["cookies"] == ["s=1", "t=2"]
    assert event["pathParameters"] == {"token": "t0k"}
    assert event["requestContext"]["http"]["method"] == "POST"
    assert event["requestContext"]["http"]["sourceIp"] == "10.0.0.7"
    assert event["requestContext"]["domainName"] == "api.local:8080"
    # Form posts reach the function base64-encoded, as API Gateway sends them.
    assert event["isBase64Encoded"] is True
    assert base64.b64decode(event["body"]) == b"decision=approve"


def test_build_event_passes_json_as_text_and_omits_empty_parts() -> None:
    request = HttpRequest("GET", "/features/1", headers=[("content-type", "application/json")])
    event = build_event(request, route_key="GET /features/{id}", path_parameters={"id": "1"})
    assert "body" not in event
    assert "queryStringParameters" not in event
    assert "cookies" not in event
    with_body = HttpRequest(
        "POST", "/x", headers=[("content-type", "application/json")], body=b"{}"
    )
    assert build_event(with_body, route_key="POST /x", path_parameters={})["body"] == "{}"


def test_read_result_understands_the_function_answers() -> None:
    full = read_result(
        {
            "statusCode": 201,
            "headers": {"X-A": "1"},
            "cookies": ["c=1"],
            "body": base64.b64encode(b"\x00\x01").decode(),
            "isBase64Encoded": True,
        }
    )
    assert (full.status, full.body) == (201, b"\x00\x01")
    assert ("Set-Cookie", "c=1") in full.headers
    bare = read_result({"hello": "world"})
    assert (bare.status, json.loads(bare.body)) == (200, {"hello": "world"})


def test_gateway_app_answers_404_without_a_route_and_500_when_the_function_fails() -> None:
    def broken(event: dict[str, Any]) -> Any:
        raise RuntimeError("boom")

    client = Client(GatewayApp([Route("GET /broken", broken)]))
    missing = client.get("/nowhere")
    assert (missing.status_code, missing.json) == (404, {"message": "Not Found"})
    failed = client.get("/broken")
    assert (failed.status_code, failed.json) == (500, {"message": "Internal Server Error"})
    assert "boom" not in failed.get_data(as_text=True)


def test_in_process_gives_each_call_a_lambda_context() -> None:
    seen: list[LocalContext] = []
    invoke = in_process(lambda event, context: seen.append(context), function_name="fn")
    invoke({})
    invoke({})
    assert [c.function_name for c in seen] == ["fn", "fn"]
    assert seen[0].aws_request_id != seen[1].aws_request_id
    assert 0 < seen[0].get_remaining_time_in_millis() <= 30_000
    assert seen[0].invoked_function_arn.endswith(":function:fn")


def test_serve_answers_over_real_http_and_stops() -> None:
    app = GatewayApp([Route("GET /features/{id}", echo)])
    with serve(app) as url:
        response = requests.get(f"{url}/features/42?x=1", timeout=5)
    assert response.status_code == 200
    event = response.json()
    assert event["pathParameters"] == {"id": "42"}
    assert event["rawQueryString"] == "x=1"
    with pytest.raises(requests.ConnectionError):
        requests.get(f"{url}/features/42", timeout=2)
