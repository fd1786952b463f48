"""Every path through the real statemachine.asl.json, run by the executor against local services:
the real processing and training jobs, the local endpoint server, and stand-in approval/notify
functions (and stand-ins for job code not written yet; see BundleForTests.stand_ins)."""

import json

import boto3
import pytest

from tests.fixtures.workflow import create_state_machine

pytestmark = pytest.mark.slow


def package(pipeline, arn):
    return pipeline.emulator("sagemaker").describe_model_package(ModelPackageName=arn)


def test_happy_path_deploys_the_approved_model_and_emails_live(pipeline, workflow_raw_files):
    p = pipeline()
    machine = p.deploy(decision="approve")
    event = p.upload(workflow_raw_files.good)
    execution = p.run(machine, event, name="happy-run")
    assert execution.status == "SUCCEEDED", execution.cause
    outcome = execution.output
    assert outcome["status"] == "live", outcome
    assert outcome["endpoint_name"] == p.endpoint_name
    assert outcome["approval"] == {"decision": "approved", "comment": "looks fine"}
    assert 0.5 <= outcome["metrics"]["roc_auc"] <= 1
    assert package(p, outcome["model_package_arn"])["ModelApprovalStatus"] == "Approved"

    [request] = p.records("approval")
    assert request["model_package_arn"] == outcome["model_package_arn"]
    assert request["metrics"] == outcome["metrics"]
    assert request["expires_in_seconds"] == 600
    assert request["source"]["key"] == "incoming/loans.csv"
    assert len(request["task_token"]) >= 100
    s3 = p.emulator("s3")
    evaluation_key = request["evaluation_s3_uri"].removeprefix(f"s3://{p.artifacts_bucket}/")
    assert evaluation_key.startswith("runs/happy-run/training/")
    s3.head_object(Bucket=p.artifacts_bucket, Key=evaluation_key)
    features = s3.list_objects_v2(
        Bucket=p.artifacts_bucket, Prefix="runs/happy-run/processing/features/"
    )
    assert features["KeyCount"] >= 1

    [email] = p.records("notify")
    assert email["kind"] == "live"
    assert email["errors"] == {}

    claim = p.emulator("dynamodb").get_item(
        TableName=p.claims_table,
        Key={
            "object_id": {
                "S": f"{p.raw_bucket}/incoming/loans.csv/{event['detail']['object']['etag']}"
            }
        },
    )
    assert claim["Item"]["execution_arn"]["S"] == execution.arn

    runtime = boto3.client(
        "sagemaker-runtime",
        endpoint_url=p.executor.server.executor.settings.endpoints[
            "AWS_ENDPOINT_URL_SAGEMAKER_RUNTIME"
        ],
    )
    features_row = {
        "nb_previous_loans": 2,
        "avg_amount_loans_previous": 120.5,
        "age": 41,
        "years_on_the_job": None,
        "flag_own_car": 1,
    }
    answer = json.loads(
        runtime.invoke_endpoint(
            EndpointName=p.endpoint_name,
            ContentType="application/json",
            Body=json.dumps({"instances": [features_row]}),
        )["Body"].read()
    )
    assert answer["model_version"] == outcome["model_package_arn"]
    assert 0 <= answer["predictions"][0]["probability_of_default"] <= 1

    entered = p.states_entered(execution.arn)
    main_line = [
        "ClaimObject",
        "Processing",
        "Ingestion",
        "Training",
        "RegisterModel",
        "QualityGate",
        "RequestApproval",
        "ApprovePackage",
        "CreateModel",
        "CreateServerlessEndpointConfig",
        "CreateEndpoint",
        "NotifyLive",
        "Live",
    ]
    assert [state for state in entered if state in main_line] == main_line


def assert_rejected(p, execution, reason):
    assert execution.status == "SUCCEEDED", execution.cause
    outcome = execution.output
    assert (outcome["status"], outcome["reason"]) == ("rejected", reason)
    assert package(p, outcome["model_package_arn"])["ModelApprovalStatus"] == "Rejected"
    [email] = p.records("notify")
    assert (email["kind"], email["reason"]) == ("rejected", reason)
    assert email["model_package_arn"] == outcome["model_package_arn"]
    endpoints = p.emulator("sagemaker").list_endpoints(NameContains=p.endpoint_name)["Endpoints"]
    assert endpoints == []
    return outcome


def test_quality_gate_rejects_below_the_bar_without_asking_a_reviewer(pipeline, workflow_raw_files):
    p = pipeline()
    machine = p.deploy(quality_gate_min_roc_auc="0.999")
    execution = p.run(machine, p.upload(workflow_raw_files.good))
    outcome = assert_rejected(p, execution, "quality_gate")
    assert outcome["detail"] == {"roc_auc": outcome["metrics"]["roc_auc"], "min_roc_auc": 0.999}
    assert p.records("approval") == []


def test_reviewer_rejection_rejects_the_package(pipeline, workflow_raw_files):
    p = pipeline()
    execution = p.run(p.deploy(decision="reject"), p.upload(workflow_raw_files.good))
    outcome = assert_rejected(p, execution, "reviewer")
    assert outcome["detail"] == {"Error": "ModelRejected", "Cause": "too risky"}
    assert len(p.records("approval")) == 1


def test_approval_timeout_ends_as_rejection(pipeline, workflow_raw_files):
    p = pipeline()
    machine = p.deploy(decision="none", approval_timeout_seconds="2")
    execution = p.run(machine, p.upload(workflow_raw_files.good))
    outcome = assert_rejected(p, execution, "timeout")
    assert outcome["detail"] == {"timeout_seconds": 2}
    [request] = p.records("approval")
    assert request["expires_in_seconds"] == 2


def failure_email(p, execution, step):
    assert execution.status == "FAILED"
    assert execution.error == "PipelineFailed"
    assert step in json.loads(execution.cause)
    [email] = p.records("notify")
    assert email["kind"] == "failed"
    return email["errors"][step]


def claim_exists(p, event):
    detail = event["detail"]
    key = f"{detail['bucket']['name']}/{detail['object']['key']}/{detail['object']['etag']}"
    item = p.emulator("dynamodb").get_item(TableName=p.claims_table, Key={"object_id": {"S": key}})
    return "Item" in item


def test_malformed_csv_fails_at_validation_naming_the_rule_and_nothing_downstream(
    pipeline, workflow_raw_files
):
    p = pipeline()
    event = p.upload(workflow_raw_files.malformed)
    execution = p.run(p.deploy(), event, name="malformed-run")
    error = failure_email(p, execution, "Processing")
    assert error["Error"] == "States.TaskFailed"
    reason = json.loads(error["Cause"])["FailureReason"]
    assert "loan_amount" in reason
    entered = p.states_entered(execution.arn)
    assert "Ingestion" not in entered
    assert "Training" not in entered
    listed = p.emulator("s3").list_objects_v2(
        Bucket=p.artifacts_bucket, Prefix="runs/malformed-run/"
    )
    assert listed["KeyCount"] == 0
    assert p.records("approval") == []
    assert not claim_exists(p, event)  # released: the fixed file can be dropped again


def test_training_failure_fails_the_run_with_the_reason(pipeline, workflow_raw_files):
    p = pipeline()
    execution = p.run(p.deploy(), p.upload(workflow_raw_files.one_class))
    error = failure_email(p, execution, "Training")
    assert "only one class" in json.loads(error["Cause"])["FailureReason"]
    assert "RegisterModel" not in p.states_entered(execution.arn)
    packages = p.emulator("sagemaker").list_model_packages(ModelPackageGroupName=p.package_group)
    assert packages["ModelPackageSummaryList"] == []


def test_endpoint_that_fails_to_come_up_fails_the_run(pipeline, workflow_raw_files):
    p = pipeline(endpoint_server_url="http://127.0.0.1:9")  # nothing listens there
    execution = p.run(p.deploy(), p.upload(workflow_raw_files.good))
    error = failure_email(p, execution, "CheckEndpoint")
    assert error["Error"] == "EndpointFailed"
    assert "unreachable" in error["Cause"]
    assert "NotifyLive" not in p.states_entered(execution.arn)


def test_same_object_delivered_twice_runs_once(pipeline, workflow_raw_files):
    p = pipeline()
    machine = p.deploy()
    event = p.upload(workflow_raw_files.good)
    executor = p.executor.server.executor
    first = executor.start_execution(machine, "first", json.dumps(event))
    while "Processing" not in p.states_entered(first.arn) and not first.done.wait(0.05):
        pass
    duplicate_event = {**event, "id": "another-delivery"}
    second = p.run(machine, duplicate_event, name="second")
    executor.stop_execution(first.arn)
    assert second.status == "SUCCEEDED"
    assert second.output["status"] == "duplicate"
    assert "Processing" not in p.states_entered(second.arn)
    assert claim_exists(p, event)
    assert p.records("notify") == []


def test_existing_endpoint_is_updated_to_the_new_model(pipeline, workflow_raw_files, model_tarball):
    p = pipeline()
    sagemaker = p.emulator("sagemaker")
    p.emulator("s3").upload_file(str(model_tarball), p.artifacts_bucket, "previous/model.tar.gz")
    sagemaker.create_model(
        ModelName="previous-model",
        ExecutionRoleArn="arn:aws:iam::123456789012:role/sm",
        PrimaryContainer={
            "Image": "sklearn",
            "ModelDataUrl": f"s3://{p.artifacts_bucket}/previous/model.tar.gz",
            "Environment": {"MODEL_VERSION": "previous"},
        },
    )
    sagemaker.create_endpoint_config(
        EndpointConfigName="previous-config",
        ProductionVariants=[
            {
                "VariantName": "AllTraffic",
                "ModelName": "previous-model",
                "InitialInstanceCount": 1,
                "InstanceType": "ml.t2.medium",
            }
        ],
    )
    deploy_previous = {
        "StartAt": "Create",
        "States": {
            "Create": {
                "Type": "Task",
                "Resource": "arn:aws:states:::sagemaker:createEndpoint",
                "Parameters": {
                    "EndpointName": p.endpoint_name,
                    "EndpointConfigName": "previous-config",
                },
                "Next": "Wait",
            },
            "Wait": {"Type": "Wait", "Seconds": 300, "End": True},
        },
    }

    assert (
        p.run(create_state_machine(p.emulator, json.dumps(deploy_previous)), {}).status
        == "SUCCEEDED"
    )
    runtime = boto3.client(
        "sagemaker-runtime", endpoint_url=p.executor.server.executor.settings.endpoint_server_url
    )
    body = json.dumps(
        {
            "instances": [
                {
                    "nb_previous_loans": 0,
                    "avg_amount_loans_previous": None,
                    "age": 30,
                    "years_on_the_job": 2,
                    "flag_own_car": 0,
                }
            ]
        }
    )

    def model_version():
        response = runtime.invoke_endpoint(
            EndpointName=p.endpoint_name, ContentType="application/json", Body=body
        )
        return json.loads(response["Body"].read())["model_version"]

    assert model_version() == "previous"
    execution = p.run(p.deploy(endpoint_mode="instance"), p.upload(workflow_raw_files.good))
    assert execution.status == "SUCCEEDED", execution.cause
    entered = p.states_entered(execution.arn)
    assert "UpdateEndpoint" in entered
    assert "CreateEndpoint" not in entered
    assert "CreateInstanceEndpointConfig" in entered
    assert model_version() == execution.output["model_package_arn"]
    described = sagemaker.describe_endpoint(EndpointName=p.endpoint_name)
    assert described["EndpointConfigName"] == execution.output["endpoint_config_name"]
