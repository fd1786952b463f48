"""The deployed HTTP API served locally: integrations to functions, and the bearer token that
stands in for AWS_IAM / JWT on the data routes."""

from __future__ import annotations

import json
from typing import Any

import pytest
from werkzeug.test import Client

from local_stack.api_gateway.deployed import (
    DeployedRoute,
    DeploymentError,
    deployed_gateway,
    function_of_integration,
)

FUNCTION = "arn:aws:lambda:eu-west-1:123456789012:function:features"
URI = f"arn:aws:apigateway:eu-west-1:lambda:path/2015-03-31/functions/{FUNCTION}/invocations"


def test_function_of_integration_reads_the_lambda_arn() -> None:
    assert function_of_integration(URI) == FUNCTION
    assert function_of_integration(FUNCTION) == FUNCTION
    with pytest.raises(DeploymentError, match="not a Lambda integration"):
        function_of_integration("http://example.com")


def ok(function_arn: str) -> Any:
    def invoke(event: dict[str, Any]) -> Any:
        return {
            "statusCode": 200,
            "headers": {"Content-Type": "application/json"},
            "body": json.dumps({"function": function_arn}),
        }

    return invoke


ROUTES = [
    DeployedRoute("GET /features/{id}", FUNCTION, "AWS_IAM"),
    DeployedRoute("GET /approvals/{token}", FUNCTION + "-approvals", "NONE"),
]


def test_authenticated_routes_need_the_bearer_token() -> None:
    client = Client(deployed_gateway(ROUTES, ok, "s3cret"))
    missing = client.get("/features/1")
    assert missing.status_code == 401
    assert missing.json["error"]["code"] == "unauthorized"
    assert client.get("/features/1", headers={"Authorization": "Bearer nope"}).status_code == 401
    allowed = client.get("/features/1", headers={"Authorization": "Bearer s3cret"})
    assert allowed.status_code == 200
    assert allowed.json == {"function": FUNCTION}


def test_open_routes_need_no_token() -> None:
    client = Client(deployed_gateway(ROUTES, ok, "s3cret"))
    assert client.get("/approvals/abc").status_code == 200


def test_without_a_token_authenticated_routes_refuse_everything() -> None:
    client = Client(deployed_gateway(ROUTES, ok, None))
    assert client.get("/features/1", headers={"Authorization": "Bearer x"}).status_code == 401


def test_health_route_lists_the_routes() -> None:
    client = Client(deployed_gateway(ROUTES, ok, "t"))
    health = client.get("/_local/health")
    assert health.status_code == 200
    assert health.json["routes"] == ["GET /features/{id}", "GET /approvals/{token}"]
