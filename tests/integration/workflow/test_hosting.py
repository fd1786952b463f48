"""Endpoints: recorded in the emulator, their model loaded by the (fake) endpoint server."""

import threading
import uuid

import pytest

from local_stack.workflow.asl.errors import StatesError
from local_stack.workflow.asl.tasks import ResourceRef, TaskRequest
from local_stack.workflow.integrations.hosting import Hosting, ModelLoadError


class FakeLoader:
    def __init__(self):
        self.loaded: dict[str, tuple[bytes, dict]] = {}

    def load(self, endpoint_name, model_archive, environment):
        data = model_archive.read_bytes()
        if data == b"broken":
            raise ModelLoadError("model_fn raised ValueError: bad model")
        self.loaded[endpoint_name] = (data, dict(environment))


class Deferred:
    """Runs background deployments only when told to, so the in-between status is visible."""

    def __init__(self):
        self.pending = []

    def __call__(self, work):
        self.pending.append(work)

    def run(self):
        while self.pending:
            self.pending.pop(0)()


def request(action, parameters, service="sagemaker"):
    return TaskRequest(
        resource=ResourceRef(f"arn:aws:states:::{service}:{action}", service, action, ""),
        parameters=parameters,
        state_name="S",
        execution_arn="arn:aws:states:eu-west-1:123456789012:execution:sm:e",
        execution_name="e",
        deadline=None,
        stop=threading.Event(),
        submitted=lambda output: None,
    )


@pytest.fixture
def hosting_env(workflow_clients, tmp_path):
    bucket = f"models-{uuid.uuid4().hex[:8]}"
    s3 = workflow_clients("s3")
    s3.create_bucket(Bucket=bucket, CreateBucketConfiguration={"LocationConstraint": "eu-west-1"})
    s3.put_object(Bucket=bucket, Key="good/model.tar.gz", Body=b"good")
    s3.put_object(Bucket=bucket, Key="good2/model.tar.gz", Body=b"good2")
    s3.put_object(Bucket=bucket, Key="broken/model.tar.gz", Body=b"broken")
    loader, deferred = FakeLoader(), Deferred()
    hosting = Hosting(workflow_clients, loader, tmp_path, background=deferred)
    suffix = uuid.uuid4().hex[:8]

    def config(kind):
        model = f"model-{kind}-{suffix}"
        hosting.create_model(
            request(
                "createModel",
                {
                    "ModelName": model,
                    "ExecutionRoleArn": "arn:aws:iam::123456789012:role/sm",
                    "PrimaryContainer": {
                        "Image": "sklearn",
                        "ModelDataUrl": f"s3://{bucket}/{kind}/model.tar.gz",
                        "Environment": {"MODEL_VERSION": kind},
                    },
                },
            )
        )
        name = f"config-{kind}-{suffix}"
        hosting.create_endpoint_config(
            request(
                "createEndpointConfig",
                {
                    "EndpointConfigName": name,
                    "ProductionVariants": [
                        {
                            "VariantName": "AllTraffic",
                            "ModelName": model,
                            "ServerlessConfig": {"MemorySizeInMB": 2048, "MaxConcurrency": 5},
                        }
                    ],
                },
            )
        )
        return name

    return hosting, loader, deferred, config, f"endpoint-{suffix}"


def create(hosting, name, config_name):
    params = {"EndpointName": name, "EndpointConfigName": config_name}
    return hosting.create_endpoint(request("createEndpoint", params))


def update(hosting, name, config_name):
    params = {"EndpointName": name, "EndpointConfigName": config_name}
    return hosting.update_endpoint(request("updateEndpoint", params))


def describe(hosting, name):
    return hosting.describe_endpoint(
        request("describeEndpoint", {"EndpointName": name}, "aws-sdk:sagemaker")
    )


def test_create_endpoint_goes_creating_then_in_service_with_model_loaded(
    hosting_env, workflow_clients
):
    hosting, loader, deferred, config, name = hosting_env
    good = config("good")
    create(hosting, name, good)
    assert describe(hosting, name)["EndpointStatus"] == "Creating"
    deferred.run()
    described = describe(hosting, name)
    assert described["EndpointStatus"] == "InService"
    assert described["EndpointConfigName"] == good
    assert loader.loaded[name] == (b"good", {"MODEL_VERSION": "good"})
    assert (
        workflow_clients("sagemaker").describe_endpoint(EndpointName=name)["EndpointConfigName"]
        == good
    )


def test_create_endpoint_with_model_that_fails_to_load_is_failed_with_reason(hosting_env):
    hosting, loader, deferred, config, name = hosting_env
    create(hosting, name, config("broken"))
    deferred.run()
    described = describe(hosting, name)
    assert described["EndpointStatus"] == "Failed"
    assert "model_fn raised ValueError: bad model" in described["FailureReason"]
    assert name not in loader.loaded


def test_update_endpoint_replaces_model_and_records_new_config(hosting_env, workflow_clients):
    hosting, loader, deferred, config, name = hosting_env
    create(hosting, name, config("good"))
    deferred.run()
    newer = config("good2")
    update(hosting, name, newer)
    assert describe(hosting, name)["EndpointStatus"] == "Updating"
    deferred.run()
    described = describe(hosting, name)
    assert (described["EndpointStatus"], described["EndpointConfigName"]) == ("InService", newer)
    assert loader.loaded[name][0] == b"good2"
    assert (
        workflow_clients("sagemaker").describe_endpoint(EndpointName=name)["EndpointConfigName"]
        == newer
    )


def test_failed_update_rolls_back_to_previous_config_with_failure_reason(
    hosting_env, workflow_clients
):
    hosting, loader, deferred, config, name = hosting_env
    good = config("good")
    create(hosting, name, good)
    deferred.run()
    update(hosting, name, config("broken"))
    deferred.run()
    described = describe(hosting, name)
    assert (described["EndpointStatus"], described["EndpointConfigName"]) == ("InService", good)
    assert "failed to load" in described["FailureReason"]
    assert loader.loaded[name][0] == b"good"
    assert (
        workflow_clients("sagemaker").describe_endpoint(EndpointName=name)["EndpointConfigName"]
        == good
    )


def test_update_refused_while_creating_or_failed_and_create_refused_when_existing(hosting_env):
    hosting, _, deferred, config, name = hosting_env
    broken, good = config("broken"), config("good")
    create(hosting, name, broken)
    with pytest.raises(StatesError, match="in status Creating"):
        update(hosting, name, good)
    deferred.run()
    with pytest.raises(StatesError, match="in status Failed") as failed:
        update(hosting, name, good)
    assert failed.value.error == "SageMaker.AmazonSageMakerException"
    with pytest.raises(StatesError, match="already existing"):
        create(hosting, name, good)


def test_create_endpoint_with_unknown_config_fails(hosting_env):
    hosting, _, _, _, name = hosting_env
    with pytest.raises(StatesError) as missing:
        create(hosting, name, "absent")
    assert missing.value.error == "SageMaker.AmazonSageMakerException"
