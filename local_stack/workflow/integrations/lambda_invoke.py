"""`arn:aws:states:::lambda:invoke` (and `.waitForTaskToken`): the function's real handler, run by
the Lambda runner. A function error fails the task with the function's errorType as the error
and its payload as the cause, as Step Functions does."""

from __future__ import annotations

import json
import threading
from typing import Any

from botocore.exceptions import BotoCoreError, ClientError

from local_stack.lambda_runner import LambdaRunner
from local_stack.lambda_runner.runner import FunctionNotFoundError
from local_stack.workflow.asl.errors import StatesError
from local_stack.workflow.asl.tasks import TaskRequest

Json = Any


def _parsed(text: str) -> Json:
    try:
        return json.loads(text)
    except json.JSONDecodeError:
        return text


class LambdaInvoke:
    def __init__(self, runner: LambdaRunner) -> None:
        self.runner = runner

    def __call__(self, request: TaskRequest) -> Json:
        params = request.parameters
        function = params.get("FunctionName")
        if not isinstance(function, str):
            raise StatesError("Lambda.InvalidParameterValueException", "FunctionName is required")
        payload = params.get("Payload", {})
        if params.get("InvocationType", "RequestResponse") == "Event":
            threading.Thread(target=self._invoke, args=(function, payload), daemon=True).start()
            return {"Payload": "", "StatusCode": 202}
        return self._invoke(function, payload)

    def _invoke(self, function: str, payload: Json) -> Json:
        try:
            result = self.runner.invoke(function, payload)
        except FunctionNotFoundError as exc:
            raise StatesError("Lambda.ResourceNotFoundException", str(exc)) from exc
        except (ClientError, BotoCoreError) as exc:
            raise StatesError("Lambda.AWSLambdaException", str(exc)) from exc
        body = _parsed(result.payload)
        if result.function_error:
            error = body.get("errorType") if isinstance(body, dict) else None
            raise StatesError(error or "Lambda.Unknown", result.payload)
        return {
            "ExecutedVersion": "$LATEST",
            "Payload": body,
            "SdkHttpMetadata": {"HttpStatusCode": 200},
            "SdkResponseMetadata": {"RequestId": result.request_id},
            "StatusCode": 200,
        }
