"""WorkflowExecutor: runs executions of state machines deployed in the AWS emulator.

StartExecution fetches the definition by state machine ARN from the emulator's Step Functions API
(DescribeStateMachine) and runs it as is in a thread; the other execution actions read the
executions kept here. Task tokens, SageMaker jobs, endpoints and Lambda workers are shared by all
executions.
"""

from __future__ import annotations

import json
import logging
import random
import re
import threading
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from botocore.exceptions import ClientError

from local_stack.lambda_runner import LambdaRunner
from local_stack.workflow.asl.callbacks import CallbackRegistry
from local_stack.workflow.asl.errors import UnsupportedConstructError
from local_stack.workflow.asl.history import History
from local_stack.workflow.asl.interpreter import ExecutionInfo, Interpreter, Outcome
from local_stack.workflow.clients import EmulatorClients
from local_stack.workflow.integrations import IntegrationRegistry
from local_stack.workflow.integrations.aws_calls import ClientFactory, optimized_call, sdk_call
from local_stack.workflow.integrations.hosting import Hosting, ModelLoader
from local_stack.workflow.integrations.lambda_invoke import LambdaInvoke
from local_stack.workflow.integrations.model_loader import EndpointServerLoader, NoEndpointServer
from local_stack.workflow.integrations.sagemaker_jobs import JobSettings, SageMakerJobs
from local_stack.workflow.settings import ExecutorSettings

log = logging.getLogger(__name__)
Json = Any

# Step Functions execution names: 1-80 characters, none of whitespace, brackets, wildcards,
# the listed punctuation or control characters.
_EXECUTION_NAME = re.compile(r"^[^\s<>{}\[\]?*\"#%\\^|~`$&,;:/\x00-\x1f\x7f-\x9f]{1,80}$")


def _definition(machine: Json) -> Json:
    try:
        definition = json.loads(machine["definition"])
    except (KeyError, TypeError, json.JSONDecodeError) as exc:
        raise UnsupportedConstructError(f"the definition is not JSON: {exc}") from exc
    if not isinstance(definition, dict):
        raise UnsupportedConstructError("the definition is not a JSON object")
    return definition


def _execution_arn(state_machine_arn: str, name: str) -> str:
    prefix, _, machine_name = state_machine_arn.rpartition(":stateMachine:")
    return f"{prefix}:execution:{machine_name}:{name}"


class ApiError(Exception):
    """A Step Functions API error: `code` is the exception name boto3 raises."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


@dataclass
class Execution:
    arn: str
    name: str
    state_machine_arn: str
    input_text: str
    start_date: datetime
    status: str = "RUNNING"
    stop_date: datetime | None = None
    output: Json = None
    error: str | None = None
    cause: str | None = None
    history: History = field(default_factory=History)
    stop: threading.Event = field(default_factory=threading.Event)
    done: threading.Event = field(default_factory=threading.Event)

    def describe(self) -> dict[str, Json]:
        description: dict[str, Json] = {
            "executionArn": self.arn,
            "stateMachineArn": self.state_machine_arn,
            "name": self.name,
            "status": self.status,
            "startDate": self.start_date,
            "input": self.input_text,
            "inputDetails": {"included": True},
            "redriveCount": 0,
        }
        if self.stop_date:
            description["stopDate"] = self.stop_date
        if self.status == "SUCCEEDED":
            description["output"] = json.dumps(self.output, separators=(",", ":"))
            description["outputDetails"] = {"included": True}
        if self.error is not None:
            description["error"] = self.error
        if self.cause is not None:
            description["cause"] = self.cause
        return description


class WorkflowExecutor:
    def __init__(
        self,
        settings: ExecutorSettings,
        *,
        clients: ClientFactory | None = None,
        loader: ModelLoader | None = None,
        runner: LambdaRunner | None = None,
        jitter: Callable[[], float] = random.random,
    ) -> None:
        self.settings = settings
        self.clients = clients or EmulatorClients(settings.emulator_url, settings.region)
        self.callbacks = CallbackRegistry()
        service_env = settings.service_env()
        self.runner = runner or LambdaRunner(
            self.clients("lambda"),
            code_root=settings.code_root,
            extra_env=service_env,
            python=settings.python,
            region=settings.region,
            log_dir=settings.function_log_dir,
        )
        self.jobs = SageMakerJobs(
            self.clients("s3"), JobSettings(settings.work_dir, settings.python, service_env)
        )
        if loader is None:
            url = settings.endpoint_server_url
            loader = EndpointServerLoader(url) if url else NoEndpointServer()
        self.hosting = Hosting(self.clients, loader, settings.work_dir)
        self.registry = self._registry()
        self.jitter = jitter
        self._executions: dict[str, Execution] = {}
        self._lock = threading.Lock()

    def _registry(self) -> IntegrationRegistry:
        lambda_invoke = LambdaInvoke(self.runner)
        return IntegrationRegistry(
            {
                ("lambda", "invoke", ""): lambda_invoke,
                ("sagemaker", "createProcessingJob", "sync"): self.jobs.processing_job_sync,
                ("sagemaker", "createTrainingJob", "sync"): self.jobs.training_job_sync,
                ("sagemaker", "createModel", ""): self.hosting.create_model,
                ("sagemaker", "createEndpointConfig", ""): self.hosting.create_endpoint_config,
                ("sagemaker", "createEndpoint", ""): self.hosting.create_endpoint,
                ("sagemaker", "updateEndpoint", ""): self.hosting.update_endpoint,
                ("aws-sdk:sagemaker", "describeEndpoint", ""): self.hosting.describe_endpoint,
            },
            sdk_handler=sdk_call(self.clients),
            optimized_handler=optimized_call(self.clients),
            forwarded_services=frozenset({"dynamodb", "sns", "sqs"}),
        )

    # -- executions -------------------------------------------------------------------------

    def start_execution(
        self, state_machine_arn: str, name: str | None = None, input_text: str | None = None
    ) -> Execution:
        name = name or str(uuid.uuid4())
        if not _EXECUTION_NAME.match(name):
            raise ApiError("InvalidName", f"Invalid Name: '{name}'")
        input_text = "{}" if input_text is None else input_text
        try:
            execution_input = json.loads(input_text)
        except json.JSONDecodeError as exc:
            raise ApiError(
                "InvalidExecutionInput", f"Invalid State Machine Execution Input: {exc}"
            ) from exc
        machine = self._state_machine(state_machine_arn)
        arn = _execution_arn(machine["stateMachineArn"], name)
        with self._lock:
            existing = self._executions.get(arn)
            if existing is not None:
                if existing.status == "RUNNING" and existing.input_text == input_text:
                    return existing  # StartExecution is idempotent for a running twin
                raise ApiError("ExecutionAlreadyExists", f"Execution Already Exists: '{arn}'")
            try:
                interpreter = Interpreter(
                    _definition(machine),
                    self.registry.resolve,
                    self.callbacks,
                    speedup=self.settings.speedup,
                    jitter=self.jitter,
                )
            except UnsupportedConstructError as exc:
                raise ApiError(
                    "InvalidDefinition", f"Cannot run this definition locally: {exc}"
                ) from exc
            execution = Execution(
                arn, name, machine["stateMachineArn"], input_text, datetime.now(UTC)
            )
            self._executions[arn] = execution
        info = ExecutionInfo(
            arn=arn,
            name=name,
            input=execution_input,
            start_time=execution.start_date,
            role_arn=machine.get("roleArn", ""),
            state_machine_arn=machine["stateMachineArn"],
            state_machine_name=machine["name"],
        )
        threading.Thread(
            target=self._run,
            args=(interpreter, info, execution),
            name=f"execution-{name}",
            daemon=True,
        ).start()
        log.info("started %s", arn)
        return execution

    def _run(self, interpreter: Interpreter, info: ExecutionInfo, execution: Execution) -> None:
        try:
            outcome = interpreter.run(info, execution.history, execution.stop)
        except Exception as exc:  # a bug here must still end the execution visibly
            log.exception("execution %s crashed", execution.arn)
            outcome = Outcome(
                "FAILED", error="Local.ExecutorError", cause=f"{type(exc).__name__}: {exc}"
            )
            execution.history.add(
                "ExecutionFailed",
                "executionFailedEventDetails",
                error=outcome.error,
                cause=outcome.cause,
            )
        with self._lock:
            if execution.status == "RUNNING":
                execution.status = outcome.status
                execution.output = outcome.output
                execution.error = outcome.error if execution.error is None else execution.error
                execution.cause = outcome.cause if execution.cause is None else execution.cause
                execution.stop_date = datetime.now(UTC)
        execution.done.set()
        log.info("%s %s", execution.arn, execution.status)

    def _state_machine(self, arn: str) -> Json:
        try:
            return self.clients("stepfunctions").describe_state_machine(stateMachineArn=arn)
        except ClientError as exc:
            code = exc.response.get("Error", {}).get("Code", "StateMachineDoesNotExist")
            raise ApiError(code, exc.response.get("Error", {}).get("Message", str(exc))) from exc

    def execution(self, arn: str) -> Execution:
        with self._lock:
            execution = self._executions.get(arn)
        if execution is None:
            raise ApiError("ExecutionDoesNotExist", f"Execution Does Not Exist: '{arn}'")
        return execution

    def executions(
        self, state_machine_arn: str | None = None, status: str | None = None
    ) -> list[Execution]:
        with self._lock:
            found = [
                e
                for e in self._executions.values()
                if (state_machine_arn is None or e.state_machine_arn == state_machine_arn)
                and (status is None or e.status == status)
            ]
        return sorted(found, key=lambda e: e.start_date, reverse=True)

    def stop_execution(
        self, arn: str, error: str | None = None, cause: str | None = None
    ) -> datetime:
        execution = self.execution(arn)
        with self._lock:
            if execution.status == "RUNNING":
                execution.status = "ABORTED"
                execution.error, execution.cause = error, cause
                execution.stop_date = datetime.now(UTC)
        execution.stop.set()
        return execution.stop_date or datetime.now(UTC)

    def wait(self, arn: str, timeout: float | None = None) -> Execution:
        """Block until the execution ends (for tests and scripts); raises TimeoutError."""
        execution = self.execution(arn)
        if not execution.done.wait(timeout):
            raise TimeoutError(f"{arn} still {execution.status} after {timeout}s")
        return execution

    def close(self) -> None:
        for execution in self.executions():
            execution.stop.set()
        for execution in self.executions():
            execution.done.wait(10)
        self.runner.close()
