"""The named endpoints of one server and their models; swaps are atomic, as UpdateEndpoint's are.

Loading happens beside the serving model: requests keep going to the old model until the new one
has loaded, then the name points at the new one in a single assignment. A model that fails to
load leaves a serving endpoint as it was (SageMaker rolls a failed update back) and marks a new
endpoint Failed, with the error as its failure reason.
"""

from __future__ import annotations

import logging
import re
import shutil
import tempfile
import threading
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from local_stack.endpoint_server.models import LoadedModel, ModelLoadError, load_model

log = logging.getLogger(__name__)

IN_SERVICE = "InService"
FAILED = "Failed"
# SageMaker's EndpointName pattern.
ENDPOINT_NAME = re.compile(r"^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}$")


class InvalidEndpointNameError(ValueError):
    """The name does not match SageMaker's endpoint name pattern."""


@dataclass(frozen=True)
class Endpoint:
    name: str
    status: str
    model_data: str
    environment: Mapping[str, str]
    model: LoadedModel | None = None
    failure_reason: str | None = None
    updated_at: str = field(default_factory=lambda: datetime.now(UTC).isoformat(timespec="seconds"))

    def describe(self) -> dict[str, Any]:
        description: dict[str, Any] = {
            "name": self.name,
            "status": self.status,
            "model_data": self.model_data,
            "environment": dict(self.environment),
            "updated_at": self.updated_at,
        }
        if self.failure_reason:
            description["failure_reason"] = self.failure_reason
        return description


class EndpointRegistry:
    """Endpoints by name. Reads take no lock; loads, swaps and removals take turns."""

    def __init__(self, work_dir: Path | None = None) -> None:
        self._owns_work_dir = work_dir is None
        self.work_dir = work_dir or Path(tempfile.mkdtemp(prefix="local-endpoints-"))
        self.work_dir.mkdir(parents=True, exist_ok=True)
        self._endpoints: dict[str, Endpoint] = {}
        self._changes = threading.Lock()

    def get(self, name: str) -> Endpoint | None:
        return self._endpoints.get(name)

    def list(self) -> list[Endpoint]:
        return sorted(self._endpoints.values(), key=lambda endpoint: endpoint.name)

    def put(
        self, name: str, model_data: Path, environment: Mapping[str, str] | None = None
    ) -> Endpoint:
        """Create or replace `name` with the model in `model_data` (a model.tar.gz path).

        Raises ModelLoadError when the model does not load; the endpoint then keeps serving its
        previous model, or, if it had none, is recorded as Failed with the reason.
        """
        if not ENDPOINT_NAME.match(name):
            raise InvalidEndpointNameError(
                f"endpoint name {name!r} must be 1-63 letters, digits or hyphens, "
                "starting and ending with a letter or digit"
            )
        env = dict(environment or {})
        with self._changes:
            try:
                loaded = load_model(model_data, self.work_dir, env)
            except ModelLoadError as error:
                log.error("endpoint %s: %s", name, error)
                current = self._endpoints.get(name)
                if current is None or current.status == FAILED:
                    self._endpoints[name] = Endpoint(
                        name, FAILED, str(model_data), env, failure_reason=str(error)
                    )
                else:  # still serving the previous model, as after a failed UpdateEndpoint
                    self._endpoints[name] = replace(current, failure_reason=str(error))
                raise
            previous = self._endpoints.get(name)
            self._endpoints[name] = Endpoint(name, IN_SERVICE, str(model_data), env, loaded)
        if previous is not None and previous.model is not None:
            previous.model.unload()
        log.info("endpoint %s serves %s", name, model_data)
        return self._endpoints[name]

    def remove(self, name: str) -> bool:
        with self._changes:
            endpoint = self._endpoints.pop(name, None)
        if endpoint is None:
            return False
        if endpoint.model is not None:
            endpoint.model.unload()
        log.info("endpoint %s removed", name)
        return True

    def close(self) -> None:
        for endpoint in self.list():
            self.remove(endpoint.name)
        if self._owns_work_dir:
            shutil.rmtree(self.work_dir, ignore_errors=True)
