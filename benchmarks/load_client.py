"""An HTTP load client: GET requests from N concurrent clients, latency percentiles as JSON.

    python -m benchmarks.load_client --base-url http://127.0.0.1:8080 --path '/features/{id}' \
        --id 5008804 --id 5008805 --requests 10000 --concurrency 8 \
        --header 'Authorization: Bearer ...'

Each client is a thread with its own keep-alive connection (http.client: the least client-side
overhead the standard library has), sending its share of the requests back to back, cycling over
the ids; a latency is the time from sending a request to having read its whole answer. With
--rate the clients send on a fixed schedule instead (open loop, as wrk2 does): a latency then
counts from when the request was due, so a server that falls behind shows it. Any status
other than 200, or a connection error, counts as an error (the connection is then reopened).
`measure()` runs this in a child process, so the load never shares an interpreter (or its GIL)
with the code that started the servers.
"""

from __future__ import annotations

import argparse
import contextlib
import http.client
import json
import math
import statistics
import subprocess
import sys
import threading
import time
import urllib.parse
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

REPO_ROOT = Path(__file__).resolve().parents[1]
MAX_ERROR_EXAMPLES = 5


@dataclass
class ClientResult:
    latencies_ms: list[float] = field(default_factory=list)
    statuses: Counter[str] = field(default_factory=Counter)
    error_examples: list[str] = field(default_factory=list)


def percentile(values: Sequence[float], fraction: float) -> float:
    """Nearest-rank percentile (no interpolation: a value that was really measured)."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    rank = max(1, math.ceil(fraction * len(ordered)))
    return ordered[rank - 1]


@dataclass(frozen=True)
class Target:
    base: urllib.parse.SplitResult
    paths: Sequence[str]
    headers: Mapping[str, str]


@dataclass(frozen=True)
class Schedule:
    """Open loop: client `index` of `clients` sends its k-th request at (k * clients + index) /
    rate seconds after the start, whether or not the answers keep up."""

    rate: float
    clients: int
    index: int

    def send_time(self, started: float, k: int) -> float:
        return started + (k * self.clients + self.index) / self.rate


def _one_client(
    target: Target,
    count: int,
    offset: int,
    result: ClientResult,
    start: threading.Barrier,
    *,
    schedule: Schedule | None = None,
) -> None:
    base, paths, headers = target.base, target.paths, dict(target.headers)

    def connect() -> http.client.HTTPConnection:
        return http.client.HTTPConnection(base.hostname or "127.0.0.1", base.port, timeout=30)

    connection = connect()
    # Connected before the start, so the latencies are those of requests on an open keep-alive
    # connection (a refused connection is retried, and counted, by the first request).
    with contextlib.suppress(OSError):
        connection.connect()
    start.wait()
    started = time.perf_counter()
    for index in range(count):
        path = paths[(offset + index) % len(paths)]
        began = time.perf_counter()
        if schedule is not None:
            # A latency counts from when the request was due, not from when a client that fell
            # behind got to send it (no coordinated omission).
            began = schedule.send_time(started, index)
            if began > time.perf_counter():
                time.sleep(began - time.perf_counter())
        try:
            connection.request("GET", path, headers=headers)
            response = connection.getresponse()
            body = response.read()
            status = str(response.status)
        except (OSError, http.client.HTTPException) as exc:
            status, body = type(exc).__name__, str(exc).encode()
            connection.close()
            connection = connect()
        result.latencies_ms.append((time.perf_counter() - began) * 1000)
        result.statuses[status] += 1
        if status != "200" and len(result.error_examples) < MAX_ERROR_EXAMPLES:
            result.error_examples.append(f"{path}: {status} {body[:200]!r}")
    connection.close()


def run_load(
    base_url: str,
    paths: Sequence[str],
    *,
    requests: int,
    concurrency: int,
    headers: Mapping[str, str] | None = None,
    warmup: int = 0,
    rate: float | None = None,
) -> dict[str, Any]:
    """Send `requests` GETs over `paths` from `concurrency` clients; the statistics. Each client
    sends its next request when the last is answered (closed loop) or, with `rate`, all of them
    together send `rate` requests per second on a fixed schedule (open loop)."""
    if not paths:
        raise ValueError("no paths to request")
    if rate is not None and rate <= 0:
        raise ValueError("the rate must be positive")
    target = Target(urllib.parse.urlsplit(base_url), list(paths), dict(headers or {}))
    if warmup:
        _run_clients(target, warmup, concurrency)
    cpu_began = time.process_time()
    results, wall = _run_clients(target, requests, concurrency, rate)
    cpu_seconds = time.process_time() - cpu_began
    latencies = [value for result in results for value in result.latencies_ms]
    statuses: Counter[str] = Counter()
    for result in results:
        statuses.update(result.statuses)
    errors = sum(count for status, count in statuses.items() if status != "200")
    return {
        "requests": len(latencies),
        "concurrency": concurrency,
        "rate_per_second": rate,
        "errors": errors,
        "statuses": dict(sorted(statuses.items())),
        "error_examples": [e for result in results for e in result.error_examples][:5],
        "p50_ms": round(percentile(latencies, 0.50), 3),
        "p90_ms": round(percentile(latencies, 0.90), 3),
        "p99_ms": round(percentile(latencies, 0.99), 3),
        "max_ms": round(max(latencies), 3),
        "mean_ms": round(statistics.fmean(latencies), 3),
        "wall_seconds": round(wall, 3),
        "requests_per_second": round(len(latencies) / wall, 1),
        # This client's own CPU while measuring: it shares the machine with the servers.
        "client_cpu_seconds": round(cpu_seconds, 3),
    }


def _run_clients(
    target: Target, requests: int, concurrency: int, rate: float | None = None
) -> tuple[list[ClientResult], float]:
    shares = [
        requests // concurrency + (1 if i < requests % concurrency else 0)
        for i in range(concurrency)
    ]
    results = [ClientResult() for _ in range(concurrency)]
    start = threading.Barrier(concurrency + 1)
    threads = [
        threading.Thread(
            target=_one_client,
            args=(target, share, index * 7919, results[index], start),
            kwargs={"schedule": Schedule(rate, concurrency, index) if rate else None},
            daemon=True,
        )
        for index, share in enumerate(shares)
    ]
    for thread in threads:
        thread.start()
    start.wait()
    began = time.perf_counter()
    for thread in threads:
        thread.join()
    return results, time.perf_counter() - began


def measure(
    base_url: str,
    path_template: str,
    ids: Sequence[str],
    *,
    requests: int,
    concurrency: int,
    headers: Mapping[str, str] | None = None,
    warmup: int = 0,
    rate: float | None = None,
) -> dict[str, Any]:
    """`run_load` in a separate Python process (`python -m benchmarks.load_client`)."""
    argv = [
        sys.executable,
        "-m",
        "benchmarks.load_client",
        "--base-url",
        base_url,
        "--path",
        path_template,
        "--requests",
        str(requests),
        "--concurrency",
        str(concurrency),
        "--warmup",
        str(warmup),
    ]
    if rate is not None:
        argv += ["--rate", str(rate)]
    for user in ids:
        argv += ["--id", str(user)]
    for name, value in (headers or {}).items():
        argv += ["--header", f"{name}: {value}"]
    done = subprocess.run(argv, cwd=REPO_ROOT, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise RuntimeError(f"load client failed ({done.returncode}): {done.stderr[-2000:]}")
    result: dict[str, Any] = json.loads(done.stdout)
    return result


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.load_client", description=__doc__)
    parser.add_argument("--base-url", required=True, help="http://host:port of the API")
    parser.add_argument(
        "--path", required=True, help="path template with {id}, e.g. /features/{id}"
    )
    parser.add_argument("--id", action="append", default=[], dest="ids", help="an id (repeat)")
    parser.add_argument("--requests", type=int, default=10_000, help="requests (default 10000)")
    parser.add_argument("--concurrency", type=int, default=8, help="clients (default 8)")
    parser.add_argument("--warmup", type=int, default=0, help="unmeasured requests first")
    parser.add_argument(
        "--rate",
        type=float,
        help="open loop: this many requests per second in all, on a fixed schedule (latency counts"
        " from when each was due); default: closed loop, each client sends when answered",
    )
    parser.add_argument(
        "--header", action="append", default=[], help="'Name: value' sent on every request"
    )
    args = parser.parse_args(argv)
    if not args.ids:
        parser.error("give at least one --id")
    if args.requests < 1 or args.concurrency < 1:
        parser.error("--requests and --concurrency must be positive")
    if args.rate is not None and args.rate <= 0:
        parser.error("--rate must be positive")
    return args


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    headers = dict(header.split(":", 1) for header in args.header)
    paths = [args.path.replace("{id}", urllib.parse.quote(str(user), safe="")) for user in args.ids]
    result = run_load(
        args.base_url,
        paths,
        requests=args.requests,
        concurrency=args.concurrency,
        headers={name.strip(): value.strip() for name, value in headers.items()},
        warmup=args.warmup,
        rate=args.rate,
    )
    json.dump(result, sys.stdout)
    sys.stdout.write("\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
