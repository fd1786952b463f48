"""How each component of the local stack is started, found and checked.

Every component is a `python -m local_stack.<service>` process started detached (it outlives
`mlops local up`) through `local_stack.service_process`, on a port chosen before any starts, so
that each can be given the others' URLs up front (the emulator's trigger needs the executor's).
"""

from __future__ import annotations

import logging
import os
import re
import urllib.error
import urllib.request
from collections.abc import Mapping
from dataclasses import dataclass

import boto3
from botocore.config import Config

from local_stack.service_process import start_service
from local_stack.stack.processes import ProcessRef
from local_stack.stack.settings import CREDENTIALS, StackSettings
from local_stack.stack.state import ComponentState, Layout

log = logging.getLogger(__name__)

_URL = re.compile(r"https?://[^\s\"']+")
HEALTH_PATHS: Mapping[str, str] = {
    "featurestore": "/_local/health",
    "endpoints": "/ping",
    "workflow": "/_local/health",
    "api": "/_local/health",
}


@dataclass(frozen=True)
class Urls:
    host: str
    ports: Mapping[str, int]

    def __getitem__(self, component: str) -> str:
        return f"http://{self.host}:{self.ports[component]}"


def service_environment(settings: StackSettings) -> dict[str, str]:
    """This process's environment without anything that could reach real AWS, plus the local
    credentials and region."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    env.update(CREDENTIALS)
    env["AWS_REGION"] = env["AWS_DEFAULT_REGION"] = settings.region
    return env


def endpoint_arguments(urls: Urls, *, step_functions: bool) -> list[str]:
    """The endpoint variables that point boto3 in jobs and functions at the local services (the
    executor adds its own Step Functions URL)."""
    pairs = {
        "AWS_ENDPOINT_URL_SAGEMAKER_RUNTIME": urls["endpoints"],
        "AWS_ENDPOINT_URL_SAGEMAKER_FEATURESTORE_RUNTIME": urls["featurestore"],
    }
    if step_functions:
        pairs["AWS_ENDPOINT_URL_SFN"] = urls["workflow"]
    arguments = []
    for name, url in pairs.items():
        arguments += ["--endpoint", f"{name}={url}"]
    return arguments


def launch(
    component: str, settings: StackSettings, layout: Layout, urls: Urls, api_id: str | None
) -> tuple[str, list[str]]:
    """(module, arguments) of a component."""
    host, port = settings.host, str(urls.ports[component])
    common = ["--host", host, "--port", port]
    if component == "emulator":
        return "local_stack.emulator", [
            *common,
            "--region",
            settings.region,
            "--outbox-dir",
            str(layout.outbox),
            "--stepfunctions-endpoint",
            urls["workflow"],
        ]
    if component == "featurestore":
        layout.featurestore_db.parent.mkdir(parents=True, exist_ok=True)
        return "local_stack.featurestore_runtime", [
            *common,
            "--db",
            str(layout.featurestore_db),
            "--describe-from-sagemaker",
            "--sagemaker-endpoint-url",
            urls["emulator"],
            "--region",
            settings.region,
        ]
    if component == "endpoints":
        return "local_stack.endpoint_server", common
    if component == "workflow":
        return "local_stack.workflow", [
            *common,
            "--emulator-url",
            urls["emulator"],
            "--region",
            settings.region,
            "--work-dir",
            str(layout.workflow),
            "--speedup",
            str(settings.speedup),
            "--endpoint-server-url",
            urls["endpoints"],
            "--function-log-dir",
            str(layout.function_logs),
            *endpoint_arguments(urls, step_functions=False),
        ]
    if component == "api":
        if api_id is None:
            raise ValueError("the API gateway needs the API's id (provision first)")
        return "local_stack.api_gateway", [
            *common,
            "--emulator-url",
            urls["emulator"],
            "--api-id",
            api_id,
            "--region",
            settings.region,
            "--token-file",
            str(layout.token_file),
            "--function-log-dir",
            str(layout.function_logs),
            *endpoint_arguments(urls, step_functions=True),
        ]
    raise ValueError(f"unknown component {component!r}")


def start(
    component: str, settings: StackSettings, layout: Layout, urls: Urls, api_id: str | None = None
) -> ComponentState:
    module, arguments = launch(component, settings, layout, urls, api_id)
    layout.logs.mkdir(parents=True, exist_ok=True)
    log_file = layout.log(component)
    service = start_service(
        module,
        arguments,
        log_file=log_file,
        environ=service_environment(settings),
        startup_timeout=settings.startup_timeout_seconds,
        detach=True,
    )
    found = _URL.search(service.ready_line)
    url = found.group(0).rstrip("/") if found else urls[component]
    ref = ProcessRef.of(service.process.pid)
    log.info("started %s (pid %d) on %s", component, ref.pid, url)
    return ComponentState(ref.pid, ref.create_time, url, str(log_file))


def healthy(component: str, url: str, region: str, timeout: float = 3.0) -> bool:
    """True when the component answers its health check."""
    if component == "emulator":
        sts = boto3.client(
            "sts",
            endpoint_url=url,
            region_name=region,
            aws_access_key_id=CREDENTIALS["AWS_ACCESS_KEY_ID"],
            aws_secret_access_key=CREDENTIALS["AWS_SECRET_ACCESS_KEY"],
            config=Config(
                retries={"max_attempts": 1}, connect_timeout=timeout, read_timeout=timeout
            ),
        )
        try:
            sts.get_caller_identity()
        except Exception:  # refused, timed out, or an error page: not serving
            return False
        return True
    try:
        with urllib.request.urlopen(url + HEALTH_PATHS[component], timeout=timeout) as response:  # noqa: S310 (our loopback URL)
            return bool(response.status == 200)
    except (urllib.error.URLError, ConnectionError, TimeoutError):
        return False
