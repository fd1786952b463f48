"""The executor's Step Functions API through boto3, with small definitions."""

import json
import uuid

import pytest
import requests
from botocore.exceptions import ClientError

from tests.fixtures.workflow import create_function, create_state_machine

HANDLERS = "tests.integration.workflow.handlers"


def definition(states, start=None):
    return json.dumps({"StartAt": start or next(iter(states)), "States": states})


PASS_ONLY = definition({"Hello": {"Type": "Pass", "Result": {"hello": "world"}, "End": True}})


def wait_done(sfn, arn, executor):
    executor.server.executor.wait(arn, 60)
    return sfn.describe_execution(executionArn=arn)


def test_start_describe_list_history_through_boto3(start_executor, workflow_clients):
    executor = start_executor()
    sfn = executor.sfn()
    machine = create_state_machine(workflow_clients, PASS_ONLY)
    started = sfn.start_execution(stateMachineArn=machine, name="run-1", input='{"a": 1}')
    described = wait_done(sfn, started["executionArn"], executor)
    assert described["status"] == "SUCCEEDED"
    assert json.loads(described["output"]) == {"hello": "world"}
    assert described["executionArn"].endswith(":execution:" + machine.split(":")[-1] + ":run-1")
    listed = sfn.list_executions(stateMachineArn=machine)["executions"]
    assert [e["name"] for e in listed] == ["run-1"]
    events = sfn.get_execution_history(executionArn=started["executionArn"])["events"]
    assert [e["type"] for e in events] == [
        "ExecutionStarted",
        "PassStateEntered",
        "PassStateExited",
        "ExecutionSucceeded",
    ]
    assert events[1]["stateEnteredEventDetails"]["name"] == "Hello"
    assert events[0]["timestamp"] <= events[-1]["timestamp"]


def test_history_pages_with_next_token(start_executor, workflow_clients):
    executor = start_executor()
    sfn = executor.sfn()
    machine = create_state_machine(workflow_clients, PASS_ONLY)
    arn = sfn.start_execution(stateMachineArn=machine)["executionArn"]
    wait_done(sfn, arn, executor)
    pages = sfn.get_paginator("get_execution_history").paginate(
        executionArn=arn, PaginationConfig={"PageSize": 3}
    )
    assert [len(page["events"]) for page in pages] == [3, 1]


def test_other_actions_are_forwarded_to_the_emulator(start_executor):
    sfn = start_executor().sfn()
    created = sfn.create_state_machine(
        name=f"sm-{uuid.uuid4().hex[:8]}",
        definition=PASS_ONLY,
        roleArn="arn:aws:iam::123456789012:role/r",
    )
    described = sfn.describe_state_machine(stateMachineArn=created["stateMachineArn"])
    assert described["definition"] == PASS_ONLY


def test_start_execution_errors(start_executor, workflow_clients):
    sfn = start_executor().sfn()
    machine = create_state_machine(workflow_clients, PASS_ONLY)
    with pytest.raises(ClientError) as bad_input:
        sfn.start_execution(stateMachineArn=machine, input="{not json")
    assert bad_input.value.response["Error"]["Code"] == "InvalidExecutionInput"
    with pytest.raises(ClientError) as bad_name:
        sfn.start_execution(stateMachineArn=machine, name="has space")
    assert bad_name.value.response["Error"]["Code"] == "InvalidName"
    with pytest.raises(ClientError) as missing:
        sfn.start_execution(stateMachineArn=machine.replace(":sm-", ":absent-"))
    assert missing.value.response["Error"]["Code"] == "StateMachineDoesNotExist"
    sfn.start_execution(stateMachineArn=machine, name="once", input="{}")
    with pytest.raises(ClientError) as twice:
        sfn.start_execution(stateMachineArn=machine, name="once", input='{"other": 1}')
    assert twice.value.response["Error"]["Code"] == "ExecutionAlreadyExists"


def test_unsupported_definition_is_refused_naming_the_construct(start_executor, workflow_clients):
    sfn = start_executor().sfn()
    machine = create_state_machine(
        workflow_clients, definition({"M": {"Type": "Parallel", "Branches": [], "End": True}})
    )
    with pytest.raises(ClientError) as refused:
        sfn.start_execution(stateMachineArn=machine)
    assert refused.value.response["Error"]["Code"] == "InvalidDefinition"
    assert "Parallel" in refused.value.response["Error"]["Message"]
    broken = create_state_machine(workflow_clients, "{not json")
    with pytest.raises(ClientError) as not_json:
        sfn.start_execution(stateMachineArn=broken)
    assert not_json.value.response["Error"]["Code"] == "InvalidDefinition"


def test_approval_function_completes_task_through_the_api(
    start_executor, workflow_clients, tmp_path
):
    executor = start_executor()
    outbox = tmp_path / "outbox.jsonl"
    function = create_function(
        workflow_clients, f"{HANDLERS}.decide", {"RECORD_FILE": str(outbox), "DECISION": "approve"}
    )
    machine = create_state_machine(
        workflow_clients,
        definition(
            {
                "Ask": {
                    "Type": "Task",
                    "Resource": "arn:aws:states:::lambda:invoke.waitForTaskToken",
                    "Parameters": {
                        "FunctionName": function,
                        "Payload": {"task_token.$": "$$.Task.Token"},
                    },
                    "TimeoutSeconds": 60,
                    "End": True,
                }
            }
        ),
    )
    execution = executor.run(machine, {})
    assert execution.status == "SUCCEEDED"
    assert execution.output == {"decision": "approved", "comment": "looks fine"}
    token = json.loads(outbox.read_text())["task_token"]
    with pytest.raises(ClientError) as late:
        executor.sfn().send_task_success(taskToken=token, output="{}")
    assert late.value.response["Error"]["Code"] == "TaskTimedOut"
    with pytest.raises(ClientError) as unknown:
        executor.sfn().send_task_failure(taskToken="made-up", error="X")
    assert unknown.value.response["Error"]["Code"] == "InvalidToken"


def test_stop_execution_aborts_a_waiting_run(start_executor, workflow_clients):
    executor = start_executor(speedup=1.0)
    sfn = executor.sfn()
    machine = create_state_machine(
        workflow_clients, definition({"W": {"Type": "Wait", "Seconds": 600, "End": True}})
    )
    arn = sfn.start_execution(stateMachineArn=machine)["executionArn"]
    sfn.stop_execution(executionArn=arn, error="Operator", cause="changed my mind")
    described = wait_done(sfn, arn, executor)
    assert described["status"] == "ABORTED"
    assert described["error"] == "Operator"
    events = sfn.get_execution_history(executionArn=arn, reverseOrder=True)["events"]
    assert events[0]["type"] == "ExecutionAborted"


def test_dynamodb_conditional_put_fails_with_step_functions_error_name(
    start_executor, workflow_clients
):
    executor = start_executor()
    table = f"claims-{uuid.uuid4().hex[:8]}"
    workflow_clients("dynamodb").create_table(
        TableName=table,
        KeySchema=[{"AttributeName": "object_id", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "object_id", "AttributeType": "S"}],
        BillingMode="PAY_PER_REQUEST",
    )
    claim = {
        "Type": "Task",
        "Resource": "arn:aws:states:::dynamodb:putItem",
        "Parameters": {
            "TableName": table,
            "Item": {"object_id": {"S": "b/k/e"}},
            "ConditionExpression": "attribute_not_exists(object_id)",
        },
        "ResultPath": None,
        "End": True,
    }
    machine = create_state_machine(workflow_clients, definition({"Claim": claim}))
    assert executor.run(machine, {}).status == "SUCCEEDED"
    second = executor.run(machine, {})
    assert second.status == "FAILED"
    assert second.error == "DynamoDB.ConditionalCheckFailedException"


def test_aws_sdk_error_without_model_is_generic_service_exception(start_executor, workflow_clients):
    executor = start_executor()
    describe = {
        "Type": "Task",
        "Resource": "arn:aws:states:::aws-sdk:sagemaker:describeEndpointConfig",
        "Parameters": {"EndpointConfigName": "absent"},
        "End": True,
    }
    execution = executor.run(
        create_state_machine(workflow_clients, definition({"D": describe})), {}
    )
    assert execution.error == "SageMaker.SageMakerException"
    assert "Error Code: ValidationException" in execution.cause


def test_lambda_function_error_fails_task_with_error_type(start_executor, workflow_clients):
    executor = start_executor()
    function = create_function(workflow_clients, f"{HANDLERS}.fail")
    invoke = {
        "Type": "Task",
        "Resource": "arn:aws:states:::lambda:invoke",
        "Parameters": {"FunctionName": function, "Payload": {"kind": "live"}},
        "Catch": [{"ErrorEquals": ["ValueError"], "ResultPath": "$.error", "Next": "Caught"}],
        "End": True,
    }
    machine = create_state_machine(
        workflow_clients, definition({"Invoke": invoke, "Caught": {"Type": "Succeed"}})
    )
    execution = executor.run(machine, {})
    assert execution.status == "SUCCEEDED"
    assert execution.output["error"]["Error"] == "ValueError"
    assert json.loads(execution.output["error"]["Cause"])["errorMessage"] == "cannot handle live"


def test_health_route(start_executor):
    executor = start_executor()
    assert requests.get(executor.url + "/_local/health", timeout=5).json()["status"] == "ok"
