"""Workflow executor overheads: the interpreter's cost per state transition, and a warm Lambda
invocation through the Lambda runner (config read from the emulator, handler in its worker).

Targets: at least 2,000 state transitions per second in the interpreter (a state costs well under
a millisecond next to the seconds a job takes); warm Lambda invoke p50 under 25 ms, p99 under
100 ms.
"""

from __future__ import annotations

import io
import json
import logging
import statistics
import threading
import time
import zipfile
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from moto.server import ThreadedMotoServer

from local_stack.lambda_runner import LambdaRunner
from local_stack.workflow.asl.callbacks import CallbackRegistry
from local_stack.workflow.asl.history import History
from local_stack.workflow.asl.interpreter import ExecutionInfo, Interpreter
from local_stack.workflow.asl.tasks import TaskRequest
from local_stack.workflow.clients import EmulatorClients

REPO_ROOT = Path(__file__).resolve().parents[1]
LOOPS = 2_000
INVOCATIONS = 300
TRANSITIONS_TARGET = 2_000.0
INVOKE_P50_TARGET_MS = 25.0
INVOKE_P99_TARGET_MS = 100.0

# Each loop: Pass (MathAdd), Task (echo, ResultSelector), Choice: three transitions.
LOOP_DEFINITION = {
    "StartAt": "Init",
    "States": {
        "Init": {"Type": "Pass", "Result": {"n": 0}, "ResultPath": "$.counter", "Next": "Count"},
        "Count": {
            "Type": "Pass",
            "Parameters": {"n.$": "States.MathAdd($.counter.n, 1)"},
            "ResultPath": "$.counter",
            "Next": "Echo",
        },
        "Echo": {
            "Type": "Task",
            "Resource": "arn:aws:states:::bench:echo",
            "Parameters": {"n.$": "$.counter.n", "name.$": "$$.Execution.Name"},
            "ResultSelector": {"seen.$": "$.n"},
            "ResultPath": "$.echo",
            "Next": "Done?",
        },
        "Done?": {
            "Type": "Choice",
            "Choices": [
                {"Variable": "$.counter.n", "NumericGreaterThanEquals": LOOPS, "Next": "End"}
            ],
            "Default": "Count",
        },
        "End": {"Type": "Succeed"},
    },
}


def _echo(request: TaskRequest) -> Any:
    return request.parameters


def interpreter_transitions_per_second() -> dict[str, Any]:
    interpreter = Interpreter(LOOP_DEFINITION, lambda ref: _echo, CallbackRegistry())
    info = ExecutionInfo(
        "arn:aws:states:r:1:execution:sm:bench", "bench", {}, datetime.now(UTC), "", "sm", "sm"
    )
    history = History()
    started = time.perf_counter()
    outcome = interpreter.run(info, history, threading.Event())
    elapsed = time.perf_counter() - started
    transitions = sum(1 for event in history.events() if event["type"].endswith("StateEntered"))
    assert outcome.status == "SUCCEEDED"
    return {
        "transitions": transitions,
        "seconds": round(elapsed, 3),
        "transitions_per_second": round(transitions / elapsed, 1),
        "ms_per_transition": round(1000 * elapsed / transitions, 4),
    }


def warm_lambda_invoke_latency() -> dict[str, Any]:
    logging.getLogger("werkzeug").setLevel(logging.WARNING)  # one line per request otherwise
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    clients = EmulatorClients(f"http://{host}:{port}", "eu-west-1")
    try:
        role = clients("iam").create_role(RoleName="bench", AssumeRolePolicyDocument="{}")
        code = io.BytesIO()
        with zipfile.ZipFile(code, "w") as archive:
            archive.writestr("placeholder.py", "")
        client = clients("lambda")
        arn = client.create_function(
            FunctionName="bench-echo",
            Runtime="python3.11",
            Role=role["Role"]["Arn"],
            Handler="benchmarks.bench_workflow.echo_handler",
            Code={"ZipFile": code.getvalue()},
        )["FunctionArn"]
        runner = LambdaRunner(client, code_root=REPO_ROOT, region="eu-west-1")
        try:
            runner.invoke(arn, {"warm": "up"})
            latencies = []
            for index in range(INVOCATIONS):
                started = time.perf_counter()
                result = runner.invoke(arn, {"i": index})
                latencies.append(1000 * (time.perf_counter() - started))
                assert json.loads(result.payload) == {"i": index}
        finally:
            runner.close()
    finally:
        server.stop()
    quantiles = statistics.quantiles(latencies, n=100)
    return {
        "invocations": INVOCATIONS,
        "p50_ms": round(quantiles[49], 2),
        "p99_ms": round(quantiles[98], 2),
    }


def echo_handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    return event


def run() -> dict[str, Any]:
    interpreter = interpreter_transitions_per_second()
    invoke = warm_lambda_invoke_latency()
    return {
        "interpreter": interpreter,
        "lambda_invoke": invoke,
        "targets": {
            "transitions_per_second_min": TRANSITIONS_TARGET,
            "lambda_invoke_p50_ms_max": INVOKE_P50_TARGET_MS,
            "lambda_invoke_p99_ms_max": INVOKE_P99_TARGET_MS,
        },
        "targets_met": {
            "transitions_per_second": interpreter["transitions_per_second"] >= TRANSITIONS_TARGET,
            "lambda_invoke_p50": invoke["p50_ms"] <= INVOKE_P50_TARGET_MS,
            "lambda_invoke_p99": invoke["p99_ms"] <= INVOKE_P99_TARGET_MS,
        },
    }
