"""Features -> SageMaker endpoint (InvokeEndpoint, JSON per interfaces.md section 5) -> answer."""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from botocore.exceptions import ClientError, ConnectionError, HTTPClientError

from lambdas.shared.aws import error_code
from lambdas.shared.errors import BadGatewayError, ServiceUnavailableError
from lambdas.shared.feature_records import FeatureValue
from lambdas.shared.feature_store import read_latest_features

if TYPE_CHECKING:
    from mypy_boto3_sagemaker_featurestore_runtime import SageMakerFeatureStoreRuntimeClient
    from mypy_boto3_sagemaker_runtime import SageMakerRuntimeClient

DECISIONS = frozenset({"accept", "decline"})
# Codes that say the endpoint is missing, starting, updating or overloaded: 503, retry later.
NOT_READY_CODES = frozenset(
    {
        "ModelNotReadyException",
        "ServiceUnavailable",
        "InternalFailure",
        "InternalDependencyException",
        "ThrottlingException",
    }
)


@dataclass(frozen=True, slots=True)
class ModelAnswer:
    probability_of_default: float
    decision: str
    threshold: float
    model_version: str


def predict(
    featurestore: SageMakerFeatureStoreRuntimeClient,
    runtime: SageMakerRuntimeClient,
    *,
    feature_group_name: str,
    endpoint_name: str,
    user_id: int,
) -> dict[str, Any]:
    features = read_latest_features(featurestore, feature_group_name, user_id)
    answer = invoke_model(runtime, endpoint_name, features.features)
    return {
        **features.as_json(),
        "probability_of_default": answer.probability_of_default,
        "decision": answer.decision,
        "threshold": answer.threshold,
        "model_version": answer.model_version,
        "endpoint_name": endpoint_name,
    }


def invoke_model(
    runtime: SageMakerRuntimeClient, endpoint_name: str, features: Mapping[str, FeatureValue]
) -> ModelAnswer:
    try:
        response = runtime.invoke_endpoint(
            EndpointName=endpoint_name,
            ContentType="application/json",
            Accept="application/json",
            Body=json.dumps({"instances": [dict(features)]}).encode(),
        )
        body = response["Body"].read()
    except ClientError as exc:
        raise _endpoint_error(exc, endpoint_name) from None
    except (ConnectionError, HTTPClientError):
        raise ServiceUnavailableError(
            f"the model endpoint {endpoint_name!r} could not be reached; try again later",
            code="endpoint_unavailable",
        ) from None
    return parse_model_answer(body)


def parse_model_answer(body: bytes) -> ModelAnswer:
    try:
        document = json.loads(body)
        first = document["predictions"][0]
        probability = float(first["probability_of_default"])
        decision = str(first["decision"])
        threshold = float(document["threshold"])
        model_version = str(document.get("model_version") or "unknown")
    except (ValueError, KeyError, IndexError, TypeError) as exc:
        raise BadGatewayError(
            f"the model endpoint answered with an unexpected body ({type(exc).__name__})",
            code="bad_model_response",
        ) from None
    if not (math.isfinite(probability) and 0.0 <= probability <= 1.0) or decision not in DECISIONS:
        raise BadGatewayError(
            "the model endpoint answered with an out-of-range probability or unknown decision",
            code="bad_model_response",
        )
    return ModelAnswer(probability, decision, threshold, model_version)


def _endpoint_error(exc: ClientError, endpoint_name: str) -> Exception:
    code = error_code(exc)
    message = str(exc.response.get("Error", {}).get("Message", ""))
    if code == "ValidationError" and "endpoint" in message.lower():
        # "Endpoint <name> of account <id> not found." (missing) or not in service (updating).
        return ServiceUnavailableError(
            f"the model endpoint {endpoint_name!r} is not available: no approved model is "
            "deployed yet, or it is being created or updated; try again later",
            code="endpoint_unavailable",
        )
    if code in NOT_READY_CODES:
        return ServiceUnavailableError(
            f"the model endpoint {endpoint_name!r} is not ready ({code}); try again later",
            code="endpoint_unavailable",
        )
    if code == "ModelError":
        # The endpoint is up but the model container failed on this input: not a retry matter.
        return BadGatewayError(
            f"the model behind {endpoint_name!r} failed to answer (ModelError)",
            code="model_error",
        )
    return exc
