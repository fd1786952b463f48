import threading
from datetime import UTC, datetime

import pytest

from local_stack.workflow.asl.callbacks import (
    CallbackRegistry,
    InvalidTokenError,
    TaskTimedOutError,
)
from local_stack.workflow.asl.errors import StatesError, UnsupportedConstructError
from local_stack.workflow.asl.history import History
from local_stack.workflow.asl.interpreter import ExecutionInfo, Interpreter, Outcome
from local_stack.workflow.asl.tasks import ResourceRef, TaskRequest

ECHO = "arn:aws:states:::test:echo"
FLAKY = "arn:aws:states:::test:flaky"
CALLBACK = "arn:aws:states:::test:callback.waitForTaskToken"


class Handlers:
    """Fake integrations: echo the parameters, fail N times, or complete a task token."""

    def __init__(self, callbacks: CallbackRegistry, failures: list[str] | None = None):
        self.callbacks = callbacks
        self.failures = list(failures or [])
        self.requests: list[TaskRequest] = []
        self.on_callback = lambda token: callbacks.succeed(token, {"decision": "approved"})

    def resolve(self, ref: ResourceRef):
        if ref.service != "test":
            raise UnsupportedConstructError(f"no integration for {ref.arn}")
        return getattr(self, ref.action)

    def echo(self, request: TaskRequest):
        self.requests.append(request)
        return request.parameters

    def flaky(self, request: TaskRequest):
        self.requests.append(request)
        if self.failures:
            raise StatesError(self.failures.pop(0), "flaky failure")
        return {"ok": True}

    def broken(self, request: TaskRequest):
        return request.parameters["missing"]

    def callback(self, request: TaskRequest):
        self.requests.append(request)
        self.on_callback(request.parameters["token"])
        return {"StatusCode": 200}


def run(definition, execution_input=None, *, failures=None, speedup=1.0, configure=None):
    callbacks = CallbackRegistry()
    handlers = Handlers(callbacks, failures)
    if configure:
        configure(handlers)
    sleeps: list[float] = []

    def sleep(stop, seconds):
        sleeps.append(seconds)
        return stop.is_set()

    interpreter = Interpreter(
        definition, handlers.resolve, callbacks, speedup=speedup, jitter=lambda: 0.5, sleep=sleep
    )
    info = ExecutionInfo(
        arn="arn:aws:states:eu-west-1:123456789012:execution:sm:exec-1",
        name="exec-1",
        input=execution_input if execution_input is not None else {},
        start_time=datetime(2024, 5, 1, tzinfo=UTC),
        role_arn="arn:aws:iam::123456789012:role/sfn",
        state_machine_arn="arn:aws:states:eu-west-1:123456789012:stateMachine:sm",
        state_machine_name="sm",
    )
    history = History()
    outcome = interpreter.run(info, history, threading.Event())
    return outcome, history.events(), handlers, sleeps


def machine(states, start=None):
    return {"StartAt": start or next(iter(states)), "States": states}


def test_pass_result_result_path_and_output_path():
    definition = machine(
        {
            "P": {
                "Type": "Pass",
                "Result": {"x": 1},
                "ResultPath": "$.r",
                "OutputPath": "$.r",
                "End": True,
            }
        }
    )
    outcome, *_ = run(definition, {"keep": True})
    assert outcome == Outcome("SUCCEEDED", output={"x": 1})


def test_pass_parameters_use_input_path_and_context():
    definition = machine(
        {
            "P": {
                "Type": "Pass",
                "InputPath": "$.inner",
                "Parameters": {
                    "v.$": "$.v",
                    "name.$": "$$.Execution.Name",
                    "state.$": "$$.State.Name",
                },
                "End": True,
            }
        }
    )
    outcome, *_ = run(definition, {"inner": {"v": 3}})
    assert outcome.output == {"v": 3, "name": "exec-1", "state": "P"}


def test_choice_goes_to_matching_rule_then_default():
    states = {
        "C": {
            "Type": "Choice",
            "Choices": [{"Variable": "$.n", "NumericGreaterThan": 1, "Next": "Big"}],
            "Default": "Small",
        },
        "Big": {"Type": "Pass", "Result": "big", "End": True},
        "Small": {"Type": "Pass", "Result": "small", "End": True},
    }
    assert run(machine(states), {"n": 2})[0].output == "big"
    assert run(machine(states), {"n": 0})[0].output == "small"


def test_choice_without_match_or_default_fails_execution():
    states = {
        "C": {"Type": "Choice", "Choices": [{"Variable": "$.n", "IsNull": True, "Next": "C"}]}
    }
    outcome, *_ = run(machine(states), {"n": 1})
    assert outcome.status == "FAILED"
    assert outcome.error == "States.NoChoiceMatched"


def test_wait_seconds_path_is_divided_by_speedup():
    definition = machine(
        {"W": {"Type": "Wait", "SecondsPath": "$.s", "Next": "S"}, "S": {"Type": "Succeed"}}
    )
    outcome, _, _, sleeps = run(definition, {"s": 100}, speedup=1000)
    assert outcome.status == "SUCCEEDED"
    assert sleeps == [pytest.approx(0.1)]


def test_wait_rejects_non_integer_seconds():
    definition = machine({"W": {"Type": "Wait", "SecondsPath": "$.s", "End": True}})
    outcome, *_ = run(definition, {"s": "10"})
    assert outcome.error == "States.Runtime"


def test_succeed_applies_output_path():
    definition = machine({"S": {"Type": "Succeed", "OutputPath": "$.outcome"}})
    assert run(definition, {"outcome": {"status": "live"}, "big": 1})[0].output == {
        "status": "live"
    }


def test_fail_with_cause_path_intrinsic():
    definition = machine(
        {
            "F": {
                "Type": "Fail",
                "Error": "PipelineFailed",
                "CausePath": "States.JsonToString($.errors)",
            }
        }
    )
    outcome, events, *_ = run(definition, {"errors": {"Training": {"Error": "E"}}})
    assert outcome == Outcome("FAILED", error="PipelineFailed", cause='{"Training":{"Error":"E"}}')
    assert [e["type"] for e in events] == [
        "ExecutionStarted",
        "FailStateEntered",
        "ExecutionFailed",
    ]


def test_task_parameters_result_selector_and_history():
    definition = machine(
        {
            "T": {
                "Type": "Task",
                "Resource": ECHO,
                "Parameters": {"Name.$": "$.name", "Items": [{"Id.$": "$.name"}]},
                "ResultSelector": {"picked.$": "$.Items[?(@.Id == 'x')].Id"},
                "ResultPath": "$.result",
                "End": True,
            }
        }
    )
    outcome, events, handlers, _ = run(definition, {"name": "x"})
    assert outcome.output == {"name": "x", "result": {"picked": ["x"]}}
    assert handlers.requests[0].parameters == {"Name": "x", "Items": [{"Id": "x"}]}
    assert [e["type"] for e in events] == [
        "ExecutionStarted",
        "TaskStateEntered",
        "TaskScheduled",
        "TaskStarted",
        "TaskSucceeded",
        "TaskStateExited",
        "ExecutionSucceeded",
    ]
    scheduled = events[2]["taskScheduledEventDetails"]
    assert scheduled["resourceType"] == "test"
    assert scheduled["resource"] == "echo"
    assert scheduled["region"] == "eu-west-1"
    assert [e["id"] for e in events] == list(range(1, 8))


RETRY = {
    "ErrorEquals": ["Svc.Throttled"],
    "IntervalSeconds": 2,
    "MaxAttempts": 3,
    "BackoffRate": 3.0,
}


def test_retry_backs_off_then_succeeds_and_counts_retries():
    definition = machine({"T": {"Type": "Task", "Resource": FLAKY, "Retry": [RETRY], "End": True}})
    outcome, _, handlers, sleeps = run(definition, failures=["Svc.Throttled", "Svc.Throttled"])
    assert outcome.output == {"ok": True}
    assert sleeps == [2.0, 6.0]
    assert len(handlers.requests) == 3


def test_retry_max_delay_and_full_jitter_scale_the_delay():
    retry = {**RETRY, "MaxDelaySeconds": 4, "JitterStrategy": "FULL"}
    definition = machine({"T": {"Type": "Task", "Resource": FLAKY, "Retry": [retry], "End": True}})
    _, _, _, sleeps = run(definition, failures=["Svc.Throttled", "Svc.Throttled"], speedup=2)
    # min(2, 4) * 0.5 jitter / 2 speedup, then min(6, 4) * 0.5 / 2
    assert sleeps == [0.5, 1.0]


def test_retry_exhausted_then_catch_writes_error_to_result_path():
    definition = machine(
        {
            "T": {
                "Type": "Task",
                "Resource": FLAKY,
                "Retry": [{**RETRY, "MaxAttempts": 1}],
                "Catch": [
                    {"ErrorEquals": ["States.ALL"], "ResultPath": "$.errors.T", "Next": "Handled"}
                ],
                "End": True,
            },
            "Handled": {"Type": "Pass", "End": True},
        }
    )
    outcome, _, handlers, _ = run(definition, {"a": 1}, failures=["Svc.Throttled"] * 3)
    assert outcome.output == {
        "a": 1,
        "errors": {"T": {"Error": "Svc.Throttled", "Cause": "flaky failure"}},
    }
    assert len(handlers.requests) == 2


def test_retry_uses_only_first_matching_retrier():
    retriers = [{"ErrorEquals": ["States.ALL"], "MaxAttempts": 0}, RETRY]
    definition = machine({"T": {"Type": "Task", "Resource": FLAKY, "Retry": retriers, "End": True}})
    outcome, _, handlers, _ = run(definition, failures=["Svc.Throttled"])
    assert outcome.error == "Svc.Throttled"
    assert len(handlers.requests) == 1


def test_retry_count_in_context_object():
    definition = machine(
        {
            "T": {
                "Type": "Task",
                "Resource": FLAKY,
                "Parameters": {"retry.$": "$$.State.RetryCount"},
                "Retry": [RETRY],
                "End": True,
            }
        }
    )
    _, _, handlers, _ = run(definition, failures=["Svc.Throttled"])
    assert [r.parameters["retry"] for r in handlers.requests] == [0, 1]


def test_broken_integration_fails_its_task_catchably():
    definition = machine(
        {
            "T": {
                "Type": "Task",
                "Resource": "arn:aws:states:::test:broken",
                "Catch": [
                    {
                        "ErrorEquals": ["States.TaskFailed"],
                        "ResultPath": "$.error",
                        "Next": "Handled",
                    }
                ],
                "End": True,
            },
            "Handled": {"Type": "Succeed"},
        }
    )
    outcome, *_ = run(definition)
    assert outcome.output["error"]["Error"] == "States.TaskFailed"
    assert "KeyError: 'missing'" in outcome.output["error"]["Cause"]


def test_catch_all_does_not_catch_runtime_errors():
    definition = machine(
        {
            "T": {
                "Type": "Task",
                "Resource": ECHO,
                "Parameters": {"x.$": "$.absent"},
                "Catch": [{"ErrorEquals": ["States.ALL"], "Next": "Handled"}],
                "End": True,
            },
            "Handled": {"Type": "Succeed"},
        }
    )
    outcome, *_ = run(definition)
    assert outcome.status == "FAILED"
    assert outcome.error == "States.Runtime"
    assert "$.absent" in outcome.cause


def test_wait_for_task_token_returns_callback_output_and_passes_token():
    definition = machine(
        {
            "T": {
                "Type": "Task",
                "Resource": CALLBACK,
                "Parameters": {"token.$": "$$.Task.Token"},
                "ResultPath": "$.approval",
                "End": True,
            }
        }
    )
    outcome, _, handlers, _ = run(definition)
    assert outcome.output == {"approval": {"decision": "approved"}}
    assert len(handlers.requests[0].parameters["token"]) >= 100


def test_wait_for_task_token_failure_is_caught_by_its_error_name():
    def reject(handlers):
        handlers.on_callback = lambda token: handlers.callbacks.fail(
            token, "ModelRejected", "too risky"
        )

    definition = machine(
        {
            "T": {
                "Type": "Task",
                "Resource": CALLBACK,
                "Parameters": {"token.$": "$$.Task.Token"},
                "Catch": [{"ErrorEquals": ["ModelRejected"], "ResultPath": "$.why", "Next": "No"}],
                "End": True,
            },
            "No": {"Type": "Succeed"},
        }
    )
    outcome, *_ = run(definition, configure=reject)
    assert outcome.output == {"why": {"Error": "ModelRejected", "Cause": "too risky"}}


def test_timeout_seconds_path_times_out_callback_as_states_timeout():
    def never(handlers):
        handlers.on_callback = lambda token: None

    definition = machine(
        {
            "T": {
                "Type": "Task",
                "Resource": CALLBACK,
                "Parameters": {"token.$": "$$.Task.Token"},
                "TimeoutSecondsPath": "$.timeout",
                "Catch": [
                    {"ErrorEquals": ["States.TaskFailed"], "Next": "Wrong"},
                    {"ErrorEquals": ["States.Timeout"], "ResultPath": "$.why", "Next": "Late"},
                ],
                "End": True,
            },
            "Wrong": {"Type": "Fail", "Error": "Wrong"},
            "Late": {"Type": "Succeed"},
        }
    )
    outcome, events, *_ = run(definition, {"timeout": 1}, configure=never)
    assert outcome.output["why"]["Error"] == "States.Timeout"
    assert "TaskTimedOut" in [e["type"] for e in events]


def test_token_completed_after_timeout_is_rejected():
    tokens: list[str] = []

    def never(handlers):
        handlers.on_callback = tokens.append

    definition = machine(
        {
            "T": {
                "Type": "Task",
                "Resource": CALLBACK,
                "Parameters": {"token.$": "$$.Task.Token"},
                "TimeoutSeconds": 1,
                "End": True,
            }
        }
    )
    callbacks_holder: list[CallbackRegistry] = []

    def keep(handlers):
        never(handlers)
        callbacks_holder.append(handlers.callbacks)

    outcome, *_ = run(definition, configure=keep)
    assert outcome.error == "States.Timeout"
    with pytest.raises(TaskTimedOutError):
        callbacks_holder[0].succeed(tokens[0], {})
    with pytest.raises(InvalidTokenError):
        callbacks_holder[0].succeed("not-a-token", {})


@pytest.mark.parametrize(
    ("definition", "named"),
    [
        (machine({"M": {"Type": "Map", "End": True}}), "Map"),
        (
            machine({"T": {"Type": "Task", "Resource": ECHO, "HeartbeatSeconds": 5, "End": True}}),
            "HeartbeatSeconds",
        ),
        (
            machine({"T": {"Type": "Task", "Resource": "arn:aws:states:::other:x", "End": True}}),
            "arn:aws:states:::other:x",
        ),
        (
            machine(
                {
                    "T": {
                        "Type": "Task",
                        "Resource": "arn:aws:lambda:eu-west-1:1:function:f",
                        "End": True,
                    }
                }
            ),
            "function:f",
        ),
        (
            machine({"P": {"Type": "Pass", "Parameters": {"x.$": "States.UUID()"}, "End": True}}),
            "States.UUID",
        ),
        (machine({"P": {"Type": "Pass", "Next": "Nowhere"}}), "Nowhere"),
        (machine({"P": {"Type": "Pass"}}), "exactly one of Next and End"),
    ],
)
def test_unsupported_construct_is_named_before_running(definition, named):
    with pytest.raises(UnsupportedConstructError, match=named.replace(".", r"\.")):
        Interpreter(definition, Handlers(CallbackRegistry()).resolve, CallbackRegistry())


def test_stop_during_wait_aborts_execution():
    definition = machine({"W": {"Type": "Wait", "Seconds": 1, "End": True}})
    stop = threading.Event()

    def stopping_sleep(event, seconds):
        stop.set()
        return True

    interpreter = Interpreter(
        definition, Handlers(CallbackRegistry()).resolve, CallbackRegistry(), sleep=stopping_sleep
    )
    info = ExecutionInfo(
        "arn:aws:states:r:1:execution:sm:e", "e", {}, datetime.now(UTC), "r", "sm-arn", "sm"
    )
    history = History()
    assert interpreter.run(info, history, stop).status == "ABORTED"
    assert history.events()[-1]["type"] == "ExecutionAborted"


def test_timeout_seconds_ends_a_call_that_hangs_as_states_timeout():
    released, answered = threading.Event(), threading.Event()

    def hang(handlers):
        def echo(request):
            released.wait(20)  # a service that does not answer (released when the test ends)
            answered.set()
            return {"late": True}

        handlers.echo = echo

    definition = machine(
        {
            "T": {
                "Type": "Task",
                "Resource": ECHO,
                "TimeoutSeconds": 1,
                "Catch": [
                    {"ErrorEquals": ["States.Timeout"], "ResultPath": "$.why", "Next": "Late"}
                ],
                "End": True,
            },
            "Late": {"Type": "Succeed"},
        }
    )
    try:
        outcome, events, *_ = run(definition, configure=hang)
        # The run ended while the call was still hanging: it was cut off, not waited for.
        assert not answered.is_set()
        assert outcome.status == "SUCCEEDED"
        assert outcome.output["why"]["Error"] == "States.Timeout"
        assert "TaskTimedOut" in [e["type"] for e in events]
    finally:
        released.set()


def test_timeout_seconds_passes_through_a_call_that_answers_in_time():
    definition = machine(
        {
            "T": {
                "Type": "Task",
                "Resource": ECHO,
                "TimeoutSeconds": 30,
                "Parameters": {"a": 1},
                "End": True,
            }
        }
    )
    outcome, events, *_ = run(definition)
    assert outcome.status == "SUCCEEDED"
    assert outcome.output == {"a": 1}
    assert "TaskTimedOut" not in [e["type"] for e in events]


def test_timeout_seconds_keeps_the_error_of_a_call_that_fails_in_time():
    definition = machine(
        {
            "T": {
                "Type": "Task",
                "Resource": FLAKY,
                "TimeoutSeconds": 30,
                "Catch": [{"ErrorEquals": ["Boom"], "ResultPath": "$.why", "Next": "Caught"}],
                "End": True,
            },
            "Caught": {"Type": "Succeed"},
        }
    )
    outcome, *_ = run(definition, failures=["Boom"])
    assert outcome.output["why"]["Error"] == "Boom"
