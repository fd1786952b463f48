"""Serving-route failures the local services cannot be made to produce, through the gateway.

A model that fails on its input (ModelError), an endpoint answering something that is not a
prediction, a model not ready yet, a permission error, a missing setting: the Feature Store and
SageMaker runtimes are answered by botocore Stubbers on real clients (requests checked against the
service models). Everything else runs against the real local services
(test_serving_local_services.py). Every response is held to docs/openapi.yaml by `api`.
"""

from __future__ import annotations

import io
import json
from collections.abc import Iterator
from typing import Any

import boto3
import pytest
from botocore.response import StreamingBody
from botocore.stub import Stubber

from lambdas.shared import aws
from lambdas.shared.settings import load_settings
from tests.fixtures.lambdas import FEATURE_GROUP, Api
from tests.unit.lambdas.test_feature_records import RECORD


class Runtimes:
    def __init__(self) -> None:
        self.featurestore = boto3.client("sagemaker-featurestore-runtime", region_name="eu-west-1")
        self.runtime = boto3.client("sagemaker-runtime", region_name="eu-west-1")
        self.store = Stubber(self.featurestore)
        self.endpoint = Stubber(self.runtime)

    def record(self, user_id: int = 4211) -> None:
        self.store.add_response(
            "get_record",
            {"Record": RECORD},
            {"FeatureGroupName": FEATURE_GROUP, "RecordIdentifierValueAsString": str(user_id)},
        )

    def answer(self, document: Any) -> None:
        raw = document if isinstance(document, bytes) else json.dumps(document).encode()
        self.endpoint.add_response(
            "invoke_endpoint", {"Body": StreamingBody(io.BytesIO(raw), len(raw))}
        )


@pytest.fixture
def runtimes(
    lambda_settings: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> Iterator[Runtimes]:
    stubs = Runtimes()
    clients = {
        "sagemaker-featurestore-runtime": stubs.featurestore,
        "sagemaker-runtime": stubs.runtime,
    }
    with monkeypatch.context() as patch, stubs.store, stubs.endpoint:
        patch.setattr(aws, "client", clients.__getitem__)
        yield stubs
        stubs.store.assert_no_pending_responses()
        stubs.endpoint.assert_no_pending_responses()


@pytest.mark.parametrize(
    ("code", "message", "status", "error"),
    [
        ("ModelNotReadyException", "not ready", 503, "endpoint_unavailable"),
        ("ModelError", "Received server error (500) from model", 502, "model_error"),
    ],
)
def test_endpoint_failures_map_to_503_or_502(
    api: Api, runtimes: Runtimes, code: str, message: str, status: int, error: str
) -> None:
    runtimes.record()
    runtimes.endpoint.add_client_error("invoke_endpoint", code, message)
    response = api.get("/predictions/4211")
    assert (response.status_code, response.json["error"]["code"]) == (status, error)


def test_endpoint_nonsense_gets_502(api: Api, runtimes: Runtimes) -> None:
    runtimes.record()
    runtimes.answer(b"<html>gateway timeout</html>")
    response = api.get("/predictions/4211")
    assert (response.status_code, response.json["error"]["code"]) == (502, "bad_model_response")


def test_unexpected_failure_gets_a_json_500_without_a_stack_trace(
    api: Api, runtimes: Runtimes
) -> None:
    runtimes.store.add_client_error("get_record", "AccessForbidden", "not allowed")
    response = api.get("/features/4211")
    assert response.status_code == 500
    assert response.json["error"]["code"] == "internal_error"
    body = response.get_data(as_text=True)
    assert "Traceback" not in body
    assert "AccessForbidden" not in body


def test_missing_configuration_gets_a_json_500_and_a_log_naming_it(
    api: Api,
    runtimes: Runtimes,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    monkeypatch.delenv("ENDPOINT_NAME")
    load_settings.cache_clear()
    response = api.get("/predictions/4211")
    assert response.status_code == 500
    assert "ENDPOINT_NAME" not in response.get_data(as_text=True)
    assert "ENDPOINT_NAME not set" in caplog.text
