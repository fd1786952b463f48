"""SageMaker processing and training `.sync` tasks run stand-in job code as SageMaker would."""

import io
import json
import tarfile
import uuid
from pathlib import Path

import pytest

from local_stack.workflow.integrations.containers import tar_directory
from tests.fixtures.workflow import create_state_machine

DATA = Path(__file__).parents[2] / "data" / "workflow"


@pytest.fixture
def bucket(workflow_clients):
    name = f"artifacts-{uuid.uuid4().hex[:8]}"
    workflow_clients("s3").create_bucket(
        Bucket=name, CreateBucketConfiguration={"LocationConstraint": "eu-west-1"}
    )
    return name


def upload_tree(s3, bucket, source: Path, prefix: str):
    for path in source.rglob("*"):
        if path.is_file() and "__pycache__" not in path.parts:
            s3.upload_file(str(path), bucket, f"{prefix}/{path.relative_to(source).as_posix()}")


def single_task(resource, parameters):
    return json.dumps(
        {
            "StartAt": "Job",
            "States": {
                "Job": {"Type": "Task", "Resource": resource, "Parameters": parameters, "End": True}
            },
        }
    )


PROCESSING = "arn:aws:states:::sagemaker:createProcessingJob.sync"
TRAINING = "arn:aws:states:::sagemaker:createTrainingJob.sync"


def run_job(executor, clients, resource, parameters):
    """Run a one-task state machine around `resource` to its end."""
    return executor.run(create_state_machine(clients, single_task(resource, parameters)), {})


def processing_parameters(bucket, job_name, arguments, entrypoint=("python3", "-m", "fakejob")):
    return {
        "ProcessingJobName": job_name,
        "RoleArn": "arn:aws:iam::123456789012:role/sm",
        "AppSpecification": {
            "ImageUri": "sklearn:1.2-1",
            "ContainerEntrypoint": list(entrypoint),
            "ContainerArguments": [
                "--input-dir",
                "/opt/ml/processing/input/raw",
                "--output-dir",
                "/opt/ml/processing/output",
                "--failure-file",
                "/opt/ml/output/message",
                *arguments,
            ],
        },
        "Environment": {"PYTHONPATH": "/opt/ml/processing/code", "MARKER": "from-request"},
        "ProcessingInputs": [
            {
                "InputName": "code",
                "S3Input": {
                    "S3Uri": f"s3://{bucket}/code/v1/processing/",
                    "LocalPath": "/opt/ml/processing/code",
                    "S3DataType": "S3Prefix",
                },
            },
            {
                "InputName": "raw",
                "S3Input": {
                    "S3Uri": f"s3://{bucket}/incoming/a.csv",
                    "LocalPath": "/opt/ml/processing/input/raw",
                    "S3DataType": "S3Prefix",
                },
            },
        ],
        "ProcessingOutputConfig": {
            "Outputs": [
                {
                    "OutputName": "out",
                    "S3Output": {
                        "S3Uri": f"s3://{bucket}/runs/r1/processing",
                        "LocalPath": "/opt/ml/processing/output",
                    },
                }
            ]
        },
        "ProcessingResources": {
            "ClusterConfig": {
                "InstanceCount": 1,
                "InstanceType": "ml.t3.medium",
                "VolumeSizeInGB": 1,
            }
        },
    }


@pytest.fixture
def processing_inputs(workflow_clients, bucket):
    s3 = workflow_clients("s3")
    upload_tree(s3, bucket, DATA / "fake_job", "code/v1/processing")
    s3.put_object(Bucket=bucket, Key="incoming/a.csv", Body=b"loan_id\n1\n")
    s3.put_object(Bucket=bucket, Key="incoming/b.csv", Body=b"not mine\n")
    return bucket


def test_processing_job_runs_in_container_layout_and_uploads_outputs(
    start_executor, workflow_clients, processing_inputs, monkeypatch
):
    monkeypatch.setenv("HOST_ONLY_MARKER", "leaked")
    executor = start_executor()
    parameters = processing_parameters(processing_inputs, "proc-1", [])
    execution = run_job(executor, workflow_clients, PROCESSING, parameters)
    assert execution.status == "SUCCEEDED", execution.cause
    assert execution.output["ProcessingJobStatus"] == "Completed"
    assert execution.output["ProcessingJobArn"].endswith(":processing-job/proc-1")
    assert execution.output["ProcessingStartTime"] <= execution.output["ProcessingEndTime"]
    body = (
        workflow_clients("s3")
        .get_object(Bucket=processing_inputs, Key="runs/r1/processing/nested/report.json")["Body"]
        .read()
    )
    report = json.loads(body)
    sandbox = executor.server.executor.settings.work_dir / "sagemaker" / "proc-1"
    assert report["files"] == ["a.csv"]
    assert report["env"]["MARKER"] == "from-request"
    assert report["env"]["PYTHONPATH"] == str(sandbox / "opt/ml/processing/code")
    assert report["env"]["AWS_ENDPOINT_URL"] == executor.server.executor.settings.emulator_url
    assert report["env"]["HOST_ONLY_MARKER"] is None
    assert Path(report["module_file"]).is_relative_to(sandbox)
    history = executor.server.executor.execution(execution.arn).history.events()
    assert "TaskSubmitted" in [event["type"] for event in history]


def test_processing_job_failure_fails_task_with_failure_reason_and_uploads_nothing(
    start_executor, workflow_clients, processing_inputs
):
    executor = start_executor()
    parameters = processing_parameters(
        processing_inputs, "proc-2", ["--fail", "rule loan_amount > 0 broken in 3 rows"]
    )
    execution = run_job(executor, workflow_clients, PROCESSING, parameters)
    assert execution.status == "FAILED"
    assert execution.error == "States.TaskFailed"
    describe = json.loads(execution.cause)
    assert describe["ProcessingJobStatus"] == "Failed"
    assert (
        describe["FailureReason"]
        == "AlgorithmError: rule loan_amount > 0 broken in 3 rows, exit code: 1"
    )
    listed = workflow_clients("s3").list_objects_v2(Bucket=processing_inputs, Prefix="runs/")
    assert listed["KeyCount"] == 0


def test_processing_job_name_cannot_be_reused(start_executor, workflow_clients, processing_inputs):
    executor = start_executor()
    parameters = processing_parameters(processing_inputs, "proc-3", [])
    assert run_job(executor, workflow_clients, PROCESSING, parameters).status == "SUCCEEDED"
    again = run_job(executor, workflow_clients, PROCESSING, parameters)
    assert again.error == "SageMaker.ResourceInUseException"


def test_processing_job_with_non_python_entrypoint_fails_naming_it(
    start_executor, workflow_clients, processing_inputs
):
    executor = start_executor()
    parameters = processing_parameters(
        processing_inputs, "proc-4", [], entrypoint=("/bin/sh", "-c", "true")
    )
    execution = run_job(executor, workflow_clients, PROCESSING, parameters)
    assert execution.error == "States.TaskFailed"
    assert "'/bin/sh'" in json.loads(execution.cause)["FailureReason"]


def test_processing_job_with_missing_input_fails_as_client_error(
    start_executor, workflow_clients, bucket
):
    executor = start_executor()
    parameters = processing_parameters(bucket, "proc-5", [])
    execution = run_job(executor, workflow_clients, PROCESSING, parameters)
    assert json.loads(execution.cause)["FailureReason"].startswith(
        "ClientError: No S3 objects found"
    )


def training_parameters(bucket, job_name, fail=""):
    hyperparameters = {
        "sagemaker_program": "train.py",
        "sagemaker_submit_directory": f"s3://{bucket}/code/v1/sourcedir.tar.gz",
        "n-estimators": "300",
        "failure-file": "/opt/ml/output/failure",
    }
    if fail:
        hyperparameters["fail"] = fail
    return {
        "TrainingJobName": job_name,
        "RoleArn": "arn:aws:iam::123456789012:role/sm",
        "AlgorithmSpecification": {
            "TrainingImage": "sklearn:1.2-1",
            "TrainingInputMode": "File",
            "MetricDefinitions": [
                {"Name": "roc_auc", "Regex": "METRIC roc_auc=([0-9.eE+-]+)"},
                {"Name": "pr_auc", "Regex": "METRIC pr_auc=([0-9.eE+-]+)"},
                {"Name": "f1", "Regex": "METRIC f1=([0-9.eE+-]+)"},
            ],
        },
        "HyperParameters": hyperparameters,
        "InputDataConfig": [
            {
                "ChannelName": "train",
                "DataSource": {
                    "S3DataSource": {
                        "S3DataType": "S3Prefix",
                        "S3Uri": f"s3://{bucket}/runs/r1/processing/features/",
                    }
                },
            }
        ],
        "OutputDataConfig": {"S3OutputPath": f"s3://{bucket}/runs/r1/training/"},
        "ResourceConfig": {"InstanceCount": 1, "InstanceType": "ml.m5.large", "VolumeSizeInGB": 1},
        "StoppingCondition": {"MaxRuntimeInSeconds": 600},
    }


@pytest.fixture
def training_inputs(workflow_clients, bucket, tmp_path):
    s3 = workflow_clients("s3")
    tar_directory(DATA / "fake_sourcedir", tmp_path / "sourcedir.tar.gz")
    s3.upload_file(str(tmp_path / "sourcedir.tar.gz"), bucket, "code/v1/sourcedir.tar.gz")
    s3.put_object(Bucket=bucket, Key="runs/r1/processing/features/part-0.parquet", Body=b"PAR1")
    return bucket


def read_tar(s3, bucket, key):
    body = s3.get_object(Bucket=bucket, Key=key)["Body"].read()
    with tarfile.open(fileobj=io.BytesIO(body)) as archive:
        return {m.name: archive.extractfile(m).read() for m in archive.getmembers() if m.isfile()}


def test_training_job_script_mode_metrics_and_artifacts(
    start_executor, workflow_clients, training_inputs
):
    executor = start_executor()
    parameters = training_parameters(training_inputs, "train-1")
    execution = run_job(executor, workflow_clients, TRAINING, parameters)
    assert execution.status == "SUCCEEDED", execution.cause
    result = execution.output
    prefix = f"s3://{training_inputs}/runs/r1/training/train-1/output"
    assert result["ModelArtifacts"]["S3ModelArtifacts"] == f"{prefix}/model.tar.gz"
    metrics = {m["MetricName"]: m["Value"] for m in result["FinalMetricDataList"]}
    assert metrics == {"roc_auc": pytest.approx(0.73), "pr_auc": 0.1}
    s3 = workflow_clients("s3")
    model = read_tar(s3, training_inputs, "runs/r1/training/train-1/output/model.tar.gz")
    assert model == {"model.txt": b"300", "code/inference.py": b"# serving code\n"}
    evaluation = json.loads(
        read_tar(s3, training_inputs, "runs/r1/training/train-1/output/output.tar.gz")[
            "evaluation.json"
        ]
    )
    assert evaluation["files"] == ["part-0.parquet"]
    # Container paths in arguments and variables point into the sandbox, SM_HPS included.
    assert evaluation["hps"]["n-estimators"] == 300
    assert evaluation["hps"]["failure-file"].endswith("train-1/opt/ml/output/failure")
    assert evaluation["cwd"].endswith("train-1/opt/ml/code")


def test_training_job_failure_reason_from_failure_file(
    start_executor, workflow_clients, training_inputs
):
    executor = start_executor()
    parameters = training_parameters(
        training_inputs, "train-2", fail="only one class in the training rows"
    )
    execution = run_job(executor, workflow_clients, TRAINING, parameters)
    assert execution.error == "States.TaskFailed"
    describe = json.loads(execution.cause)
    assert describe["TrainingJobStatus"] == "Failed"
    assert (
        describe["FailureReason"]
        == "AlgorithmError: only one class in the training rows, exit code: 2"
    )
    assert {m["MetricName"] for m in describe["FinalMetricDataList"]} == {"roc_auc", "pr_auc"}
