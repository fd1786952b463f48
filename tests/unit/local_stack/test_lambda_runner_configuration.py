"""LambdaRunner's configuration cache: the API gateway's invocations never wait for the emulator
once a function's configuration is known."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from local_stack.lambda_runner import LambdaRunner


class FakeLambda:
    class exceptions:  # noqa: N801 (boto3's attribute name)
        class ResourceNotFoundException(Exception):  # noqa: N818 (boto3's name)
            pass

    def __init__(self) -> None:
        self.calls = 0
        self.timeout = 3

    def get_function_configuration(self, FunctionName: str) -> dict[str, Any]:  # noqa: N803
        self.calls += 1
        return {
            "FunctionName": FunctionName,
            "FunctionArn": f"arn:aws:lambda:eu-west-1:123456789012:function:{FunctionName}",
            "Handler": "handler.handler",
            "Timeout": self.timeout,
        }


def runner(client: FakeLambda, ttl: float) -> LambdaRunner:
    return LambdaRunner(client, code_root=Path("."), configuration_ttl_seconds=ttl)


def test_configuration_without_ttl_is_read_every_time() -> None:
    client = FakeLambda()
    lambda_runner = runner(client, 0)
    lambda_runner.configuration("f")
    lambda_runner.configuration("f")
    assert client.calls >= 2


def test_configuration_with_ttl_is_served_from_cache_then_refreshed_in_the_background() -> None:
    client = FakeLambda()
    lambda_runner = runner(client, 0.05)
    assert lambda_runner.configuration("f").timeout_seconds == 3
    assert lambda_runner.configuration("f").timeout_seconds == 3
    assert client.calls == 1
    client.timeout = 9  # a new deployment
    time.sleep(0.06)
    assert lambda_runner.configuration("f").timeout_seconds == 3  # answered at once, stale
    deadline = time.monotonic() + 5
    while lambda_runner.configuration("f").timeout_seconds != 9:
        assert time.monotonic() < deadline, "the configuration was never read again"
        time.sleep(0.01)
    assert client.calls >= 2
