"""Request-response calls to AWS APIs (here: the emulator) with Step Functions' error names.

Optimized integrations (`arn:aws:states:::dynamodb:putItem`) name errors like the Java SDK v1
(`DynamoDB.ConditionalCheckFailedException`, generic `SageMaker.AmazonSageMakerException`);
AWS SDK integrations (`arn:aws:states:::aws-sdk:sagemaker:...`) like the SDK v2
(`SageMaker.ResourceNotFoundException`, generic `SageMaker.SageMakerException`). A modeled error
keeps its own name; anything else (ValidationException, throttling) gets the generic one.
"""

from __future__ import annotations

import base64
from collections.abc import Callable
from datetime import datetime
from typing import Any

from botocore import xform_name
from botocore.exceptions import BotoCoreError, ClientError
from botocore.response import StreamingBody

from local_stack.workflow.asl.errors import StatesError
from local_stack.workflow.asl.tasks import TaskRequest

Json = Any
ClientFactory = Callable[[str], Any]

SERVICE_NAMES = {
    "dynamodb": "DynamoDB",
    "sagemaker": "SageMaker",
    "lambda": "Lambda",
    "sns": "SNS",
    "s3": "S3",
    "sqs": "SQS",
    "states": "SFN",
}
_OPTIMIZED_GENERIC = {
    "dynamodb": "DynamoDB.AmazonDynamoDBException",
    "sagemaker": "SageMaker.AmazonSageMakerException",
    "lambda": "Lambda.AWSLambdaException",
    "sns": "SNS.AmazonSNSException",
}
SAGEMAKER_OPTIMIZED_ERROR = _OPTIMIZED_GENERIC["sagemaker"]


def service_label(service: str) -> str:
    return SERVICE_NAMES.get(service, service[:1].upper() + service[1:])


def error_name(client: Any, service: str, code: str, *, sdk_style: bool) -> str:
    label = service_label(service)
    modeled = {shape.name for shape in client.meta.service_model.error_shapes}
    if code in modeled:
        return f"{label}.{code if code.endswith('Exception') else code + 'Exception'}"
    if sdk_style:
        return f"{label}.{label}Exception"
    return _OPTIMIZED_GENERIC.get(service, f"{label}.Amazon{label}Exception")


def to_states_error(exc: Exception, client: Any, service: str, *, sdk_style: bool) -> StatesError:
    if isinstance(exc, ClientError):
        error = exc.response.get("Error", {})
        code = str(error.get("Code", "Unknown"))
        metadata = exc.response.get("ResponseMetadata", {})
        cause = (
            f"{error.get('Message', '')} (Service: {service_label(service)}; "
            f"Status Code: {metadata.get('HTTPStatusCode', '')}; Error Code: {code}; "
            f"Request ID: {metadata.get('RequestId', '')})"
        )
        return StatesError(error_name(client, service, code, sdk_style=sdk_style), cause)
    label = service_label(service)
    return StatesError(f"{label}.SdkClientException", f"{type(exc).__name__}: {exc}")


def jsonable(value: Json, *, timestamps: Callable[[datetime], Json]) -> Json:
    """A boto3 response as the JSON a Step Functions task returns."""
    if isinstance(value, dict):
        return {
            k: jsonable(v, timestamps=timestamps)
            for k, v in value.items()
            if k != "ResponseMetadata"
        }
    if isinstance(value, list):
        return [jsonable(item, timestamps=timestamps) for item in value]
    if isinstance(value, datetime):
        return timestamps(value)
    if isinstance(value, StreamingBody):
        value = value.read()
    if isinstance(value, bytes):
        try:
            return value.decode()
        except UnicodeDecodeError:
            return base64.b64encode(value).decode()
    return value


def iso_text(moment: datetime) -> str:
    return moment.isoformat()


def epoch_millis(moment: datetime) -> int:
    return int(moment.timestamp() * 1000)


def call(
    clients: ClientFactory, service: str, action: str, parameters: Json, *, sdk_style: bool
) -> Json:
    client = clients(service)
    try:
        method = getattr(client, xform_name(action))
    except AttributeError:
        raise StatesError(
            f"{service_label(service)}.{service_label(service)}Exception",
            f"{service} has no action {action}",
        ) from None
    try:
        response = method(**(parameters or {}))
    except (ClientError, BotoCoreError) as exc:
        raise to_states_error(exc, client, service, sdk_style=sdk_style) from exc
    return jsonable(response, timestamps=iso_text if sdk_style else epoch_millis)


def optimized_call(clients: ClientFactory) -> Callable[[TaskRequest], Json]:
    """`arn:aws:states:::<service>:<action>` forwarded to the emulator (DynamoDB, SNS...)."""

    def handler(request: TaskRequest) -> Json:
        resource = request.resource
        return call(clients, resource.service, resource.action, request.parameters, sdk_style=False)

    return handler


def sdk_call(clients: ClientFactory) -> Callable[[TaskRequest], Json]:
    """`arn:aws:states:::aws-sdk:<service>:<action>` forwarded to the emulator."""

    def handler(request: TaskRequest) -> Json:
        service = request.resource.service.removeprefix("aws-sdk:")
        return call(clients, service, request.resource.action, request.parameters, sdk_style=True)

    return handler
