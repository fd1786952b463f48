"""SageMaker hosting: CreateModel, CreateEndpointConfig, CreateEndpoint, UpdateEndpoint and
DescribeEndpoint. Models, configs and endpoints are recorded in the emulator; the model behind an
endpoint is loaded into the local endpoint server in the background, so DescribeEndpoint moves
from Creating/Updating to InService, or to Failed when the model does not load (an update that
fails leaves the endpoint InService on its previous config with a FailureReason, as on AWS).

moto answers InService at once and has no UpdateEndpoint, so the status here is the executor's
own; the emulator's record follows each successful deployment.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from local_stack.workflow.asl.errors import StatesError
from local_stack.workflow.asl.tasks import TaskRequest
from local_stack.workflow.integrations import s3_objects
from local_stack.workflow.integrations.aws_calls import (
    SAGEMAKER_OPTIMIZED_ERROR,
    ClientFactory,
    call,
)

log = logging.getLogger(__name__)
Json = Any


class ModelLoadError(Exception):
    """The endpoint server could not load the model (the reason becomes FailureReason)."""


class ModelLoader(Protocol):
    def load(self, endpoint_name: str, model_archive: Path, environment: Mapping[str, str]) -> None:
        """Serve `model_archive` (a model.tar.gz) under `endpoint_name`, replacing any model
        it served before; raise ModelLoadError when it cannot."""


@dataclass
class _Endpoint:
    status: str
    config_name: str
    failure_reason: str | None = None


class Hosting:
    def __init__(
        self,
        clients: ClientFactory,
        loader: ModelLoader,
        work_dir: Path,
        background: Callable[[Callable[[], None]], None] | None = None,
    ) -> None:
        self.clients = clients
        self.loader = loader
        self.work_dir = work_dir
        self._endpoints: dict[str, _Endpoint] = {}
        self._lock = threading.Lock()
        self._background = background or _in_thread

    # -- optimized integrations (arn:aws:states:::sagemaker:...) ------------------------------

    def create_model(self, request: TaskRequest) -> Json:
        return call(self.clients, "sagemaker", "createModel", request.parameters, sdk_style=False)

    def create_endpoint_config(self, request: TaskRequest) -> Json:
        return call(
            self.clients, "sagemaker", "createEndpointConfig", request.parameters, sdk_style=False
        )

    def create_endpoint(self, request: TaskRequest) -> Json:
        name, config_name = self._names(request)
        with self._lock:
            if name in self._endpoints or self._recorded(name) is not None:
                raise _validation_error(f'Cannot create already existing endpoint "{name}".')
            self._config(config_name)  # fails like AWS when the config does not exist
            result = call(
                self.clients, "sagemaker", "createEndpoint", request.parameters, sdk_style=False
            )
            self._endpoints[name] = _Endpoint("Creating", config_name)
        self._background(lambda: self._deploy(name, config_name, previous=None))
        return result

    def update_endpoint(self, request: TaskRequest) -> Json:
        name, config_name = self._names(request)
        with self._lock:
            endpoint = self._endpoints.get(name)
            if endpoint is None:
                recorded = self._recorded(name)
                if recorded is None:
                    raise _validation_error(f'Could not find endpoint "{name}".')
                endpoint = _Endpoint("InService", recorded["EndpointConfigName"])
            if endpoint.status != "InService":
                raise _validation_error(
                    f'Cannot update endpoint "{name}" in status {endpoint.status}.'
                )
            self._config(config_name)
            previous = endpoint.config_name
            self._endpoints[name] = _Endpoint("Updating", previous)
        self._background(lambda: self._deploy(name, config_name, previous=previous))
        arn = self._recorded(name)
        return {"EndpointArn": arn["EndpointArn"] if arn else ""}

    # -- AWS SDK integration (arn:aws:states:::aws-sdk:sagemaker:describeEndpoint) ------------

    def describe_endpoint(self, request: TaskRequest) -> Json:
        description = call(
            self.clients, "sagemaker", "describeEndpoint", request.parameters, sdk_style=True
        )
        with self._lock:
            endpoint = self._endpoints.get(description["EndpointName"])
            if endpoint is not None:
                description["EndpointStatus"] = endpoint.status
                description["EndpointConfigName"] = endpoint.config_name
                description.pop("FailureReason", None)
                if endpoint.failure_reason:
                    description["FailureReason"] = endpoint.failure_reason
        return description

    def status(self, name: str) -> str | None:
        with self._lock:
            endpoint = self._endpoints.get(name)
            return endpoint.status if endpoint else None

    # -- deployment ---------------------------------------------------------------------------

    def _deploy(self, name: str, config_name: str, previous: str | None) -> None:
        try:
            archive, environment = self._fetch_model(name, config_name)
            self.loader.load(name, archive, environment)
        except Exception as exc:  # a background worker: any failure must end as Failed, not hang
            reason = f"The model for endpoint {name} failed to load: {exc}"
            log.warning(reason, exc_info=not isinstance(exc, (ModelLoadError, StatesError)))
            with self._lock:
                if previous is None:
                    self._endpoints[name] = _Endpoint("Failed", config_name, reason)
                else:  # AWS rolls a failed update back to the running config
                    self._endpoints[name] = _Endpoint("InService", previous, reason)
            return
        if previous is not None:
            # moto has no UpdateEndpoint; CreateEndpoint over the same name replaces its record.
            call(
                self.clients,
                "sagemaker",
                "createEndpoint",
                {"EndpointName": name, "EndpointConfigName": config_name},
                sdk_style=False,
            )
        with self._lock:
            self._endpoints[name] = _Endpoint("InService", config_name)
        log.info("endpoint %s is InService with %s", name, config_name)

    def _fetch_model(self, name: str, config_name: str) -> tuple[Path, dict[str, str]]:
        variants = self._config(config_name)["ProductionVariants"]
        if len(variants) != 1:
            raise ValueError("the local endpoint server serves one production variant per endpoint")
        model = call(
            self.clients,
            "sagemaker",
            "describeModel",
            {"ModelName": variants[0]["ModelName"]},
            sdk_style=True,
        )
        container = model.get("PrimaryContainer") or (model.get("Containers") or [{}])[0]
        model_data = container.get("ModelDataUrl")
        if not model_data:
            raise ValueError(f"model {variants[0]['ModelName']} has no ModelDataUrl")
        archive = self.work_dir / "endpoints" / name / config_name / "model.tar.gz"
        s3_objects.download_object(self.clients("s3"), model_data, archive)
        return archive, dict(container.get("Environment", {}))

    def _config(self, config_name: str) -> Json:
        return call(
            self.clients,
            "sagemaker",
            "describeEndpointConfig",
            {"EndpointConfigName": config_name},
            sdk_style=False,
        )

    def _recorded(self, name: str) -> Json | None:
        try:
            return call(
                self.clients,
                "sagemaker",
                "describeEndpoint",
                {"EndpointName": name},
                sdk_style=True,
            )
        except StatesError:
            return None

    @staticmethod
    def _names(request: TaskRequest) -> tuple[str, str]:
        params = request.parameters
        return str(params.get("EndpointName")), str(params.get("EndpointConfigName"))


def _validation_error(message: str) -> StatesError:
    return StatesError(
        SAGEMAKER_OPTIMIZED_ERROR,
        f"{message} (Service: AmazonSageMaker; Status Code: 400; Error Code: ValidationException)",
    )


def _in_thread(work: Callable[[], None]) -> None:
    threading.Thread(target=work, name="endpoint-deploy", daemon=True).start()
