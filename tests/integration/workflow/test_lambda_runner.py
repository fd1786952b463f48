import os
from concurrent.futures import ThreadPoolExecutor

import pytest

from local_stack.lambda_runner.runner import FunctionNotFoundError
from tests.fixtures.workflow import create_function

HANDLERS = "tests.integration.workflow.handlers"


def test_invoke_runs_handler_with_configured_and_local_environment(
    workflow_clients, lambda_runner, monkeypatch
):
    monkeypatch.setenv("HOST_ONLY_MARKER", "leaked")
    arn = create_function(workflow_clients, f"{HANDLERS}.echo", {"CONFIGURED": "from-terraform"})
    result = lambda_runner.invoke(arn, {"kind": "live"})
    assert result.function_error is None
    body = result.json()
    assert body["event"] == {"kind": "live"}
    assert body["env"]["CONFIGURED"] == "from-terraform"
    assert body["env"]["LOCAL_STACK_MARKER"] == "extra"
    assert body["env"]["HOST_ONLY_MARKER"] is None
    assert body["env"]["AWS_LAMBDA_FUNCTION_NAME"] == body["function_name"]
    assert 0 < body["remaining_ms"] <= 30_000


def test_invoke_reuses_one_worker_process_per_function(workflow_clients, lambda_runner):
    arn = create_function(workflow_clients, f"{HANDLERS}.echo")
    lambda_runner.invoke(arn, {})
    first = lambda_runner.worker_pids(arn)
    lambda_runner.invoke(arn, {})
    assert lambda_runner.worker_pids(arn) == first
    assert len(first) == 1
    assert first[0] != os.getpid()


def test_invoke_handler_exception_is_function_error_with_type(workflow_clients, lambda_runner):
    arn = create_function(workflow_clients, f"{HANDLERS}.fail")
    result = lambda_runner.invoke(arn, {"kind": "oops"})
    assert result.function_error == "Unhandled"
    assert result.json()["errorType"] == "ValueError"
    assert "cannot handle oops" in result.json()["errorMessage"]


def test_invoke_past_timeout_is_sandbox_timedout_and_worker_replaced(
    workflow_clients, lambda_runner
):
    arn = create_function(workflow_clients, f"{HANDLERS}.slow", timeout=1)
    result = lambda_runner.invoke(arn, {"seconds": 5})
    assert result.json()["errorType"] == "Sandbox.Timedout"
    assert lambda_runner.worker_pids(arn) == []


def test_invoke_import_error_is_reported(workflow_clients, lambda_runner):
    arn = create_function(workflow_clients, "tests.integration.workflow.no_such_module.handler")
    result = lambda_runner.invoke(arn, {})
    assert result.json()["errorType"] == "Runtime.ImportModuleError"


def test_function_output_goes_to_its_own_log_file_when_given_a_folder(
    workflow_clients, lambda_runner, tmp_path
):
    lambda_runner.log_dir = tmp_path / "lambda"
    name = "fn-logs-to-file"
    arn = create_function(workflow_clients, f"{HANDLERS}.fail", name=name)
    result = lambda_runner.invoke(arn, {"kind": "logged"})
    assert result.function_error == "Unhandled"
    lambda_runner.close()  # the worker's output is flushed and its file closed
    log = (tmp_path / "lambda" / f"{name}.log").read_text()
    assert "Traceback" in log
    assert "ValueError: cannot handle logged" in log


def test_invoke_unknown_function_raises(lambda_runner):
    with pytest.raises(FunctionNotFoundError):
        lambda_runner.invoke("arn:aws:lambda:eu-west-1:123456789012:function:absent", {})


def test_invoke_restarts_worker_when_configuration_changes(workflow_clients, lambda_runner):
    arn = create_function(workflow_clients, f"{HANDLERS}.echo", {"CONFIGURED": "v1"})
    assert lambda_runner.invoke(arn, {}).json()["env"]["CONFIGURED"] == "v1"
    workflow_clients("lambda").update_function_configuration(
        FunctionName=arn, Environment={"Variables": {"CONFIGURED": "v2"}}
    )
    assert lambda_runner.invoke(arn, {}).json()["env"]["CONFIGURED"] == "v2"


def test_invoke_worker_crash_is_exit_error_and_next_invoke_starts_fresh(
    workflow_clients, lambda_runner
):
    arn = create_function(workflow_clients, f"{HANDLERS}.exit_now")
    result = lambda_runner.invoke(arn, {})
    assert result.json()["errorType"] == "Runtime.ExitError"
    assert "status 3" in result.json()["errorMessage"]
    assert lambda_runner.worker_pids(arn) == []
    assert lambda_runner.invoke(arn, {}).json()["errorType"] == "Runtime.ExitError"


def test_invoke_runs_concurrent_calls_in_separate_environments_up_to_the_limit(
    workflow_clients, lambda_runner
):
    arn = create_function(workflow_clients, f"{HANDLERS}.slow_pid")
    lambda_runner.max_concurrency = 2
    with ThreadPoolExecutor(max_workers=3) as pool:
        results = list(pool.map(lambda _: lambda_runner.invoke(arn, {"seconds": 0.5}), range(3)))
    assert [r.function_error for r in results] == [None, None, None]
    assert len(lambda_runner.worker_pids(arn)) == 2
    assert len({r.json()["pid"] for r in results}) == 2
