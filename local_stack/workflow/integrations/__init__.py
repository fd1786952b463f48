"""The service integrations the workflow uses, looked up by Task Resource."""

from __future__ import annotations

from collections.abc import Mapping

from local_stack.workflow.asl.errors import UnsupportedConstructError
from local_stack.workflow.asl.tasks import ResourceRef, TaskHandler


class IntegrationRegistry:
    """Maps (service, action, pattern) to a handler. `.waitForTaskToken` uses the plain
    request-response handler (the interpreter does the waiting). AWS SDK integrations and the
    request-response calls of `forwarded_services` go to `forward` unless a handler is listed."""

    def __init__(
        self,
        handlers: Mapping[tuple[str, str, str], TaskHandler],
        *,
        sdk_handler: TaskHandler | None = None,
        optimized_handler: TaskHandler | None = None,
        forwarded_services: frozenset[str] = frozenset(),
    ) -> None:
        self.handlers = dict(handlers)
        self.sdk_handler = sdk_handler
        self.optimized_handler = optimized_handler
        self.forwarded_services = forwarded_services

    def resolve(self, ref: ResourceRef) -> TaskHandler:
        pattern = "" if ref.pattern == "waitForTaskToken" else ref.pattern
        handler = self.handlers.get((ref.service, ref.action, pattern))
        if handler is not None:
            return handler
        if pattern == "" and ref.service.startswith("aws-sdk:") and self.sdk_handler:
            return self.sdk_handler
        if pattern == "" and ref.service in self.forwarded_services and self.optimized_handler:
            return self.optimized_handler
        supported = sorted(f"{s}:{a}{'.' + p if p else ''}" for s, a, p in self.handlers)
        raise UnsupportedConstructError(
            f"Task Resource {ref.arn}: no local integration for it (supported: {supported}, "
            f"aws-sdk:*, and request-response calls to {sorted(self.forwarded_services)})"
        )
