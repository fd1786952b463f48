"""The HTTP API Terraform deployed, served locally: its routes and Lambda integrations read from the
emulator's API Gateway v2 configuration, each function run by the Lambda runner.

Routes that need authentication in AWS (`AWS_IAM` or `JWT`) need a bearer token here: the token
`mlops local up` draws and hands out in `api_headers`. A request without it is refused with 401
and the API's JSON error; routes without authorization (the review page: its link is the
credential) stay open, as in AWS.
"""

from __future__ import annotations

import hmac
import json
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from local_stack.api_gateway.context import Invoker
from local_stack.api_gateway.routes import Route
from local_stack.api_gateway.wsgi import GatewayApp

AUTHENTICATED = frozenset({"AWS_IAM", "JWT", "CUSTOM"})
HEALTH_ROUTE = "GET /_local/health"
# arn:aws:apigateway:<region>:lambda:path/2015-03-31/functions/<function ARN>/invocations
_LAMBDA_URI = re.compile(
    r"^arn:[^:]+:apigateway:[^:]+:lambda:path/[^/]+/functions/(.+)/invocations$"
)


class DeploymentError(RuntimeError):
    """The API in the emulator cannot be served (unknown, or a route without a Lambda)."""


@dataclass(frozen=True)
class DeployedRoute:
    key: str
    function_arn: str
    authorization_type: str

    @property
    def authenticated(self) -> bool:
        return self.authorization_type in AUTHENTICATED


def function_of_integration(uri: str) -> str:
    """The function ARN of a Lambda proxy integration's URI (or the ARN itself)."""
    found = _LAMBDA_URI.match(uri)
    if found:
        return found.group(1)
    if uri.startswith("arn:") and ":lambda:" in uri and ":function:" in uri:
        return uri
    raise DeploymentError(f"not a Lambda integration URI: {uri!r}")


def _pages(call: Callable[..., Any], **arguments: Any) -> Iterable[dict[str, Any]]:
    while True:
        page = call(**arguments)
        yield from page.get("Items", [])
        if not page.get("NextToken"):
            return
        arguments["NextToken"] = page["NextToken"]


def read_routes(apigatewayv2: Any, api_id: str) -> list[DeployedRoute]:
    """Every route of the API with its integration's function and its authorization type."""
    try:
        integrations = {
            item["IntegrationId"]: item
            for item in _pages(apigatewayv2.get_integrations, ApiId=api_id)
        }
        routes = list(_pages(apigatewayv2.get_routes, ApiId=api_id))
    except apigatewayv2.exceptions.NotFoundException as exc:
        raise DeploymentError(f"no HTTP API {api_id!r} in the emulator") from exc
    deployed = []
    for route in routes:
        target = str(route.get("Target", ""))
        integration = integrations.get(target.removeprefix("integrations/"))
        if integration is None or integration.get("IntegrationType") != "AWS_PROXY":
            raise DeploymentError(f"route {route['RouteKey']} has no Lambda proxy integration")
        deployed.append(
            DeployedRoute(
                key=route["RouteKey"],
                function_arn=function_of_integration(integration["IntegrationUri"]),
                authorization_type=route.get("AuthorizationType") or "NONE",
            )
        )
    return deployed


def unauthorized(message: str) -> dict[str, Any]:
    """The API's JSON error (docs/openapi.yaml), as the function result API Gateway renders."""
    return {
        "statusCode": 401,
        "headers": {
            "Content-Type": "application/json",
            "WWW-Authenticate": 'Bearer realm="local-stack"',
            "Cache-Control": "no-store",
        },
        "body": json.dumps({"error": {"code": "unauthorized", "message": message}}),
    }


def bearer_guard(invoke: Invoker, token: str) -> Invoker:
    """Calls `invoke` only for requests carrying `Authorization: Bearer <token>`."""
    expected = f"Bearer {token}".encode()

    def guarded(event: dict[str, Any]) -> Any:
        presented = str((event.get("headers") or {}).get("authorization", ""))
        if not presented:
            return unauthorized(
                "This route needs authentication: send the api_headers that"
                " `mlops local up` prints (Authorization: Bearer ...)."
            )
        if not hmac.compare_digest(presented.encode(), expected):
            return unauthorized("The bearer token is not this local stack's token.")
        return invoke(event)

    return guarded


def health_route(routes: list[DeployedRoute]) -> Route:
    document = json.dumps({"status": "ok", "routes": [route.key for route in routes]})
    return Route(
        HEALTH_ROUTE,
        lambda event: {
            "statusCode": 200,
            "headers": {"Content-Type": "application/json"},
            "body": document,
        },
    )


def deployed_gateway(
    routes: list[DeployedRoute], invoker_for: Callable[[str], Invoker], token: str | None
) -> GatewayApp:
    """A gateway over the deployed routes; `invoker_for(function_arn)` runs a function. With no
    token, authenticated routes refuse every request (nothing is served unprotected)."""
    served = [health_route(routes)]
    for route in routes:
        invoke = invoker_for(route.function_arn)
        if route.authenticated:
            invoke = bearer_guard(invoke, token) if token else _refuse_all
        served.append(Route(route.key, invoke))
    return GatewayApp(served)


def _refuse_all(event: dict[str, Any]) -> Any:
    return unauthorized("This local gateway was started without a token: the route is closed.")
