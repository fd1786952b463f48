"""Every path through the real statemachine.asl.json, run by the executor against local services:
the real processing, ingestion and training jobs (through the job bundle), the local Feature Store
runtime, the real approval_request, notify and approvals_api functions, and the local endpoint
server."""

import csv
import json
import time

import boto3
import pytest

from tests.fixtures.workflow import create_state_machine

pytestmark = pytest.mark.slow

FEATURES_ROW = {
    "nb_previous_loans": 2,
    "avg_amount_loans_previous": 120.5,
    "age": 41,
    "years_on_the_job": None,
    "flag_own_car": 1,
}


def package_status(p, arn):
    described = p.emulator("sagemaker").describe_model_package(ModelPackageName=arn)
    return described["ModelApprovalStatus"]


def model_version(p):
    runtime = boto3.client(
        "sagemaker-runtime", endpoint_url=p.executor.server.executor.settings.endpoint_server_url
    )
    response = runtime.invoke_endpoint(
        EndpointName=p.endpoint_name,
        ContentType="application/json",
        Body=json.dumps({"instances": [FEATURES_ROW]}),
    )
    answer = json.loads(response["Body"].read())
    assert 0 <= answer["predictions"][0]["probability_of_default"] <= 1
    return answer["model_version"]


def subjects(p):
    return [email.kind for email in p.emails()]


def test_happy_path_deploys_the_approved_model_and_emails_live(pipeline, workflow_raw_files):
    p = pipeline()
    event = p.upload(workflow_raw_files.good)
    execution = p.start(p.deploy(), event, name="happy-run")
    assert p.decide(execution, "approve", "looks fine").status == 200
    execution = p.wait(execution)
    assert execution.status == "SUCCEEDED", execution.cause
    outcome = execution.output
    assert outcome["status"] == "live", outcome
    assert outcome["endpoint_name"] == p.endpoint_name
    assert outcome["approval"] == {"decision": "approved", "comment": "looks fine"}
    assert 0.5 <= outcome["metrics"]["roc_auc"] <= 1
    assert package_status(p, outcome["model_package_arn"]) == "Approved"
    assert model_version(p) == outcome["model_package_arn"]
    assert subjects(p) == ["Review needed", "Live"]

    with workflow_raw_files.good.open() as raw:
        users = {row["id"] for row in csv.DictReader(raw)}
    assert set(p.online_records()) == users  # every user's latest loan is in the online store

    s3 = p.emulator("s3")
    features = s3.list_objects_v2(Bucket=p.artifacts_bucket, Prefix="runs/happy-run/processing/")
    assert any("/features/" in item["Key"] for item in features["Contents"])
    review = s3.list_objects_v2(Bucket=p.artifacts_bucket, Prefix="runs/happy-run/review/")
    assert {item["Key"].rsplit("/", 1)[-1] for item in review["Contents"]} >= {"report.html"}
    detail = event["detail"]
    claim_id = f"{p.raw_bucket}/{detail['object']['key']}/{detail['object']['etag']}"
    claim = p.emulator("dynamodb").get_item(
        TableName=p.claims_table, Key={"object_id": {"S": claim_id}}
    )
    assert claim["Item"]["execution_arn"]["S"] == execution.arn

    main_line = [
        "ClaimObject", "Processing", "Ingestion", "Training", "RegisterModel", "QualityGate",
        "RequestApproval", "ApprovePackage", "CreateModel", "CreateServerlessEndpointConfig",
        "CreateEndpoint", "NotifyLive", "Live",
    ]  # fmt: skip
    entered = p.states_entered(execution.arn)
    assert [state for state in entered if state in main_line] == main_line


def assert_rejected(p, execution, reason):
    assert execution.status == "SUCCEEDED", execution.cause
    outcome = execution.output
    assert (outcome["status"], outcome["reason"]) == ("rejected", reason)
    assert package_status(p, outcome["model_package_arn"]) == "Rejected"
    rejection = p.emails()[-1]
    assert rejection.kind == "Rejected"
    assert f"({reason})" in rejection.subject
    endpoints = p.emulator("sagemaker").list_endpoints(NameContains=p.endpoint_name)["Endpoints"]
    assert endpoints == []
    return outcome, rejection


def test_quality_gate_rejects_below_the_bar_without_asking_a_reviewer(pipeline, workflow_raw_files):
    p = pipeline()
    machine = p.deploy(quality_gate_min_roc_auc="0.999")
    execution = p.run(machine, p.upload(workflow_raw_files.good))
    outcome, email = assert_rejected(p, execution, "quality_gate")
    assert outcome["detail"] == {"roc_auc": outcome["metrics"]["roc_auc"], "min_roc_auc": 0.999}
    assert "0.999" in email.body
    assert subjects(p) == ["Rejected"]
    assert "RequestApproval" not in p.states_entered(execution.arn)


def test_reviewer_rejection_rejects_the_package(pipeline, workflow_raw_files):
    p = pipeline()
    execution = p.start(p.deploy(), p.upload(workflow_raw_files.good))
    assert p.decide(execution, "reject", "too risky").status == 200
    outcome, email = assert_rejected(p, p.wait(execution), "reviewer")
    assert outcome["detail"] == {"Error": "ModelRejected", "Cause": "too risky"}
    assert "too risky" in email.body
    assert subjects(p) == ["Review needed", "Rejected"]


def test_approval_timeout_ends_as_rejection_and_the_link_expires(pipeline, workflow_raw_files):
    p = pipeline()
    machine = p.deploy(approval_timeout_seconds="3")
    execution = p.run(machine, p.upload(workflow_raw_files.good))
    outcome, _ = assert_rejected(p, execution, "timeout")
    assert outcome["detail"] == {"timeout_seconds": 3}
    assert subjects(p) == ["Review needed", "Rejected"]
    late = p.decide(execution, "approve")
    assert late.status == 410  # the link expired with the wait


def failure(p, execution, step):
    assert execution.status == "FAILED"
    assert execution.error == "PipelineFailed"
    errors = json.loads(execution.cause)
    assert step in errors
    [email] = [email for email in p.emails() if email.kind == "Failed"]
    assert step in email.subject
    return errors[step], email


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
    error, email = failure(p, execution, "Processing")
    assert subjects(p) == ["Failed"]
    assert error["Error"] == "States.TaskFailed"
    assert "loan_amount" in json.loads(error["Cause"])["FailureReason"]
    assert "loan_amount" in email.body
    entered = p.states_entered(execution.arn)
    assert "Ingestion" not in entered
    assert "Training" not in entered
    listed = p.emulator("s3").list_objects_v2(Bucket=p.artifacts_bucket, Prefix="runs/")
    assert listed["KeyCount"] == 0
    assert p.online_records() == {}
    assert not claim_exists(p, event)  # released: the fixed file can be dropped again


def test_training_failure_fails_the_run_with_the_reason(pipeline, workflow_raw_files):
    p = pipeline()
    execution = p.run(p.deploy(), p.upload(workflow_raw_files.one_class))
    error, email = failure(p, execution, "Training")
    assert "only one class" in json.loads(error["Cause"])["FailureReason"]
    assert "only one class" in email.body
    assert "RegisterModel" not in p.states_entered(execution.arn)
    packages = p.emulator("sagemaker").list_model_packages(ModelPackageGroupName=p.package_group)
    assert packages["ModelPackageSummaryList"] == []


def test_endpoint_that_fails_to_come_up_fails_the_run(pipeline, workflow_raw_files):
    p = pipeline(endpoint_server_url="http://127.0.0.1:9")  # nothing listens there
    execution = p.start(p.deploy(), p.upload(workflow_raw_files.good))
    assert p.decide(execution, "approve").status == 200
    error, _ = failure(p, p.wait(execution), "CheckEndpoint")
    assert subjects(p) == ["Review needed", "Failed"]
    assert error["Error"] == "EndpointFailed"
    assert "unreachable" in error["Cause"]
    assert "NotifyLive" not in p.states_entered(execution.arn)


def test_same_object_delivered_twice_runs_once(pipeline, workflow_raw_files):
    p = pipeline()
    machine = p.deploy()
    event = p.upload(workflow_raw_files.good)
    first = p.start(machine, event, name="first")
    while "Processing" not in p.states_entered(first.arn) and not first.done.wait(0.05):
        pass
    second = p.run(machine, {**event, "id": "another-delivery"}, name="second")
    p.executor.server.executor.stop_execution(first.arn)
    assert second.status == "SUCCEEDED"
    assert second.output["status"] == "duplicate"
    assert "Processing" not in p.states_entered(second.arn)
    assert claim_exists(p, event)
    assert p.emails() == []


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
    variant = {"VariantName": "AllTraffic", "ModelName": "previous-model"}
    sagemaker.create_endpoint_config(
        EndpointConfigName="previous-config",
        ProductionVariants=[{**variant, "InitialInstanceCount": 1, "InstanceType": "ml.t2.medium"}],
    )
    create = {
        "Type": "Task",
        "Resource": "arn:aws:states:::sagemaker:createEndpoint",
        "Parameters": {"EndpointName": p.endpoint_name, "EndpointConfigName": "previous-config"},
        "End": True,
    }
    first_deployment = json.dumps({"StartAt": "Create", "States": {"Create": create}})
    assert p.run(create_state_machine(p.emulator, first_deployment), {}).status == "SUCCEEDED"
    hosting = p.executor.server.executor.hosting
    while hosting.status(p.endpoint_name) == "Creating":
        time.sleep(0.05)
    assert model_version(p) == "previous"

    execution = p.start(p.deploy(endpoint_mode="instance"), p.upload(workflow_raw_files.good))
    assert p.decide(execution, "approve").status == 200
    execution = p.wait(execution)
    assert execution.status == "SUCCEEDED", execution.cause
    entered = p.states_entered(execution.arn)
    assert "UpdateEndpoint" in entered
    assert "CreateEndpoint" not in entered
    assert "CreateInstanceEndpointConfig" in entered
    assert model_version(p) == execution.output["model_package_arn"]
    described = sagemaker.describe_endpoint(EndpointName=p.endpoint_name)
    assert described["EndpointConfigName"] == execution.output["endpoint_config_name"]
