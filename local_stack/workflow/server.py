"""The Step Functions API (JSON 1.0 protocol) on a loopback port.

Execution actions (StartExecution, DescribeExecution, ListExecutions, GetExecutionHistory,
StopExecution, SendTaskSuccess/Failure/Heartbeat) are answered by the executor; every other
request (CreateStateMachine, DescribeStateMachine, tags...) is forwarded to the AWS emulator, so
one endpoint serves boto3, the Terraform provider and the Lambdas alike. GET /_local/health
answers {"status": "ok"}.
"""

from __future__ import annotations

import json
import logging
import threading
from collections.abc import Callable
from dataclasses import replace
from datetime import datetime
from http.server import BaseHTTPRequestHandler
from typing import Any

import requests

from local_stack.http_server import LocalHTTPServer
from local_stack.workflow.asl.callbacks import InvalidTokenError, TaskTimedOutError
from local_stack.workflow.executor import ApiError, Execution, WorkflowExecutor
from local_stack.workflow.settings import ExecutorSettings

log = logging.getLogger(__name__)
Json = Any
_TARGET_PREFIX = "AWSStepFunctions."
_FORWARDED_HEADERS = (
    "Content-Type",
    "X-Amz-Target",
    "Authorization",
    "X-Amz-Date",
    "X-Amz-Security-Token",
)


def _encode(value: Json) -> Json:
    """JSON 1.0 sends timestamps as epoch seconds."""
    if isinstance(value, datetime):
        return value.timestamp()
    if isinstance(value, dict):
        return {k: _encode(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_encode(v) for v in value]
    return value


def _page(items: list[Json], body: Json, key: str) -> Json:
    start = int(body.get("nextToken") or 0)
    size = int(body.get("maxResults") or 100)
    page: dict[str, Json] = {key: items[start : start + size]}
    if start + size < len(items):
        page["nextToken"] = str(start + size)
    return page


def _list_item(execution: Execution) -> Json:
    item = {
        "executionArn": execution.arn,
        "stateMachineArn": execution.state_machine_arn,
        "name": execution.name,
        "status": execution.status,
        "startDate": execution.start_date,
        "redriveCount": 0,
    }
    if execution.stop_date:
        item["stopDate"] = execution.stop_date
    return item


class StepFunctionsApi:
    def __init__(self, executor: WorkflowExecutor) -> None:
        self.executor = executor
        self.actions: dict[str, Callable[[Json], Json]] = {
            "StartExecution": self.start_execution,
            "DescribeExecution": lambda body: self.executor.execution(
                body["executionArn"]
            ).describe(),
            "ListExecutions": self.list_executions,
            "GetExecutionHistory": self.get_execution_history,
            "StopExecution": self.stop_execution,
            "SendTaskSuccess": self.send_task_success,
            "SendTaskFailure": self.send_task_failure,
            "SendTaskHeartbeat": self.send_task_heartbeat,
        }

    def handles(self, action: str) -> bool:
        return action in self.actions

    def dispatch(self, action: str, body: Json) -> Json:
        try:
            return _encode(self.actions[action](body))
        except KeyError as exc:
            raise ApiError("ValidationException", f"Missing required parameter {exc}") from exc
        except InvalidTokenError as exc:
            raise ApiError("InvalidToken", str(exc)) from exc
        except TaskTimedOutError as exc:
            raise ApiError("TaskTimedOut", str(exc)) from exc

    def start_execution(self, body: Json) -> Json:
        execution = self.executor.start_execution(
            body["stateMachineArn"], body.get("name"), body.get("input")
        )
        return {"executionArn": execution.arn, "startDate": execution.start_date}

    def list_executions(self, body: Json) -> Json:
        executions = self.executor.executions(body.get("stateMachineArn"), body.get("statusFilter"))
        return _page([_list_item(e) for e in executions], body, "executions")

    def get_execution_history(self, body: Json) -> Json:
        events = self.executor.execution(body["executionArn"]).history.events()
        if body.get("reverseOrder"):
            events.reverse()
        return _page(events, body, "events")

    def stop_execution(self, body: Json) -> Json:
        stopped = self.executor.stop_execution(
            body["executionArn"], body.get("error"), body.get("cause")
        )
        return {"stopDate": stopped}

    def send_task_success(self, body: Json) -> Json:
        try:
            output = json.loads(body["output"])
        except (TypeError, json.JSONDecodeError) as exc:
            raise ApiError("InvalidOutput", f"Invalid Output: {exc}") from exc
        self.executor.callbacks.succeed(body["taskToken"], output)
        return {}

    def send_task_failure(self, body: Json) -> Json:
        self.executor.callbacks.fail(
            body["taskToken"], body.get("error", ""), body.get("cause", "")
        )
        return {}

    def send_task_heartbeat(self, body: Json) -> Json:
        self.executor.callbacks.heartbeat(body["taskToken"])
        return {}


def make_handler(api: StepFunctionsApi, emulator_url: str) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, format: str, *args: Any) -> None:
            log.debug("%s " + format, self.address_string(), *args)

        def _reply(self, status: int, body: bytes, content_type: str) -> None:
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def _json(self, status: int, document: Json) -> None:
            self._reply(status, json.dumps(document).encode(), "application/x-amz-json-1.0")

        def do_GET(self) -> None:
            if self.path == "/_local/health":
                self._json(200, {"status": "ok", "executions": len(api.executor.executions())})
                return
            self._forward(b"")

        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            target = self.headers.get("X-Amz-Target", "")
            action = target.removeprefix(_TARGET_PREFIX)
            if not (target.startswith(_TARGET_PREFIX) and api.handles(action)):
                self._forward(body)
                return
            try:
                document = json.loads(body or b"{}")
                self._json(200, api.dispatch(action, document))
            except ApiError as exc:
                self._json(400, {"__type": exc.code, "message": exc.message})
            except json.JSONDecodeError as exc:
                self._json(400, {"__type": "SerializationException", "message": str(exc)})

        def _forward(self, body: bytes) -> None:
            headers = {
                name: self.headers[name] for name in _FORWARDED_HEADERS if name in self.headers
            }
            try:
                response = requests.request(
                    self.command,
                    emulator_url.rstrip("/") + self.path,
                    data=body,
                    headers=headers,
                    timeout=60,
                )
            except requests.RequestException as exc:
                self._json(
                    502, {"__type": "ServiceUnavailable", "message": f"emulator unreachable: {exc}"}
                )
                return
            content_type = response.headers.get("Content-Type", "application/x-amz-json-1.0")
            self._reply(response.status_code, response.content, content_type)

    return Handler


class ExecutorServer:
    """The executor and its API on `host:port` (0: any free port), served from a background
    thread. The port is bound first so the executor can give its own URL to Lambdas and jobs
    (AWS_ENDPOINT_URL_SFN)."""

    def __init__(
        self,
        settings: ExecutorSettings,
        host: str = "127.0.0.1",
        port: int = 0,
        **executor_options: Any,
    ) -> None:
        self.httpd = LocalHTTPServer((host, port), BaseHTTPRequestHandler)
        bound_host, bound_port = self.httpd.server_address[:2]
        host_text = bound_host.decode() if isinstance(bound_host, bytes) else str(bound_host)
        self.url = f"http://{host_text}:{bound_port}"
        self.executor = WorkflowExecutor(replace(settings, sfn_url=self.url), **executor_options)
        self.httpd.RequestHandlerClass = make_handler(
            StepFunctionsApi(self.executor), settings.emulator_url
        )
        self.thread = threading.Thread(target=self.httpd.serve_forever, name="sfn-api", daemon=True)

    def start(self) -> ExecutorServer:
        self.thread.start()
        log.info("Step Functions API of the workflow executor on %s", self.url)
        return self

    def close(self) -> None:
        if self.thread.is_alive():
            self.httpd.shutdown()
        self.httpd.server_close()
        self.executor.close()
