"""boto3 clients for the AWS emulator, created once per service."""

from __future__ import annotations

import threading
from typing import Any

import boto3
from botocore.config import Config

from local_stack.workflow.settings import LOCAL_CREDENTIALS


class EmulatorClients:
    """`clients("s3")` -> a client bound to the emulator, with local credentials."""

    def __init__(self, emulator_url: str, region: str) -> None:
        self.emulator_url = emulator_url
        self.session = boto3.session.Session(
            aws_access_key_id=LOCAL_CREDENTIALS["AWS_ACCESS_KEY_ID"],
            aws_secret_access_key=LOCAL_CREDENTIALS["AWS_SECRET_ACCESS_KEY"],
            region_name=region,
        )
        self._clients: dict[str, Any] = {}
        self._lock = threading.Lock()

    def __call__(self, service: str) -> Any:
        with self._lock:
            if service not in self._clients:
                config = Config(
                    retries={"mode": "standard", "max_attempts": 3},
                    s3={"addressing_style": "path"},
                )
                # `service` is any boto3 service name, which the stubs' overloads cannot express.
                self._clients[service] = self.session.client(  # type: ignore[call-overload]
                    service, endpoint_url=self.emulator_url, config=config
                )
            return self._clients[service]
