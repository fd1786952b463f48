"""InvokeEndpoint request, answer parsing and the runtime's error mapping (stubbed client)."""

from __future__ import annotations

import io
import json
from collections.abc import Iterator

import boto3
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError
from botocore.response import StreamingBody
from botocore.stub import Stubber

from lambdas.predictions_api.prediction import invoke_model, parse_model_answer
from lambdas.shared.errors import BadGatewayError, ServiceUnavailableError

FEATURES = {
    "nb_previous_loans": 3,
    "avg_amount_loans_previous": 120.5,
    "age": 41,
    "years_on_the_job": None,
    "flag_own_car": 1,
}
ANSWER = {
    "predictions": [{"probability_of_default": 0.031, "decision": "accept"}],
    "threshold": 0.2,
    "model_version": "arn:aws:sagemaker:eu-west-1:1:model-package/credit-risk/3",
}


def body(document: object) -> StreamingBody:
    raw = json.dumps(document).encode()
    return StreamingBody(io.BytesIO(raw), len(raw))


@pytest.fixture
def runtime() -> Iterator[tuple[object, Stubber]]:
    client = boto3.client("sagemaker-runtime", region_name="eu-west-1")
    with Stubber(client) as stubber:
        yield client, stubber
        stubber.assert_no_pending_responses()


def test_invoke_model_sends_the_features_as_one_json_instance(runtime) -> None:
    client, stubber = runtime
    expected = {
        "EndpointName": "credit-risk",
        "ContentType": "application/json",
        "Accept": "application/json",
        "Body": json.dumps({"instances": [FEATURES]}).encode(),
    }
    stubber.add_response("invoke_endpoint", {"Body": body(ANSWER)}, expected)
    answer = invoke_model(client, "credit-risk", FEATURES)
    assert (answer.probability_of_default, answer.decision, answer.threshold) == (
        0.031,
        "accept",
        0.2,
    )
    assert answer.model_version.endswith("credit-risk/3")


@pytest.mark.parametrize(
    ("code", "message"),
    [
        ("ValidationError", "Endpoint credit-risk of account 123456789012 not found."),
        ("ValidationError", "Endpoint credit-risk is not in service"),
        ("ModelNotReadyException", "Model is not ready"),
        ("ServiceUnavailable", "busy"),
        ("ThrottlingException", "slow down"),
    ],
)
def test_invoke_model_answers_503_when_the_endpoint_is_not_ready(runtime, code, message) -> None:
    client, stubber = runtime
    stubber.add_client_error("invoke_endpoint", service_error_code=code, service_message=message)
    with pytest.raises(ServiceUnavailableError) as raised:
        invoke_model(client, "credit-risk", FEATURES)
    assert raised.value.code == "endpoint_unavailable"


def test_invoke_model_answers_502_when_the_model_fails(runtime) -> None:
    client, stubber = runtime
    stubber.add_client_error(
        "invoke_endpoint", service_error_code="ModelError", http_status_code=424
    )
    with pytest.raises(BadGatewayError) as raised:
        invoke_model(client, "credit-risk", FEATURES)
    assert raised.value.code == "model_error"


def test_invoke_model_answers_503_when_the_endpoint_is_unreachable() -> None:
    client = boto3.client(
        "sagemaker-runtime",
        region_name="eu-west-1",
        endpoint_url="http://127.0.0.1:9",  # nothing listens on the discard port
        config=Config(retries={"max_attempts": 1}, connect_timeout=1),
    )
    with pytest.raises(ServiceUnavailableError, match="could not be reached"):
        invoke_model(client, "credit-risk", FEATURES)


def test_invoke_model_lets_a_request_bug_through(runtime) -> None:
    client, stubber = runtime
    stubber.add_client_error(
        "invoke_endpoint", service_error_code="ValidationError", service_message="Body too big"
    )
    with pytest.raises(ClientError):
        invoke_model(client, "credit-risk", FEATURES)


@pytest.mark.parametrize(
    "raw",
    [
        b"not json",
        b"[]",
        json.dumps({"predictions": [], "threshold": 0.2}).encode(),
        json.dumps({**ANSWER, "threshold": None}).encode(),
        json.dumps(
            {**ANSWER, "predictions": [{"probability_of_default": 1.5, "decision": "accept"}]}
        ).encode(),
        json.dumps(
            {**ANSWER, "predictions": [{"probability_of_default": 0.5, "decision": "maybe"}]}
        ).encode(),
    ],
)
def test_parse_model_answer_refuses_bodies_that_are_not_predictions(raw: bytes) -> None:
    with pytest.raises(BadGatewayError) as raised:
        parse_model_answer(raw)
    assert raised.value.code == "bad_model_response"


def test_parse_model_answer_tolerates_a_missing_model_version() -> None:
    answer = parse_model_answer(json.dumps({**ANSWER, "model_version": None}).encode())
    assert answer.model_version == "unknown"
