"""GET /features/{id} and /predictions/{id} behind the local API Gateway adapter.

The Feature Store runtime and the SageMaker runtime are answered by botocore Stubbers on real
clients (requests checked against the service models) until the local services land on main;
every response is held to docs/openapi.yaml by the `api` fixture.
"""

from __future__ import annotations

import io
import json
from collections.abc import Iterator
from typing import Any
from urllib.parse import quote

import boto3
import pytest
from botocore.response import StreamingBody
from botocore.stub import Stubber
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lambdas.shared import aws
from lambdas.shared.settings import load_settings
from tests.fixtures.lambdas import ENDPOINT, FEATURE_GROUP, Api
from tests.unit.lambdas.test_feature_records import RECORD
from tests.unit.lambdas.test_prediction import ANSWER

FEATURES_JSON = {
    "id": 4211,
    "loan_id": 90017,
    "loan_date": "2020-03-14",
    "event_time": "2020-03-14T00:00:00Z",
    "features": {
        "nb_previous_loans": 3,
        "avg_amount_loans_previous": 120.5,
        "age": 41,
        "years_on_the_job": None,
        "flag_own_car": 1,
    },
}


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


def test_get_features_returns_the_latest_loans_features(api: Api, runtimes: Runtimes) -> None:
    runtimes.record()
    response = api.get("/features/4211")
    assert response.status_code == 200
    assert response.json == FEATURES_JSON
    assert response.headers["Cache-Control"] == "no-store"


def test_get_predictions_scores_the_features(api: Api, runtimes: Runtimes) -> None:
    runtimes.record()
    runtimes.answer(ANSWER)
    response = api.get("/predictions/4211")
    assert response.status_code == 200
    assert response.json == {
        **FEATURES_JSON,
        "probability_of_default": 0.031,
        "decision": "accept",
        "threshold": 0.2,
        "model_version": ANSWER["model_version"],
        "endpoint_name": ENDPOINT,
    }


@pytest.mark.parametrize("route", ["features", "predictions"])
@pytest.mark.parametrize(
    "bad_id", ["abc", "0", "-1", "1.5", "1e3", "%20", "9" * 19, "%F0%9F%92%A9"]
)
def test_malformed_id_gets_400(api: Api, runtimes: Runtimes, route: str, bad_id: str) -> None:
    response = api.get(f"/{route}/{bad_id}")
    assert response.status_code == 400
    assert response.json["error"]["code"] == "invalid_id"


@pytest.mark.parametrize("route", ["features", "predictions"])
def test_unknown_user_gets_404(api: Api, runtimes: Runtimes, route: str) -> None:
    runtimes.store.add_response("get_record", {})
    response = api.get(f"/{route}/999")
    assert response.status_code == 404
    assert response.json["error"] == {
        "code": "user_not_found",
        "message": "no features for user 999",
    }


@pytest.mark.parametrize("route", ["features", "predictions"])
def test_missing_feature_group_gets_503(api: Api, runtimes: Runtimes, route: str) -> None:
    runtimes.store.add_client_error("get_record", "ResourceNotFound", http_status_code=404)
    response = api.get(f"/{route}/4211")
    assert response.status_code == 503
    assert response.json["error"]["code"] == "feature_store_unavailable"


@pytest.mark.parametrize(
    ("code", "message", "status", "error"),
    [
        (
            "ValidationError",
            f"Endpoint {ENDPOINT} of account 1 not found.",
            503,
            "endpoint_unavailable",
        ),
        ("ModelNotReadyException", "not ready", 503, "endpoint_unavailable"),
        ("ModelError", "Received server error (500) from model", 502, "model_error"),
    ],
)
def test_endpoint_errors_map_to_503_or_502(
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


class NoRecords:
    """A feature store that knows nobody: any well-formed id is a 404, so only 400/404 remain."""

    def get_record(self, **_: Any) -> dict[str, Any]:
        return {}


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(raw_id=st.text(min_size=1, max_size=40))
def test_any_id_gets_400_or_404_never_500(
    api: Api, monkeypatch: pytest.MonkeyPatch, raw_id: str
) -> None:
    with monkeypatch.context() as patch:
        patch.setattr(aws, "client", lambda service: NoRecords())
        for route in ("features", "predictions"):
            response = api.get(f"/{route}/{quote(raw_id, safe='')}")
            assert response.status_code in {400, 404}, (raw_id, response.json)
            assert response.json["error"]["code"] in {"invalid_id", "user_not_found"}
