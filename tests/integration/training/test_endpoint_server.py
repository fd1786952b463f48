"""The local endpoint server through the unchanged boto3 `sagemaker-runtime` client.

The server runs as a real process (tests/fixtures/endpoint.py) and loads the session's trained
model.tar.gz through the archive's own code/inference.py.
"""

from __future__ import annotations

import http.client
import json
import shutil
import threading
import uuid
from pathlib import Path

import boto3
import numpy as np
import pytest
from botocore.exceptions import ClientError

from jobs.training.inference import input_fn, model_fn
from jobs.training.package import make_model_tarball
from local_stack.endpoint_server import client
from local_stack.endpoint_server.client import EndpointAdminError
from local_stack.endpoint_server.process import EndpointServerError, start_endpoint_server
from tests.fixtures.training import SAMPLE_INSTANCE

ROW = SAMPLE_INSTANCE


def unique_name(prefix: str = "credit-risk") -> str:
    return f"{prefix}-{uuid.uuid4().hex[:8]}"


@pytest.fixture
def endpoint(endpoint_server, model_tarball):
    name = unique_name()
    client.load_endpoint(endpoint_server.url, name, model_tarball, {"MODEL_VERSION": "v-test"})
    yield name
    client.remove_endpoint(endpoint_server.url, name)


def broken_tarball(trained_model, tmp_path: Path, inference_source: str) -> Path:
    model_dir = shutil.copytree(trained_model.model_dir, tmp_path / "broken-model")
    (model_dir / "code" / "inference.py").write_text(inference_source)
    return make_model_tarball(model_dir, tmp_path / "broken.tar.gz")


def invoke(runtime, name: str, body: str, content_type: str = "application/json") -> dict:
    response = runtime.invoke_endpoint(EndpointName=name, ContentType=content_type, Body=body)
    assert response["ContentType"] == "application/json"
    assert response["InvokedProductionVariant"] == "AllTraffic"
    return json.loads(response["Body"].read())


def test_invoke_endpoint_scores_json_like_the_model_in_process(
    sagemaker_runtime, endpoint, trained_model
):
    document = invoke(sagemaker_runtime, endpoint, json.dumps({"instances": [ROW]}))
    expected = model_fn(str(trained_model.model_dir)).predict_proba(
        input_fn(json.dumps(ROW), "application/json")
    )
    assert document["model_version"] == "v-test"
    assert document["threshold"] == trained_model.evaluation["threshold"]
    [prediction] = document["predictions"]
    assert prediction["probability_of_default"] == pytest.approx(float(expected[0]), abs=1e-12)
    assert prediction["decision"] in ("accept", "decline")


def test_invoke_endpoint_scores_many_csv_rows(sagemaker_runtime, endpoint, trained_model):
    rows = trained_model.features.head(50)
    csv_body = "\n".join(
        ",".join("" if np.isnan(v) else repr(float(v)) for v in row)
        for row in rows.loc[:, list(ROW)].to_numpy(dtype=float)
    )
    document = invoke(sagemaker_runtime, endpoint, csv_body, "text/csv")
    assert len(document["predictions"]) == 50
    served = model_fn(str(trained_model.model_dir))
    expected = served.predict_proba(input_fn(csv_body, "text/csv"))
    actual = [p["probability_of_default"] for p in document["predictions"]]
    np.testing.assert_allclose(actual, expected, rtol=0, atol=1e-12)


@pytest.mark.parametrize(
    ("body", "content_type", "status", "message"),
    [
        ("{", "application/json", 400, "not valid JSON"),
        (json.dumps({**ROW, "age": None}), "application/json", 400, "age is required"),
        ("1,2,3", "text/csv", 400, "expected 5 fields"),
        ("3,1,1,1,1", "image/png", 415, "not supported"),
    ],
)
def test_invoke_endpoint_reports_rejected_input_as_model_error(
    sagemaker_runtime, endpoint, body, content_type, status, message
):
    with pytest.raises(ClientError) as caught:
        sagemaker_runtime.invoke_endpoint(
            EndpointName=endpoint, ContentType=content_type, Body=body
        )
    response = caught.value.response
    assert response["Error"]["Code"] == "ModelError"
    assert response["ResponseMetadata"]["HTTPStatusCode"] == 424
    assert response["OriginalStatusCode"] == status
    assert message in response["OriginalMessage"]
    assert f"({status})" in response["Error"]["Message"]
    assert sagemaker_runtime.exceptions.ModelError is type(caught.value)


def test_invoke_endpoint_reports_an_unknown_endpoint_as_validation_error(sagemaker_runtime):
    with pytest.raises(ClientError) as caught:
        sagemaker_runtime.invoke_endpoint(
            EndpointName="no-such-endpoint", ContentType="application/json", Body="{}"
        )
    error = caught.value.response["Error"]
    assert error["Code"] == "ValidationError"
    assert error["Message"].startswith("Endpoint no-such-endpoint of account")
    assert caught.value.response["ResponseMetadata"]["HTTPStatusCode"] == 400


def test_ping_answers_and_connections_are_kept_alive(endpoint_server, endpoint):
    connection = http.client.HTTPConnection("127.0.0.1", endpoint_server.port, timeout=10)
    try:
        connection.request("GET", "/ping")
        ping = connection.getresponse()
        ping.read()
        assert ping.status == 200
        for _ in range(3):  # the same socket serves every request
            connection.request(
                "POST",
                f"/endpoints/{endpoint}/invocations",
                body=json.dumps(ROW),
                headers={"Content-Type": "application/json"},
            )
            answer = connection.getresponse()
            assert answer.status == 200
            assert json.loads(answer.read())["predictions"]
            assert answer.getheader("Connection") != "close"
    finally:
        connection.close()


def test_admin_lists_and_describes_endpoints(endpoint_server, endpoint, model_tarball):
    described = client.describe_endpoint(endpoint_server.url, endpoint)
    assert described["status"] == "InService"
    assert described["model_data"] == str(model_tarball)
    assert described["environment"] == {"MODEL_VERSION": "v-test"}
    assert endpoint in [e["name"] for e in client.list_endpoints(endpoint_server.url)]


def test_admin_replace_swaps_the_model_while_requests_keep_succeeding(
    endpoint_server, sagemaker_runtime, endpoint, model_tarball
):
    failures: list[BaseException] = []
    versions: set[str] = set()
    stop = threading.Event()

    def keep_invoking() -> None:
        while not stop.is_set():
            try:
                versions.add(invoke(sagemaker_runtime, endpoint, json.dumps(ROW))["model_version"])
            except BaseException as error:
                failures.append(error)

    worker = threading.Thread(target=keep_invoking)
    worker.start()
    try:
        for version in ("v-2", "v-3"):
            client.load_endpoint(
                endpoint_server.url, endpoint, model_tarball, {"MODEL_VERSION": version}
            )
    finally:
        stop.set()
        worker.join(30)
    assert failures == []
    assert invoke(sagemaker_runtime, endpoint, json.dumps(ROW))["model_version"] == "v-3"
    assert versions <= {"v-test", "v-2", "v-3"}


def test_admin_reports_a_model_that_fails_to_load_and_marks_it_failed(
    endpoint_server, sagemaker_runtime, trained_model, tmp_path
):
    tarball = broken_tarball(
        trained_model,
        tmp_path,
        "def model_fn(model_dir):\n    raise RuntimeError('weights corrupt')\n"
        "input_fn = predict_fn = output_fn = model_fn\n",
    )
    name = unique_name("broken")
    with pytest.raises(EndpointAdminError) as caught:
        client.load_endpoint(endpoint_server.url, name, tarball)
    assert caught.value.status == 422
    assert caught.value.code == "ModelLoadFailed"
    assert "weights corrupt" in caught.value.message
    described = client.describe_endpoint(endpoint_server.url, name)
    assert described["status"] == "Failed"
    assert "weights corrupt" in described["failure_reason"]
    with pytest.raises(ClientError, match="not in service"):
        sagemaker_runtime.invoke_endpoint(
            EndpointName=name, ContentType="text/csv", Body="1,1,1,1,1"
        )
    client.remove_endpoint(endpoint_server.url, name)


def test_admin_failed_update_keeps_serving_the_previous_model(
    endpoint_server, sagemaker_runtime, endpoint, trained_model, tmp_path
):
    tarball = broken_tarball(trained_model, tmp_path, "import package_that_is_not_installed\n")
    with pytest.raises(EndpointAdminError, match="package_that_is_not_installed"):
        client.load_endpoint(endpoint_server.url, endpoint, tarball)
    assert invoke(sagemaker_runtime, endpoint, json.dumps(ROW))["model_version"] == "v-test"
    described = client.describe_endpoint(endpoint_server.url, endpoint)
    assert described["status"] == "InService"
    assert "package_that_is_not_installed" in described["failure_reason"]


@pytest.mark.parametrize(
    ("name", "body", "message"),
    [
        ("bad_name", {"model_data": "/x.tar.gz"}, "letters, digits or hyphens"),
        ("fine", {"model": "/x.tar.gz"}, "model_data"),
        ("fine", {"model_data": "/x", "environment": {"A": 1}}, "string values"),
    ],
)
def test_admin_rejects_bad_load_requests(endpoint_server, name, body, message):
    with pytest.raises(EndpointAdminError) as caught:
        client._request(endpoint_server.url, "PUT", f"/_local/endpoints/{name}", body, 10)
    assert caught.value.status == 400
    assert message in caught.value.message


def test_admin_remove_deletes_the_endpoint(endpoint_server, sagemaker_runtime, model_tarball):
    name = unique_name()
    client.load_endpoint(endpoint_server.url, name, model_tarball)
    client.remove_endpoint(endpoint_server.url, name)
    with pytest.raises(ClientError, match="not found"):
        sagemaker_runtime.invoke_endpoint(
            EndpointName=name, ContentType="text/csv", Body="1,1,1,1,1"
        )
    with pytest.raises(EndpointAdminError) as caught:
        client.remove_endpoint(endpoint_server.url, name)
    assert caught.value.status == 404


def test_start_endpoint_server_loads_endpoints_named_at_start_and_stops_cleanly(
    model_tarball, tmp_path, monkeypatch
):
    with start_endpoint_server(
        endpoints={"credit-risk": model_tarball}, log_file=tmp_path / "server.log"
    ) as server:
        monkeypatch.setenv("AWS_ENDPOINT_URL_SAGEMAKER_RUNTIME", server.url)
        document = invoke(boto3.client("sagemaker-runtime"), "credit-risk", json.dumps(ROW))
        assert document["model_version"] == "test-training-job"
    assert server.process.returncode == 0
    assert "endpoint credit-risk serves" in (tmp_path / "server.log").read_text()


def test_start_endpoint_server_fails_clearly_when_a_model_does_not_load(tmp_path):
    with pytest.raises(EndpointServerError, match=r"missing\.tar\.gz does not exist"):
        start_endpoint_server(
            endpoints={"credit-risk": tmp_path / "missing.tar.gz"}, log_file=tmp_path / "log"
        )
