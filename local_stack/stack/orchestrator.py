"""`up`, `status` and `down` of the local stack (the `mlops local` commands are thin over these).

`up` is idempotent: components that run and answer are reused; the emulator keeps its resources
in memory, so when it has to start afresh everything else starts afresh with it and Terraform
applies into the new one. Provisioning is skipped when the same build and Terraform were applied
into the running emulator already.
"""

from __future__ import annotations

import logging
import shutil
import socket
import time
from concurrent.futures import ThreadPoolExecutor
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import boto3
from botocore.config import Config

from local_stack.stack import components, provision
from local_stack.stack.processes import stop
from local_stack.stack.runs import runs
from local_stack.stack.settings import (
    COMPONENTS,
    CREDENTIALS,
    DESCRIPTIONS,
    StackSettings,
    terraform_variables,
)
from local_stack.stack.state import Layout, StackState, load, save

log = logging.getLogger(__name__)

# Started before provisioning, in this order; the API gateway needs the deployed API's id.
BACKEND_COMPONENTS = ("emulator", "featurestore", "endpoints", "workflow")


class StackError(RuntimeError):
    """The stack cannot do what was asked; the message says why and what to do."""


def _client(service: str, endpoint_url: str, region: str) -> Any:
    factory: Any = boto3.client  # any service name: no typed overload applies
    return factory(
        service,
        endpoint_url=endpoint_url,
        region_name=region,
        aws_access_key_id=CREDENTIALS["AWS_ACCESS_KEY_ID"],
        aws_secret_access_key=CREDENTIALS["AWS_SECRET_ACCESS_KEY"],
        config=Config(
            retries={"mode": "standard", "max_attempts": 3}, s3={"addressing_style": "path"}
        ),
    )


def _port_free(host: str, port: int) -> bool:
    with closing(socket.socket(socket.AF_INET, socket.SOCK_STREAM)) as probe:
        try:
            probe.bind((host, port))
        except OSError:
            return False
    return True


def _free_port(host: str) -> int:
    with closing(socket.socket(socket.AF_INET, socket.SOCK_STREAM)) as probe:
        probe.bind((host, 0))
        port: int = probe.getsockname()[1]
        return port


def _choose_ports(settings: StackSettings, recorded: dict[str, int]) -> dict[str, int]:
    """Recorded ports win (URLs stay stable across `up`s); 0 asks for a free port, once."""
    chosen = {}
    for name in COMPONENTS:
        port = recorded.get(name) or settings.ports.get(name, 0)
        chosen[name] = port or _free_port(settings.host)
    return chosen


# A running component that does not answer at once may only be busy (the emulator during a
# workflow run): it gets this long before `up` replaces it (a new emulator means a new apply).
BUSY_GRACE_SECONDS = 15.0


def _alive_and_healthy(stack: StackState, settings: StackSettings) -> set[str]:
    found = set()
    for name, component in stack.components.items():
        deadline = time.monotonic() + BUSY_GRACE_SECONDS
        while component.ref.running():
            if components.healthy(name, component.url, settings.region):
                found.add(name)
                break
            if time.monotonic() > deadline:
                log.warning("%s runs but does not answer: replacing it", name)
                break
            time.sleep(0.5)
    return found


def _stop(stack: StackState, names: list[str]) -> list[int]:
    """Stop the components all at once (each waits for its own processes); the pids left."""
    stopping = [(name, stack.components.pop(name)) for name in names if name in stack.components]
    if not stopping:
        return []
    for name, component in stopping:
        log.info("stopping %s (pid %d)", name, component.pid)
    with ThreadPoolExecutor(max_workers=len(stopping)) as pool:
        left = pool.map(lambda item: stop(item[1].ref), stopping)
        return [pid for pids in left for pid in pids]


@dataclass(frozen=True)
class _Context:
    settings: StackSettings
    layout: Layout
    urls: components.Urls


def up(settings: StackSettings) -> dict[str, Any]:
    """Start what is not running, provision what changed; returns the connection information."""
    provision.find_terraform()  # before anything starts: say how to install it
    layout = Layout(settings.state_dir.resolve())
    with layout.locked():
        stack = load(layout)
        ports = _choose_ports(settings, stack.ports)
        context = _Context(settings, layout, components.Urls(settings.host, ports))
        running = _alive_and_healthy(stack, settings)
        if "emulator" not in running:
            # A new emulator starts empty: nothing else may keep pointing at old resources.
            _stop(stack, [n for n in reversed(COMPONENTS) if n in stack.components])
            stack = StackState(terraform_values=stack.terraform_values)
            (layout.terraform / "terraform.tfstate").unlink(missing_ok=True)
            running = set()
        _stop(
            stack, [n for n in reversed(COMPONENTS) if n in stack.components and n not in running]
        )
        stack.ports = ports
        save(layout, stack)
        layout.token()
        try:
            for name in BACKEND_COMPONENTS:
                if name not in running:
                    _start(context, stack, name)
            if _provision(context, stack) and "api" in stack.components:
                _stop(stack, ["api"])  # its routes are read at start: read them again
            if "api" not in stack.components:
                _start(context, stack, "api", api_id=_outputs(stack)["api_id"])
        except BaseException:
            # Leave nothing behind that this call started (what ran before keeps running).
            _stop(
                stack,
                [n for n in reversed(COMPONENTS) if n in stack.components and n not in running],
            )
            save(layout, stack)
            raise
        return connection_info(layout, stack, settings.region)


def _start(context: _Context, stack: StackState, name: str, api_id: str | None = None) -> None:
    port = context.urls.ports[name]
    if not _port_free(context.settings.host, port):
        raise StackError(
            f"port {port} ({DESCRIPTIONS[name]}) is in use by another program: choose another"
            f" with --port {name}=N, or let the stack pick free ports with --free-ports"
        )
    log.info("starting %s on port %d", DESCRIPTIONS[name], port)
    try:
        stack.components[name] = components.start(
            name, context.settings, context.layout, context.urls, api_id
        )
    except Exception as exc:
        raise StackError(
            f"{DESCRIPTIONS[name]} did not start: {exc}\n(see {context.layout.log(name)})"
        ) from exc
    save(context.layout, stack)


def _outputs(stack: StackState) -> dict[str, Any]:
    if not stack.provisioned:
        raise StackError("the stack was never provisioned: run `mlops local up`")
    outputs: dict[str, Any] = stack.provisioned["outputs"]
    return outputs


def _provision(context: _Context, stack: StackState) -> bool:
    """Build and apply unless the same was applied into this emulator; True when applied."""
    settings, layout, urls = context.settings, context.layout, context.urls
    built = provision.build(settings.repo_root, layout.build)
    stack.terraform_values = {**stack.terraform_values, **settings.terraform.given()}
    variables = {
        **terraform_variables(stack.terraform_values),
        "region": settings.region,
        "api_base_url": urls["api"],
    }
    plan = provision.prepare(layout.terraform, built, urls["emulator"], variables)
    emulator = stack.components["emulator"]
    done = stack.provisioned or {}
    if done.get("fingerprint") == plan.fingerprint and done.get("emulator") == [
        emulator.pid,
        emulator.create_time,
    ]:
        log.info("already provisioned: build and Terraform unchanged")
        return False
    log.info("applying terraform/local against the emulator (about a minute and a half)")
    started = time.monotonic()
    try:
        outputs = provision.apply(layout.terraform, plan)
    except Exception as exc:
        raise StackError(f"terraform apply of terraform/local failed: {exc}") from exc
    s3 = _client("s3", urls["emulator"], settings.region)
    uploaded = provision.upload_job_code(
        s3, outputs["artifacts_bucket_name"], built.code_version, built.jobs_dir
    )
    log.info(
        "provisioned in %.0f s; job code (%d files) in s3://%s/code/%s/",
        time.monotonic() - started,
        uploaded,
        outputs["artifacts_bucket_name"],
        built.code_version,
    )
    stack.provisioned = {
        "fingerprint": plan.fingerprint,
        "emulator": [emulator.pid, emulator.create_time],
        "code_version": built.code_version,
        "outputs": outputs,
    }
    save(layout, stack)
    return True


def connection_info(layout: Layout, stack: StackState, region: str) -> dict[str, Any]:
    """What a user or a test needs to use the stack (the JSON `mlops local up` prints)."""
    outputs = _outputs(stack)
    url = {name: component.url for name, component in stack.components.items()}
    environment = {
        **CREDENTIALS,
        "AWS_DEFAULT_REGION": region,
        "AWS_ENDPOINT_URL": url["emulator"],
        "AWS_ENDPOINT_URL_SFN": url["workflow"],
        "AWS_ENDPOINT_URL_SAGEMAKER_RUNTIME": url["endpoints"],
        "AWS_ENDPOINT_URL_SAGEMAKER_FEATURESTORE_RUNTIME": url["featurestore"],
    }
    return {
        "state_dir": str(layout.root),
        "region": region,
        "s3_endpoint": url["emulator"],
        "raw_bucket": outputs["raw_bucket_name"],
        "raw_prefix": outputs["raw_prefix"],
        "artifacts_bucket": outputs["artifacts_bucket_name"],
        "api_url": url["api"],
        "api_headers": {"Authorization": f"Bearer {layout.token()}"},
        "outbox_dir": str(layout.outbox),
        "function_logs_dir": str(layout.function_logs),
        "stepfunctions_endpoint": url["workflow"],
        "state_machine_arn": outputs["state_machine_arn"],
        "feature_group_name": outputs["feature_group_name"],
        "endpoint_name": outputs["endpoint_name"],
        "topic_arn": outputs["topic_arn"],
        "dead_letter_queue_url": outputs["dead_letter_queue_url"],
        "environment": environment,
    }


def status(state_dir: Path, region: str = "eu-west-1") -> dict[str, Any]:
    """Each component's health, the connection information and the workflow runs."""
    layout = Layout(state_dir.resolve())
    stack = load(layout)
    report: dict[str, Any] = {"state_dir": str(layout.root), "components": {}}
    for name in COMPONENTS:
        component = stack.components.get(name)
        entry: dict[str, Any] = {"description": DESCRIPTIONS[name]}
        if component is None:
            entry["status"] = "stopped"
        else:
            alive = component.ref.running()
            healthy = alive and components.healthy(name, component.url, region)
            entry.update(
                status="running" if healthy else ("unhealthy" if alive else "stopped"),
                pid=component.pid,
                url=component.url,
                log=component.log,
            )
        report["components"][name] = entry
    statuses = [entry["status"] for entry in report["components"].values()]
    report["running"] = all(status == "running" for status in statuses)
    emulator = report["components"]["emulator"]
    report["components"]["trigger"] = {
        "description": "S3 -> EventBridge rule -> StartExecution (an emulator addition)",
        "status": emulator["status"],
        "delivers_to": stack.components["workflow"].url if "workflow" in stack.components else None,
    }
    report["workflow_runs"] = []
    if report["running"] and stack.provisioned:
        info = connection_info(layout, stack, region)
        report.update(info)
        sfn = _client("stepfunctions", info["stepfunctions_endpoint"], region)
        report["workflow_runs"] = [run.to_json() for run in runs(sfn, info["state_machine_arn"])]
    return report


def down(state_dir: Path, purge: bool = False) -> dict[str, Any]:
    """Stop every component (and whatever each started); remove the state folder with `purge`.
    Raises StackError naming the processes that would not stop."""
    layout = Layout(state_dir.resolve())
    if not layout.root.exists():
        return {"stopped": [], "purged": False}
    with layout.locked():
        stack = load(layout)
        stopped = [name for name in reversed(COMPONENTS) if name in stack.components]
        left = _stop(stack, stopped)
        stack.provisioned = None  # the emulator's resources went with it
        save(layout, stack)
    if left:
        raise StackError(f"processes still running after down: {sorted(left)}")
    if purge:
        shutil.rmtree(layout.root)
    return {"stopped": stopped, "purged": purge, "state_dir": str(layout.root)}
