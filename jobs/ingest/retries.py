"""botocore's retry rules for the requests the job signs and sends itself.

The decisions are botocore's own standard-mode pieces (`botocore.retries`): which failures are
retryable (throttling codes, 429, 500/502/503/504, connection errors, modelled retryable errors),
the attempt limit, and exponential backoff with full jitter (1 s base for throttling, 50 ms
otherwise, capped at 20 s, and `x-amz-retry-after` honoured where this botocore supports it).
`adaptive` mode adds botocore's client-side rate limiter, fed by throttled calls and throttled
entries alike.

BatchWriteRecord can also fail single entries inside a successful call. An entry is retried when
its error code is one botocore retries for a whole call, or one of the operation's modelled
server errors (`InternalFailure`, `ServiceUnavailable`: the model gives them HTTP 500 and 503,
which botocore retries when they fail a whole call; an entry error carries no status, so the
model's status stands in for it).
"""

from __future__ import annotations

import random
import threading
from collections.abc import Callable, Iterable, Mapping
from typing import Any, Literal

from botocore.awsrequest import AWSResponse
from botocore.model import OperationModel
from botocore.retries import adaptive, bucket, throttling
from botocore.retries.standard import (
    ExponentialBackoff,
    RetryContext,
    RetryEventAdapter,
    StandardRetryConditions,
    ThrottlingErrorDetector,
)

RetryMode = Literal["standard", "adaptive"]


def _exponential_backoff(
    detector: ThrottlingErrorDetector, rng: Callable[[], float]
) -> ExponentialBackoff:
    try:  # botocore >= 1.40: a shorter base for errors that are not throttling
        return ExponentialBackoff(random=rng, throttling_detector=detector)
    except TypeError:  # older botocore: one base for every error
        return ExponentialBackoff(random=rng)


def _rate_limiter() -> adaptive.ClientRateLimiter:
    """The limiter botocore's adaptive mode hooks into a client, built the same way."""
    clock = bucket.Clock()
    return adaptive.ClientRateLimiter(
        rate_adjustor=throttling.CubicCalculator(
            starting_max_rate=0, start_time=clock.current_time()
        ),
        rate_clocker=adaptive.RateClocker(clock),
        token_bucket=bucket.TokenBucket(max_rate=1, clock=clock),
        throttling_detector=ThrottlingErrorDetector(RetryEventAdapter()),
        clock=clock,
    )


class RetryPolicy:
    """When to retry a call or an entry, and how long to wait first. Thread-safe."""

    def __init__(
        self,
        operation_model: OperationModel,
        max_attempts: int,
        mode: RetryMode = "standard",
        rng: Callable[[], float] = random.random,
    ) -> None:
        self.max_attempts = max_attempts
        self._operation = operation_model
        self._conditions = StandardRetryConditions(max_attempts=max_attempts)
        self._throttling = ThrottlingErrorDetector(RetryEventAdapter())
        self._backoff = _exponential_backoff(self._throttling, rng)
        self._fault_codes = frozenset(
            shape.metadata.get("error", {}).get("code") or shape.name
            for shape in operation_model.error_shapes
            if shape.metadata.get("fault")
            or shape.metadata.get("error", {}).get("httpStatusCode", 0) >= 500
        )
        self._limiter = _rate_limiter() if mode == "adaptive" else None
        self._lock = threading.Lock()

    def _context(
        self,
        attempt: int,
        parsed: Mapping[str, Any] | None = None,
        http_response: AWSResponse | None = None,
        exception: Exception | None = None,
    ) -> RetryContext:
        return RetryContext(
            attempt_number=attempt,
            operation_model=self._operation,
            parsed_response=parsed,
            http_response=http_response,
            caught_exception=exception,
        )

    def call_delay(
        self,
        attempt: int,
        parsed: Mapping[str, Any] | None,
        http_response: AWSResponse | None,
        exception: Exception | None,
    ) -> float | None:
        """Seconds to wait before retrying a failed call; None when it must not be retried."""
        context = self._context(attempt, parsed, http_response, exception)
        if not self._conditions.is_retryable(context):
            return None
        return float(self._backoff.delay_amount(context))

    def entry_retryable(self, code: str) -> bool:
        """Whether an entry that failed with this error code is worth sending again."""
        if code in self._fault_codes:
            return True
        return bool(self._conditions.is_retryable(self._context(1, {"Error": {"Code": code}})))

    def entry_delay(self, attempt: int, codes: Iterable[str]) -> float:
        """Seconds to wait before sending failed entries again (throttling waits longer)."""
        return max(
            float(self._backoff.delay_amount(self._context(attempt, {"Error": {"Code": code}})))
            for code in codes
        )

    def is_throttling(
        self, parsed: Mapping[str, Any] | None, http_response: AWSResponse | None = None
    ) -> bool:
        """Whether an answer (or an entry's `{"Error": {"Code": ..}}`) says "slow down"."""
        return bool(
            self._throttling.is_throttling_error(
                **self._needs_retry_kwargs(parsed, http_response, exception=None)
            )
        )

    def before_send(self) -> None:
        """Adaptive mode: wait for the rate limiter's token (no-op in standard mode)."""
        if self._limiter is not None:
            self._limiter.on_sending_request(request=None)

    def after_response(self, throttled: bool) -> None:
        """Adaptive mode: tell the rate limiter whether the call (or an entry) was throttled."""
        if self._limiter is not None:
            parsed = {"Error": {"Code": "Throttling"}} if throttled else {}
            self._limiter.on_receiving_response(**self._needs_retry_kwargs(parsed, None, None))

    def _needs_retry_kwargs(
        self,
        parsed: Mapping[str, Any] | None,
        http_response: AWSResponse | None,
        exception: Exception | None,
    ) -> dict[str, Any]:
        """The arguments of botocore's `needs-retry` event, which its detectors take."""
        return {
            "response": (http_response, parsed),
            "attempts": 1,
            "operation": self._operation,
            "caught_exception": exception,
            "request_dict": {"context": {}},
        }
