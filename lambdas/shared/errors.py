"""The HTTP API's error model (ARCHITECTURE.md 3.5): `{"error": {"code", "message"}}` + a status.

Domain code raises these; the HTTP handlers turn them into responses. The message is written for
the API's user: it says what is wrong, never carries a stack trace or a secret.
"""

from __future__ import annotations

from typing import Any, ClassVar


class ApiError(Exception):
    """An error the API answers with its own status and a stable machine-readable code."""

    status: ClassVar[int] = 500

    def __init__(self, message: str, *, code: str) -> None:
        super().__init__(message)
        self.message = message
        self.code = code  # one of the codes docs/openapi.yaml lists


class BadRequestError(ApiError):
    status = 400


class NotFoundError(ApiError):
    status = 404


class ConflictError(ApiError):
    status = 409


class GoneError(ApiError):
    status = 410


class UnsupportedMediaTypeError(ApiError):
    status = 415


class BadGatewayError(ApiError):
    """A dependency answered, but with something unusable (an error from the model, a bad body)."""

    status = 502


class ServiceUnavailableError(ApiError):
    """A dependency is missing, not ready or unreachable; retrying later may succeed."""

    status = 503


INTERNAL_ERROR_MESSAGE = "internal error; the request id in the logs identifies it"


def error_body(code: str, message: str) -> dict[str, Any]:
    return {"error": {"code": code, "message": message}}
