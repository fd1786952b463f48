"""GET /features/{id} and /predictions/{id} against the real local services over HTTP.

The Feature Store runtime (local_stack.featurestore_runtime) and the endpoint server
(local_stack.endpoint_server, serving a model trained by the training job) run as processes; the
handlers reach them through `AWS_ENDPOINT_URL_*` with unchanged boto3 clients, as in the local
stack. Every response is held to docs/openapi.yaml by the `api` fixture.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lambdas.shared import aws
from lambdas.shared.feature_records import UserFeatures, features_to_record
from tests.fixtures.lambdas import FEATURE_GROUP, MODEL_VERSION, Api

pytestmark = pytest.mark.slow  # starts two local services and trains a small model once


def put(featurestore: Any, features: UserFeatures, status: int = 0) -> None:
    featurestore.put_record(
        FeatureGroupName=FEATURE_GROUP, Record=features_to_record(features, status)
    )


def loan(user_id: int, loan_id: int, loan_date: str, **features: Any) -> UserFeatures:
    values = {
        "nb_previous_loans": 2,
        "avg_amount_loans_previous": 150.25,
        "age": 35,
        "years_on_the_job": 4,
        "flag_own_car": 0,
        **features,
    }
    return UserFeatures(user_id, loan_id, f"{loan_date}T00:00:00Z", values)


def test_get_features_reads_the_latest_loan_from_the_store(api: Api, serving_services: Any) -> None:
    put(
        serving_services,
        loan(501, 1, "2020-01-10", nb_previous_loans=0, avg_amount_loans_previous=None),
    )
    put(serving_services, loan(501, 7, "2021-06-30", years_on_the_job=None))
    put(serving_services, loan(501, 3, "2020-09-01"))  # replayed older loan: must not win
    response = api.get("/features/501")
    assert response.status_code == 200
    assert response.json == {
        "id": 501,
        "loan_id": 7,
        "loan_date": "2021-06-30",
        "event_time": "2021-06-30T00:00:00Z",
        "features": {
            "nb_previous_loans": 2,
            "avg_amount_loans_previous": 150.25,
            "age": 35,
            "years_on_the_job": None,
            "flag_own_car": 0,
        },
    }


def test_get_predictions_scores_the_latest_loan_with_the_deployed_model(
    api: Api, serving_services: Any
) -> None:
    put(serving_services, loan(502, 11, "2022-02-02"))
    response = api.get("/predictions/502")
    assert response.status_code == 200
    body = response.json
    assert body["loan_id"] == 11
    assert 0.0 <= body["probability_of_default"] <= 1.0
    expected = "decline" if body["probability_of_default"] >= body["threshold"] else "accept"
    assert body["decision"] == expected
    assert body["model_version"] == MODEL_VERSION


@pytest.mark.parametrize("route", ["features", "predictions"])
def test_unknown_user_gets_404(api: Api, serving_services: Any, route: str) -> None:
    response = api.get(f"/{route}/987654321")
    assert (response.status_code, response.json["error"]["code"]) == (404, "user_not_found")


@pytest.mark.parametrize("route", ["features", "predictions"])
def test_undefined_feature_group_gets_503(
    api: Api, serving_services: Any, monkeypatch: pytest.MonkeyPatch, route: str
) -> None:
    from lambdas.shared.settings import load_settings  # noqa: PLC0415

    monkeypatch.setenv("FEATURE_GROUP_NAME", "not-ingested-yet")
    load_settings.cache_clear()
    response = api.get(f"/{route}/502")
    assert (response.status_code, response.json["error"]["code"]) == (
        503,
        "feature_store_unavailable",
    )


def test_missing_endpoint_gets_503(
    api: Api, serving_services: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    from lambdas.shared.settings import load_settings  # noqa: PLC0415

    put(serving_services, loan(503, 12, "2022-03-03"))
    monkeypatch.setenv("ENDPOINT_NAME", "never-deployed")
    load_settings.cache_clear()
    response = api.get("/predictions/503")
    assert response.status_code == 503
    assert response.json["error"]["code"] == "endpoint_unavailable"
    assert "never-deployed" in response.json["error"]["message"]


@pytest.mark.parametrize(
    ("variable", "route", "code"),
    [
        (
            "AWS_ENDPOINT_URL_SAGEMAKER_FEATURESTORE_RUNTIME",
            "features",
            "feature_store_unavailable",
        ),
        ("AWS_ENDPOINT_URL_SAGEMAKER_RUNTIME", "predictions", "endpoint_unavailable"),
    ],
)
def test_unreachable_service_gets_503(
    api: Api,
    serving_services: Any,
    monkeypatch: pytest.MonkeyPatch,
    variable: str,
    route: str,
    code: str,
) -> None:
    put(serving_services, loan(504, 13, "2022-04-04"))
    monkeypatch.setenv(variable, "http://127.0.0.1:9")  # nothing listens on the discard port
    aws.reset_clients()
    response = api.get(f"/{route}/504")
    assert (response.status_code, response.json["error"]["code"]) == (503, code)


@pytest.mark.parametrize("route", ["features", "predictions"])
@pytest.mark.parametrize(
    "bad_id", ["abc", "0", "-1", "1.5", "1e3", "%20", "9" * 19, "%F0%9F%92%A9", "1%2F2"]
)
def test_malformed_id_gets_400_before_any_dependency_is_asked(
    api: Api, route: str, bad_id: str
) -> None:
    # No service behind the clients: a 400 must come from validation alone.
    response = api.get(f"/{route}/{bad_id}")
    assert (response.status_code, response.json["error"]["code"]) == (400, "invalid_id")


@settings(
    max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(raw_id=st.text(min_size=1, max_size=40))
def test_any_id_gets_400_or_404_never_500(api: Api, serving_services: Any, raw_id: str) -> None:
    for route in ("features", "predictions"):
        response = api.get(f"/{route}/{quote(raw_id, safe='')}")
        assert response.status_code in {400, 404}, (raw_id, response.json)
        assert response.json["error"]["code"] in {"invalid_id", "user_not_found"}
