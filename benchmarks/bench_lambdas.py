"""Lambda functions: zip size, cold start of each handler, per-request handler overhead.

- zip size: `mlops build`'s zip (code + shared; Powertools comes from the layer, boto3 from the
  runtime). Target < 1 MB.
- cold import: a fresh `python -I` whose path holds the zip (and site-packages for boto3 and
  Powertools, as the runtime and the layer provide them) imports the handler module; median of
  several interpreters. Target < 300 ms. Measured with tracing off (POWERTOOLS_TRACE_DISABLED or
  outside Lambda: no X-Ray SDK is loaded) and with tracing on (as in Lambda with X-Ray: the SDK's
  recorder is built at import).
- first response: the same fresh interpreter, import plus the first request (clients created,
  settings read), tracing off; what a cold start costs before any network time.
- per-request overhead: warm handler called in process with its AWS clients answered locally
  (botocore Stubber on real clients: request building and response parsing counted, no network);
  median and p95.
The libraries' own import times are recorded beside them, to show where the time goes.
"""

from __future__ import annotations

import io
import json
import os
import statistics
import subprocess
import sys
import tarfile
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

REPO_ROOT = Path(__file__).resolve().parents[1]
ZIP_TARGET_BYTES = 1024 * 1024
IMPORT_TARGET_MS = 300.0
COLD_RUNS = 5
REQUESTS = 200
ENV = {
    "AWS_ACCESS_KEY_ID": "bench",
    "AWS_SECRET_ACCESS_KEY": "bench",
    "AWS_DEFAULT_REGION": "eu-west-1",
    "AWS_REGION": "eu-west-1",
    "APPROVALS_TABLE_NAME": "approvals",
    "IDEMPOTENCY_TABLE_NAME": "idempotency",
    "NOTIFICATION_TOPIC_ARN": "arn:aws:sns:eu-west-1:123456789012:notifications",
    "ARTIFACTS_BUCKET": "artifacts",
    "FEATURE_GROUP_NAME": "credit-risk-features",
    "ENDPOINT_NAME": "credit-risk",
    "POWERTOOLS_LOG_LEVEL": "WARNING",
    "POWERTOOLS_METRICS_DISABLED": "true",
}
IN_LAMBDA_WITH_TRACING = {
    "LAMBDA_TASK_ROOT": "/var/task",
    "AWS_XRAY_CONTEXT_MISSING": "IGNORE_ERROR",
}
LIBRARIES = {
    "boto3": "import boto3",
    "powertools_logger_metrics": (
        "from aws_lambda_powertools import Logger, Metrics; Logger(); Metrics()"
    ),
    "powertools_tracer_with_xray_sdk": "from aws_lambda_powertools import Tracer; Tracer()",
    "powertools_http_resolver": (
        "from aws_lambda_powertools.event_handler import APIGatewayHttpResolver"
    ),
    "powertools_idempotency": "import aws_lambda_powertools.utilities.idempotency",
    "pydantic": "import pydantic",
}
_COLD_START = """
import json, sys, time
sys.path.insert(0, {archive!r})
started, started_cpu = time.perf_counter(), time.process_time()
import lambdas.{name}.handler as module
imported, imported_cpu = time.perf_counter(), time.process_time()
result = {{"import_ms": (imported - started) * 1000}}
result["import_cpu_ms"] = (imported_cpu - started_cpu) * 1000
if {first_request}:
    sys.path.append({repo!r})
    from benchmarks.bench_lambdas import first_request
    result["first_response_ms"] = result["import_ms"] + first_request({name!r}, module.handler)
print(json.dumps(result))
"""


def run() -> dict[str, Any]:
    load_at_start = os.getloadavg()[0]
    from mlops.packaging import build_lambdas  # noqa: PLC0415 (keep `import` of this module light)

    functions: dict[str, Any] = {}
    with tempfile.TemporaryDirectory() as tmp:
        for artifact in build_lambdas(REPO_ROOT, Path(tmp)):
            name = artifact.path.stem
            cold = [_cold_start(name, artifact.path, first_request=True) for _ in range(COLD_RUNS)]
            traced = [
                _cold_start(name, artifact.path, first_request=False, extra=IN_LAMBDA_WITH_TRACING)
                for _ in range(COLD_RUNS)
            ]
            import_ms = statistics.median(c["import_ms"] for c in cold)
            import_cpu_ms = statistics.median(c["import_cpu_ms"] for c in cold)
            functions[name] = {
                "zip_bytes": artifact.size,
                "cold_import_ms_median": round(import_ms, 1),
                "cold_import_cpu_ms_median": round(import_cpu_ms, 1),
                "cold_import_ms_with_xray_tracing_median": round(
                    statistics.median(c["import_ms"] for c in traced), 1
                ),
                "first_response_ms_median": round(
                    statistics.median(c["first_response_ms"] for c in cold), 1
                ),
                "zip_target_met": artifact.size < ZIP_TARGET_BYTES,
                "import_target_met": import_ms < IMPORT_TARGET_MS,
                "import_target_met_in_cpu_time": import_cpu_ms < IMPORT_TARGET_MS,
            }
    for name, timings in request_overheads().items():
        functions[name].update(timings)
    libraries = {
        name: round(statistics.median(_library_import_ms(code) for _ in range(COLD_RUNS)), 1)
        for name, code in LIBRARIES.items()
    }
    return {
        "targets": {"zip_bytes_below": ZIP_TARGET_BYTES, "cold_import_ms_below": IMPORT_TARGET_MS},
        "met": {
            "zip_size": all(f["zip_target_met"] for f in functions.values()),
            "cold_import_tracing_off": all(f["import_target_met"] for f in functions.values()),
            # CPU time: what the import costs without the other processes of a shared machine.
            "cold_import_tracing_off_in_cpu_time": all(
                f["import_target_met_in_cpu_time"] for f in functions.values()
            ),
            "cold_import_with_xray_tracing": all(
                f["cold_import_ms_with_xray_tracing_median"] < IMPORT_TARGET_MS
                for f in functions.values()
            ),
        },
        "functions": functions,
        "library_import_ms_median": libraries,
        "method": {
            "cold_runs_per_function": COLD_RUNS,
            "requests_per_function": REQUESTS,
            "clients": "botocore Stubber on real clients (no network)",
            "load_average_1min_at_start": load_at_start,
            "load_average_1min_at_end": os.getloadavg()[0],
        },
    }


def _cold_start(
    name: str, archive: Path, *, first_request: bool, extra: dict[str, str] | None = None
) -> dict[str, float]:
    code = _COLD_START.format(
        archive=str(archive), name=name, first_request=first_request, repo=str(REPO_ROOT)
    )
    env = {**os.environ, **ENV, **(extra or {})}
    result = subprocess.run(
        [sys.executable, "-I", "-c", code], capture_output=True, text=True, check=True, env=env
    )
    timings: dict[str, float] = json.loads(result.stdout.strip().splitlines()[-1])
    return timings


def _library_import_ms(statement: str) -> float:
    code = (
        f"import time; t = time.perf_counter(); {statement}; "
        "print((time.perf_counter() - t) * 1000)"
    )
    env = {**os.environ, **ENV}
    result = subprocess.run(
        [sys.executable, "-I", "-c", code], capture_output=True, text=True, check=True, env=env
    )
    return float(result.stdout.strip().splitlines()[-1])


# --- per-request overhead -------------------------------------------------------------------

Queue = Callable[[dict[str, Any]], None]  # queues one request's AWS answers on the stubbers


def _cases() -> dict[str, tuple[Callable[[int], dict[str, Any]], Queue]]:
    return {
        "features_api": (lambda i: _http("GET", f"/features/{i + 1}"), _queue_features),
        "predictions_api": (lambda i: _http("GET", f"/predictions/{i + 1}"), _queue_prediction),
        "approvals_api": (lambda i: _http("GET", f"/approvals/{'A' * 43}"), _queue_review),
        "approval_request": (_approval_payload, _queue_approval_request),
        "notify": (_notify_payload, _queue_notify),
    }


def first_request(name: str, handler: Callable[..., Any]) -> float:
    """Milliseconds of a fresh process's first request (clients created on the way)."""
    from local_stack.api_gateway import LocalContext  # noqa: PLC0415 (runs in the child)

    make_event, queue = _cases()[name]
    event = make_event(0)
    started = time.perf_counter()
    with _stubbed_clients() as stubbers:
        queue(stubbers)
        handler(event, LocalContext(function_name=name))
    return (time.perf_counter() - started) * 1000


def request_overheads() -> dict[str, dict[str, float]]:
    import importlib  # noqa: PLC0415

    from local_stack.api_gateway import LocalContext  # noqa: PLC0415

    results = {}
    with _environment(), _stubbed_clients() as stubbers:
        for name, (make_event, queue) in _cases().items():
            handler = importlib.import_module(f"lambdas.{name}.handler").handler
            timings = []
            for i in range(REQUESTS + 10):
                event = make_event(i)
                queue(stubbers)
                started = time.perf_counter()
                handler(event, LocalContext(function_name=name))
                elapsed = (time.perf_counter() - started) * 1000
                if i >= 10:  # the first requests warm caches (clients, settings)
                    timings.append(elapsed)
            for stubber in stubbers.values():
                stubber.assert_no_pending_responses()
            timings.sort()
            results[name] = {
                "request_overhead_ms_median": round(statistics.median(timings), 3),
                "request_overhead_ms_p95": round(timings[int(len(timings) * 0.95)], 3),
            }
    return results


@contextmanager
def _environment() -> Iterator[None]:
    saved = dict(os.environ)
    os.environ.update(ENV)
    try:
        yield
    finally:
        os.environ.clear()
        os.environ.update(saved)


@contextmanager
def _stubbed_clients() -> Iterator[dict[str, Any]]:
    import boto3  # noqa: PLC0415 (imports here are part of what a cold start measures)
    from botocore.stub import Stubber  # noqa: PLC0415

    from lambdas.shared import aws  # noqa: PLC0415
    from lambdas.shared.settings import load_settings  # noqa: PLC0415

    services = ["sagemaker-featurestore-runtime", "sagemaker-runtime", "dynamodb", "s3", "sns"]
    clients: dict[str, Any] = {s: boto3.client(s, region_name="eu-west-1") for s in services}  # type: ignore[call-overload]
    stubbers = {s: Stubber(c) for s, c in clients.items()}
    original = aws.client
    load_settings.cache_clear()
    aws.client = clients.__getitem__  # type: ignore[assignment]
    for stubber in stubbers.values():
        stubber.activate()
    try:
        yield stubbers
    finally:
        aws.client = original
        load_settings.cache_clear()
        for stubber in stubbers.values():
            stubber.deactivate()


def _http(method: str, path: str) -> dict[str, Any]:
    from local_stack.api_gateway.events import HttpRequest, build_event  # noqa: PLC0415

    route = {"features": "GET /features/{id}", "predictions": "GET /predictions/{id}"}.get(
        path.split("/")[1], f"{method} /approvals/{{token}}"
    )
    name = route.split("{")[1].rstrip("}")
    request = HttpRequest(method, path, headers=[("accept", "text/html"), ("host", "bench")])
    return build_event(request, route_key=route, path_parameters={name: path.rsplit("/", 1)[1]})


def _record() -> list[dict[str, str]]:
    from lambdas.shared.feature_records import (  # noqa: PLC0415
        FeatureValue,
        UserFeatures,
        features_to_record,
    )

    features: dict[str, FeatureValue] = {"nb_previous_loans": 3, "avg_amount_loans_previous": 120.5}
    features |= {"age": 41, "years_on_the_job": None, "flag_own_car": 1}
    return features_to_record(UserFeatures(1, 10, "2020-03-14T00:00:00Z", features))


ANSWER = json.dumps(
    {
        "predictions": [{"probability_of_default": 0.03, "decision": "accept"}],
        "threshold": 0.2,
        "model_version": "v1",
    }
).encode()


def _body(raw: bytes) -> Any:
    from botocore.response import StreamingBody  # noqa: PLC0415

    return StreamingBody(io.BytesIO(raw), len(raw))


def _queue_features(stubbers: dict[str, Any]) -> None:
    stubbers["sagemaker-featurestore-runtime"].add_response("get_record", {"Record": _record()})


def _queue_prediction(stubbers: dict[str, Any]) -> None:
    _queue_features(stubbers)
    stubbers["sagemaker-runtime"].add_response("invoke_endpoint", {"Body": _body(ANSWER)})


def _review_item() -> dict[str, Any]:
    from lambdas.shared.approvals import Approval, to_item  # noqa: PLC0415
    from lambdas.shared.tokens import hash_token  # noqa: PLC0415

    evaluation = json.loads((REPO_ROOT / "tests/data/lambdas/evaluation.json").read_text())
    approval = Approval(
        token_hash=hash_token("A" * 43),
        task_token="bench-task-token",
        execution_arn="arn:aws:states:eu-west-1:1:execution:m:run-1",
        execution_name="run-1",
        model_package_arn="arn:aws:sagemaker:eu-west-1:1:model-package/credit-risk/3",
        training_job_name="run-1-training",
        metrics={k: float(v) for k, v in evaluation.items() if isinstance(v, int | float)},
        created_at=int(time.time()),
        expires_at=int(time.time()) + 3600,
        evaluation_s3_uri="s3://artifacts/runs/run-1/review/evaluation.json",
        report_s3_uri="s3://artifacts/runs/run-1/review/report.html",
        confusion_matrix=evaluation["confusion_matrix"],
    )
    return to_item(approval)


def _queue_review(stubbers: dict[str, Any]) -> None:
    report = (REPO_ROOT / "tests/data/lambdas/report.html").read_bytes()
    stubbers["dynamodb"].add_response("get_item", {"Item": _review_item()})
    stubbers["s3"].add_response("get_object", {"Body": _body(report)})


def _output_tarball() -> bytes:
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz") as tar:
        for name in ("evaluation.json", "report.html"):
            content = (REPO_ROOT / "tests/data/lambdas" / name).read_bytes()
            info = tarfile.TarInfo(name)
            info.size = len(content)
            tar.addfile(info, io.BytesIO(content))
    return buffer.getvalue()


_TARBALL = _output_tarball()


def _approval_payload(i: int) -> dict[str, Any]:
    payload: dict[str, Any] = json.loads(
        (REPO_ROOT / "tests/events/approval_request.json").read_text()
    )
    payload["task_token"] = f"bench-task-token-{i}"
    return payload


def _queue_idempotent(stubbers: dict[str, Any]) -> None:
    stubbers["dynamodb"].add_response("put_item", {})  # Powertools: claim the request


def _queue_approval_request(stubbers: dict[str, Any]) -> None:
    _queue_idempotent(stubbers)
    stubbers["s3"].add_response("get_object", {"Body": _body(_TARBALL)})
    stubbers["s3"].add_response("put_object", {})
    stubbers["s3"].add_response("put_object", {})
    stubbers["dynamodb"].add_response("put_item", {})
    stubbers["sns"].add_response("publish", {"MessageId": "m"})
    stubbers["dynamodb"].add_response("update_item", {})  # Powertools: store the result


def _notify_payload(i: int) -> dict[str, Any]:
    payload: dict[str, Any] = json.loads(
        (REPO_ROOT / "tests/events/notify_failed.json").read_text()
    )
    payload["execution_arn"] += f"-{i}"
    return payload


def _queue_notify(stubbers: dict[str, Any]) -> None:
    _queue_idempotent(stubbers)
    stubbers["sns"].add_response("publish", {"MessageId": "m"})
    stubbers["dynamodb"].add_response("update_item", {})
