"""The `sagemaker-runtime` wire format (botocore's service model, rest-json protocol).

InvokeEndpoint: `POST /endpoints/{EndpointName}/invocations`, the body is the payload, headers
`Content-Type`, `Accept` (and `X-Amzn-SageMaker-*` ones this server does not need). A success is
the model's body with its `Content-Type` and `x-Amzn-Invoked-Production-Variant`. Errors carry
`x-amzn-ErrorType` and a JSON body, which botocore turns into `ClientError` with that code:
- `ValidationError` (400): for example an endpoint that does not exist;
- `ModelError` (424): the model container answered 4xx/5xx; the body adds `OriginalStatusCode`
  and `OriginalMessage` (the container's own status and message) and `LogStreamArn`.
"""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass, field

# The default account of the local AWS emulator (moto).
LOCAL_ACCOUNT_ID = "123456789012"
PRODUCTION_VARIANT = "AllTraffic"
JSON_CONTENT_TYPE = "application/json"
# SageMaker's real-time payload limit.
MAX_PAYLOAD_BYTES = 6 * 1024 * 1024


@dataclass(frozen=True)
class WireResponse:
    status: int
    body: bytes
    headers: dict[str, str] = field(default_factory=dict)


def request_id() -> str:
    return str(uuid.uuid4())


def invocation_success(body: bytes, content_type: str) -> WireResponse:
    return WireResponse(
        200,
        body,
        {"Content-Type": content_type, "x-Amzn-Invoked-Production-Variant": PRODUCTION_VARIANT},
    )


def service_error(code: str, status: int, message: str, **members: object) -> WireResponse:
    """An error response botocore parses into ClientError(code) with `members` as fields."""
    document = {"__type": code, "message": message, **members}
    return WireResponse(
        status,
        json.dumps(document).encode("utf-8"),
        {"Content-Type": "application/x-amz-json-1.1", "x-amzn-ErrorType": code},
    )


def validation_error(message: str) -> WireResponse:
    return service_error("ValidationError", 400, message)


def endpoint_not_found(name: str) -> WireResponse:
    return validation_error(f"Endpoint {name} of account {LOCAL_ACCOUNT_ID} not found.")


def model_error(endpoint: str, original_status: int, original_message: str) -> WireResponse:
    """The container's 4xx/5xx as SageMaker reports it: ModelError (424) with the original."""
    kind = "client" if original_status < 500 else "server"
    log_stream = (
        f"arn:aws:logs:local:{LOCAL_ACCOUNT_ID}:log-group:/aws/sagemaker/Endpoints/{endpoint}"
    )
    return service_error(
        "ModelError",
        424,
        f"Received {kind} error ({original_status}) from primary with message "
        f'"{original_message}". See the local endpoint server log for more information.',
        OriginalStatusCode=original_status,
        OriginalMessage=original_message,
        LogStreamArn=log_stream,
    )
