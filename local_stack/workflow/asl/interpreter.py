"""Runs one execution of an ASL definition (JSONPath query language), state by state, recording a
Step Functions-like history. Integrations are looked up by Task Resource; the interpreter owns the
generic parts: paths, Retry with backoff, Catch, timeouts, `.waitForTaskToken` and Wait."""

from __future__ import annotations

import logging
import random
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from local_stack.workflow.asl import intrinsics
from local_stack.workflow.asl.callbacks import CallbackRegistry, ExecutionStoppedError
from local_stack.workflow.asl.choice import evaluate_rule
from local_stack.workflow.asl.definition import check_definition
from local_stack.workflow.asl.errors import (
    TASK_FAILED,
    TIMEOUT,
    StatesError,
    StatesRuntimeError,
    error_matches,
)
from local_stack.workflow.asl.history import History, iso_timestamp, to_json_text
from local_stack.workflow.asl.paths import (
    apply_input_path,
    apply_result_path,
    render_payload,
    select_with_context,
)
from local_stack.workflow.asl.tasks import ResourceRef, TaskHandler, TaskRequest, parse_resource

log = logging.getLogger(__name__)
Json = Any
State = Mapping[str, Any]
ResolveHandler = Callable[[ResourceRef], TaskHandler]


@dataclass(frozen=True)
class ExecutionInfo:
    arn: str
    name: str
    input: Json
    start_time: datetime
    role_arn: str
    state_machine_arn: str
    state_machine_name: str


@dataclass(frozen=True)
class Outcome:
    status: str  # SUCCEEDED | FAILED | ABORTED
    output: Json = None
    error: str | None = None
    cause: str | None = None


@dataclass(frozen=True)
class _Transition:
    output: Json
    next_state: str | None  # None: the execution ends here


class _FailStateError(Exception):
    def __init__(self, error: str, cause: str) -> None:
        super().__init__(error)
        self.error = error
        self.cause = cause


class Interpreter:
    """One checked definition, many executions. `speedup` divides Wait and Retry delays."""

    def __init__(
        self,
        definition: Mapping[str, Any],
        resolve_handler: ResolveHandler,
        callbacks: CallbackRegistry,
        *,
        speedup: float = 1.0,
        jitter: Callable[[], float] = random.random,
        sleep: Callable[[threading.Event, float], bool] = threading.Event.wait,
    ) -> None:
        if speedup <= 0:
            raise ValueError("speedup must be positive")
        check_definition(definition, lambda arn: resolve_handler(parse_resource(arn)))
        self.definition = definition
        self.resolve_handler = resolve_handler
        self.callbacks = callbacks
        self.speedup = speedup
        self.jitter = jitter
        # sleep(stop, seconds) -> True when the execution was stopped meanwhile.
        self.sleep = sleep

    def run(self, info: ExecutionInfo, history: History, stop: threading.Event) -> Outcome:
        return _Run(self, info, history, stop).execute()


def _next(state: State) -> str | None:
    return None if state.get("End") else state["Next"]


def _output(state: State, value: Json) -> Json:
    return apply_input_path(state.get("OutputPath", "$"), value)


def _positive_int(value: Json) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value > 0


def _call_within(deadline: float | None, timeout: Any, call: Callable[[], Json]) -> Json:
    """`call()`, or States.Timeout once `deadline` passes, as Step Functions ends a task at its
    TimeoutSeconds whatever the service is doing. The call runs on in its (daemon) thread and
    its late result is dropped; integrations that wait themselves (`.sync` jobs) also get the
    deadline in their request and stop their work."""
    if deadline is None:
        return call()
    outcome: dict[str, Any] = {}
    done = threading.Event()

    def target() -> None:
        try:
            outcome["result"] = call()
        except BaseException as exc:  # handed to the state's thread below
            outcome["error"] = exc
        finally:
            done.set()

    threading.Thread(target=target, name="task-call", daemon=True).start()
    if not done.wait(max(0.0, deadline - time.monotonic())):
        raise StatesError(TIMEOUT, f"The task did not finish within {timeout} seconds")
    if "error" in outcome:
        raise outcome["error"]
    result: Json = outcome["result"]
    return result


def _call_integration(handler: TaskHandler, request: TaskRequest) -> Json:
    """An integration that breaks (a local bug, a malformed request it did not expect) fails its
    task like a service error would, so the workflow's Catch and failure email still run."""
    try:
        return handler(request)
    except (StatesError, ExecutionStoppedError):
        raise
    except Exception as exc:
        log.exception("integration %s failed", request.resource.arn)
        raise StatesError(
            TASK_FAILED,
            f"Local integration {request.resource.arn} failed: {type(exc).__name__}: {exc}",
        ) from exc


class _Run:
    """The state of one execution while it runs."""

    def __init__(
        self, machine: Interpreter, info: ExecutionInfo, history: History, stop: threading.Event
    ) -> None:
        self.machine = machine
        self.states: Mapping[str, State] = machine.definition["States"]
        self.info = info
        self.history = history
        self.stop = stop

    def execute(self) -> Outcome:
        self.history.add(
            "ExecutionStarted",
            "executionStartedEventDetails",
            input=to_json_text(self.info.input),
            inputDetails={"truncated": False},
            roleArn=self.info.role_arn,
        )
        data = self.info.input
        name: str | None = self.machine.definition["StartAt"]
        try:
            while name is not None:
                if self.stop.is_set():
                    raise ExecutionStoppedError
                transition = self.run_state(name, self.states[name], data)
                data, name = transition.output, transition.next_state
        except ExecutionStoppedError:
            self.history.add("ExecutionAborted", "executionAbortedEventDetails")
            return Outcome("ABORTED")
        except (_FailStateError, StatesError) as failure:
            error, cause = failure.error, failure.cause
            self.history.add(
                "ExecutionFailed", "executionFailedEventDetails", error=error, cause=cause
            )
            return Outcome("FAILED", error=error, cause=cause)
        self.history.add(
            "ExecutionSucceeded",
            "executionSucceededEventDetails",
            output=to_json_text(data),
            outputDetails={"truncated": False},
        )
        return Outcome("SUCCEEDED", output=data)

    def context(self, state_name: str, entered: datetime, retry_count: int = 0) -> Json:
        info = self.info
        return {
            "Execution": {
                "Id": info.arn,
                "Name": info.name,
                "Input": info.input,
                "StartTime": iso_timestamp(info.start_time),
                "RoleArn": info.role_arn,
                "RedriveCount": 0,
            },
            "StateMachine": {"Id": info.state_machine_arn, "Name": info.state_machine_name},
            "State": {
                "Name": state_name,
                "EnteredTime": iso_timestamp(entered),
                "RetryCount": retry_count,
            },
        }

    def run_state(self, name: str, state: State, data: Json) -> _Transition:
        kind = state["Type"]
        entered = datetime.now().astimezone()
        self.history.state_entered(kind, name, data)
        context = self.context(name, entered)
        if kind == "Fail":
            raise _FailStateError(
                self.fail_field(state, "Error", data, context),
                self.fail_field(state, "Cause", data, context),
            )
        if kind == "Task":
            transition = self.run_task(name, state, data, entered)
        else:
            effective = apply_input_path(state.get("InputPath", "$"), data)
            if kind == "Pass":
                transition = self.run_pass(state, data, effective, context)
            elif kind == "Choice":
                transition = self.run_choice(state, effective, context)
            elif kind == "Wait":
                transition = self.run_wait(state, effective, context)
            else:  # Succeed
                transition = _Transition(_output(state, effective), None)
        self.history.state_exited(kind, name, transition.output)
        return transition

    @staticmethod
    def fail_field(state: State, field: str, data: Json, context: Json) -> str:
        path = state.get(f"{field}Path")
        if path is None:
            return str(state.get(field, ""))
        if path.startswith("$"):
            value = select_with_context(path, data, context)
        else:
            value = intrinsics.evaluate(path, data, context)
        if not isinstance(value, str):
            raise StatesRuntimeError(
                f"{field}Path {path!r} gave {type(value).__name__}, not a string"
            )
        return value

    @staticmethod
    def run_pass(state: State, data: Json, effective: Json, context: Json) -> _Transition:
        if "Result" in state:
            result = state["Result"]
        elif "Parameters" in state:
            result = render_payload(state["Parameters"], effective, context, intrinsics.evaluate)
        else:
            result = effective
        output = apply_result_path(state.get("ResultPath", "$"), data, result)
        return _Transition(_output(state, output), _next(state))

    @staticmethod
    def run_choice(state: State, effective: Json, context: Json) -> _Transition:
        for rule in state["Choices"]:
            if evaluate_rule(rule, effective, context):
                return _Transition(_output(state, effective), rule["Next"])
        if "Default" not in state:
            raise StatesError("States.NoChoiceMatched", "No Choice rule matched and no Default")
        return _Transition(_output(state, effective), state["Default"])

    def run_wait(self, state: State, effective: Json, context: Json) -> _Transition:
        if "Seconds" in state:
            seconds = state["Seconds"]
        else:
            seconds = select_with_context(state["SecondsPath"], effective, context)
        if not (_positive_int(seconds) or seconds == 0):
            raise StatesRuntimeError(f"Wait needs a whole number of seconds >= 0, got {seconds!r}")
        if self.machine.sleep(self.stop, seconds / self.machine.speedup):
            raise ExecutionStoppedError
        return _Transition(_output(state, effective), _next(state))

    def run_task(self, name: str, state: State, data: Json, entered: datetime) -> _Transition:
        effective = apply_input_path(state.get("InputPath", "$"), data)
        retriers = state.get("Retry", [])
        attempts = [0] * len(retriers)
        retry_count = 0
        while True:
            context = self.context(name, entered, retry_count)
            try:
                result = self.invoke(name, state, effective, context)
                if "ResultSelector" in state:
                    result = render_payload(
                        state["ResultSelector"], result, context, intrinsics.evaluate
                    )
                output = apply_result_path(state.get("ResultPath", "$"), data, result)
                return _Transition(_output(state, output), _next(state))
            except StatesRuntimeError:
                raise
            except StatesError as exc:
                delay = self.retry_delay(retriers, attempts, exc.error)
                if delay is not None:
                    retry_count += 1
                    log.info("%s: %s, retry %d in %.2fs", name, exc.error, retry_count, delay)
                    if self.machine.sleep(self.stop, delay / self.machine.speedup):
                        raise ExecutionStoppedError from exc
                    continue
                for catcher in state.get("Catch", []):
                    if error_matches(exc.error, catcher["ErrorEquals"]):
                        caught = exc.as_output()
                        output = apply_result_path(catcher.get("ResultPath", "$"), data, caught)
                        return _Transition(output, catcher["Next"])
                raise

    def retry_delay(self, retriers: list[State], attempts: list[int], error: str) -> float | None:
        """Seconds before the next attempt under the first Retrier matching `error`; None when
        none matches or its attempts are spent (AWS only ever uses the first match)."""
        for index, retrier in enumerate(retriers):
            if not error_matches(error, retrier["ErrorEquals"]):
                continue
            if attempts[index] >= retrier.get("MaxAttempts", 3):
                return None
            interval = float(retrier.get("IntervalSeconds", 1))
            delay = interval * float(retrier.get("BackoffRate", 2.0)) ** attempts[index]
            if "MaxDelaySeconds" in retrier:
                delay = min(delay, float(retrier["MaxDelaySeconds"]))
            if retrier.get("JitterStrategy") == "FULL":
                delay *= self.machine.jitter()
            attempts[index] += 1
            return delay
        return None

    def invoke(self, name: str, state: State, effective: Json, context: Json) -> Json:
        resource = parse_resource(state["Resource"])
        timeout = state.get("TimeoutSeconds")
        if "TimeoutSecondsPath" in state:
            timeout = select_with_context(state["TimeoutSecondsPath"], effective, context)
        if timeout is not None and not _positive_int(timeout):
            raise StatesRuntimeError(f"TimeoutSeconds must be a positive integer, got {timeout!r}")
        deadline = None if timeout is None else time.monotonic() + timeout
        token = None
        if resource.pattern == "waitForTaskToken":
            token = self.machine.callbacks.issue(self.info.arn, name)
            context = {**context, "Task": {"Token": token}}
        parameters = effective
        if "Parameters" in state:
            parameters = render_payload(
                state["Parameters"], effective, context, intrinsics.evaluate
            )
        details = {"resourceType": resource.resource_type, "resource": resource.resource_name}
        self.history.add(
            "TaskScheduled",
            "taskScheduledEventDetails",
            **details,
            region=self.info.arn.split(":")[3],
            parameters=to_json_text(parameters),
            timeoutInSeconds=timeout,
        )
        self.history.add("TaskStarted", "taskStartedEventDetails", **details)
        request = TaskRequest(
            resource=resource,
            parameters=parameters,
            state_name=name,
            execution_arn=self.info.arn,
            execution_name=self.info.name,
            deadline=deadline,
            stop=self.stop,
            submitted=lambda output: self.history.add(
                "TaskSubmitted", "taskSubmittedEventDetails", **details, output=to_json_text(output)
            ),
        )
        try:
            # For `.waitForTaskToken` the registry hands out the plain request-response call.
            handler = self.machine.resolve_handler(resource)
            result = _call_within(deadline, timeout, lambda: _call_integration(handler, request))
            if token is not None:
                result = self.machine.callbacks.wait(token, deadline, self.stop)
            elif deadline is not None and time.monotonic() > deadline:
                raise StatesError(TIMEOUT, f"The task did not finish within {timeout} seconds")
        except StatesError as exc:
            if token is not None:
                self.machine.callbacks.close(token)
            event = "TaskTimedOut" if exc.error == TIMEOUT else "TaskFailed"
            self.history.add(
                event, f"task{event[4:]}EventDetails", **details, error=exc.error, cause=exc.cause
            )
            raise
        self.history.add(
            "TaskSucceeded", "taskSucceededEventDetails", **details, output=to_json_text(result)
        )
        return result
