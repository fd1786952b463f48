"""A local API Gateway (HTTP API): HTTP requests -> payload 2.0 events -> Lambda handlers.

`GatewayApp` is a WSGI application over a list of routes (`"GET /features/{id}"` -> an invoker);
`serve()` runs it on a loopback port in a background thread. An invoker is any callable taking the
event and returning what the function returned, so the same gateway can call a handler in process
(`in_process`) or through the local Lambda runner.
"""

from local_stack.api_gateway.context import LocalContext, in_process
from local_stack.api_gateway.routes import Route
from local_stack.api_gateway.wsgi import GatewayApp, serve

__all__ = ["GatewayApp", "LocalContext", "Route", "in_process", "serve"]
