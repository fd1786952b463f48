"""Logger, Tracer and Metrics for a function, named the same way everywhere.

When tracing is off (POWERTOOLS_TRACE_DISABLED, or outside Lambda: the local stack, tests), the
Tracer gets a provider that records nothing, instead of the X-Ray SDK: Powertools builds the SDK's
recorder (and a botocore client for its sampler) even for a disabled Tracer, which is most of a
cold start's import time. With tracing on, the X-Ray SDK is used as usual.
"""

from __future__ import annotations

import os
from collections.abc import AsyncGenerator, Generator, Sequence
from contextlib import asynccontextmanager, contextmanager
from typing import Any

from aws_lambda_powertools import Logger, Metrics, Tracer
from aws_lambda_powertools.logging.utils import copy_config_to_registered_loggers
from aws_lambda_powertools.tracing.base import BaseProvider, BaseSegment

METRICS_NAMESPACE = "CreditRiskMlops"


def observability(service: str) -> tuple[Logger, Tracer, Metrics]:
    """The function's Powertools trio; the domain modules' `logging` loggers (`lambdas.*`) write
    through the same JSON formatter, so their lines carry the correlation id too."""
    logger = Logger(service=service)
    copy_config_to_registered_loggers(source_logger=logger, include={"lambdas"})
    if tracing_enabled(os.environ):
        tracer = Tracer(service=service)
    else:
        tracer = Tracer(service=service, disabled=True, provider=NoTracing())
    return logger, tracer, Metrics(namespace=METRICS_NAMESPACE, service=service)


def tracing_enabled(environ: Any) -> bool:
    """Powertools' own rule: on in Lambda unless POWERTOOLS_TRACE_DISABLED is true."""
    disabled = environ.get("POWERTOOLS_TRACE_DISABLED", "false").strip().lower()
    return "LAMBDA_TASK_ROOT" in environ and disabled not in {"1", "true", "yes", "on"}


class NoSegment(BaseSegment):
    def close(self, end_time: int | None = None) -> None:
        return

    def add_subsegment(self, subsegment: Any) -> None:
        return

    def remove_subsegment(self, subsegment: Any) -> None:
        return

    def put_annotation(self, key: str, value: Any) -> None:
        return

    def put_metadata(self, key: str, value: Any, namespace: str = "default") -> None:
        return

    def add_exception(self, exception: BaseException, stack: Any, remote: bool = False) -> None:
        return


class NoTracing(BaseProvider):
    """A tracing provider that records nothing (for a disabled Tracer)."""

    @contextmanager
    def in_subsegment(self, name: Any = None, **kwargs: Any) -> Generator[BaseSegment, None, None]:
        yield NoSegment()

    @asynccontextmanager
    async def in_subsegment_async(
        self, name: Any = None, **kwargs: Any
    ) -> AsyncGenerator[BaseSegment, None]:
        yield NoSegment()

    def put_annotation(self, key: str, value: Any) -> None:
        return

    def put_metadata(self, key: str, value: Any, namespace: str = "default") -> None:
        return

    def patch(self, modules: Sequence[str]) -> None:
        return

    def patch_all(self) -> None:
        return
