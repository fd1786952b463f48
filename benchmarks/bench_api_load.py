"""The local API under load: 10,000 GETs from 8 concurrent clients in a separate process
(`benchmarks.load_client`, one keep-alive connection each), for /features/{id} and
/predictions/{id} with the local bearer token, over the users of a live model.

The stack is brought up on free ports in a temporary folder, a generated file of API_USERS users
is run through the workflow to a live endpoint (auto-approved), then each route is loaded after a
short warm-up; then, for reference (no target), 1,000 requests from a single client: the service
time without queueing behind the other clients. Targets: p99 < 10 ms for features, < 20 ms for
predictions, zero errors. The latency includes the local gateway, the Lambda runner's worker
process running the real handler, and the Feature Store runtime (and the endpoint server for
predictions), all on this machine.

Then, also for reference, 5,000 requests sent on a fixed schedule (open loop) at about half the
throughput these 2 cores reach (RATE_PER_SECOND): the latency a moderate, steady load sees.

For each loaded route, `cpu` says where the CPU went (milliseconds per request, for the gateway,
the functions' worker processes, each other component and the load client) and what that allows:
the throughput ceiling of this machine's cores and the mean latency it implies for 8 clients.
"""

from __future__ import annotations

import csv
import random
import tempfile
from pathlib import Path
from typing import Any

from benchmarks.cpu_accounting import CpuMeter, capacity, per_request_ms
from benchmarks.load_client import measure
from benchmarks.local_stack_support import running_stack
from benchmarks.support import load_average
from local_stack.stack import TerraformValues
from local_stack.stack.state import Layout, load
from mlops import synthetic
from mlops.pipeline_run import run_file

API_USERS = 2000
SAMPLED_USERS = 500
REQUESTS = 10_000
CONCURRENCY = 8
WARMUP = 400
SINGLE_CLIENT_REQUESTS = 1000
SINGLE_CLIENT_WARMUP = 50
# For reference (no target): the same 8 connections sending on a fixed schedule at about half the
# throughput 2 cores reach, latency counted from when each request was due.
RATE_PER_SECOND = {"features": 300.0, "predictions": 180.0}
RATE_REQUESTS = 5000
TARGET_P99_MS = {"features": 10.0, "predictions": 20.0}
SMALL_MODEL = TerraformValues(rf_n_estimators=50, rf_max_depth=8, quality_gate_min_roc_auc=0.5)


def _users(path: Path, count: int) -> list[str]:
    with path.open(newline="") as stream:
        users = sorted({row["id"] for row in csv.DictReader(stream)})
    return random.Random(0).sample(users, min(count, len(users)))


def _cpu(
    spent: dict[str, float], measured: dict[str, Any], warmup: int, concurrency: int
) -> dict[str, Any]:
    """CPU ms per request by process (the servers also served the warm-up), and what it allows."""
    served = measured["requests"] + warmup
    names = {"api": "api_gateway", "api_children": "lambda_functions"}
    servers = per_request_ms({names.get(k, k): v for k, v in spent.items() if v > 0}, served)
    client = per_request_ms({"load_client": measured["client_cpu_seconds"]}, measured["requests"])
    per_request = dict(sorted({**servers, **client}.items(), key=lambda item: -item[1]))
    functions = {"lambda_functions": per_request.get("lambda_functions", 0.0)}
    return {
        "ms_per_request": per_request,
        **capacity(per_request, concurrency),
        # Were every other process free, the functions' own CPU would still allow no lower mean.
        "mean_latency_floor_ms_functions_alone": capacity(functions, concurrency)[
            "mean_latency_floor_ms"
        ],
    }


def run() -> dict[str, Any]:
    results: dict[str, Any] = {
        "users": API_USERS,
        "sampled_users": SAMPLED_USERS,
        "requests": REQUESTS,
        "concurrency": CONCURRENCY,
        "warmup_requests": WARMUP,
        "load_average_before": load_average(),
    }
    with tempfile.TemporaryDirectory(prefix="bench-api-load-") as folder:
        root = Path(folder)
        data = synthetic.write_csv(synthetic.generate(users=API_USERS, seed=5).raw, root / "l.csv")
        with running_stack(root / "stack", terraform=SMALL_MODEL) as stack:
            run = run_file(stack.info, data, decision="approve", timeout=900)
            results["run_status"] = run.status
            if run.status != "live":
                raise RuntimeError(f"the run ended {run.status}: {run.summary.error}")
            users = _users(data, SAMPLED_USERS)
            components = load(Layout(stack.settings.state_dir)).components
            meter = CpuMeter({name: component.pid for name, component in components.items()})

            def metered(
                route: str, requests: int, concurrency: int, warmup: int, rate: float | None = None
            ) -> dict[str, Any]:
                """One load run of the route, with the CPU each process spent on it."""
                with meter.window():
                    measured = measure(
                        stack.info["api_url"],
                        f"/{route}/{{id}}",
                        users,
                        requests=requests,
                        concurrency=concurrency,
                        headers=stack.info["api_headers"],
                        warmup=warmup,
                        rate=rate,
                    )
                measured["cpu"] = _cpu(meter.spent, measured, warmup, concurrency)
                return measured

            for route in ("features", "predictions"):
                results[route] = metered(route, REQUESTS, CONCURRENCY, WARMUP)
                # One client: each process's cost without queueing behind the others.
                results[f"{route}_single_client"] = metered(
                    route, SINGLE_CLIENT_REQUESTS, 1, SINGLE_CLIENT_WARMUP
                )
                paced = metered(
                    route, RATE_REQUESTS, CONCURRENCY, SINGLE_CLIENT_WARMUP, RATE_PER_SECOND[route]
                )
                # Open loop: the closed-loop ceiling and floors do not apply.
                paced["cpu"] = {"ms_per_request": paced["cpu"]["ms_per_request"]}
                results[f"{route}_at_rate"] = paced
    results["targets"] = {f"{route}_p99_ms_max": ms for route, ms in TARGET_P99_MS.items()}
    results["targets"]["errors_max"] = 0
    results["met"] = {
        f"{route}_p99": results[route]["p99_ms"] < ms for route, ms in TARGET_P99_MS.items()
    }
    results["met"]["zero_errors"] = all(results[r]["errors"] == 0 for r in TARGET_P99_MS)
    results["load_average_after"] = load_average()
    return results
