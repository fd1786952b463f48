"""The HTTP API's error model (ARCHITECTURE.md 3.5): `{"error": {"code", "message"}}` + a status.

Domain code raises these; the HTTP handlers turn them into responses. The message is written for
the API's user: it says what is wrong, never carries a stack trace or a secret.
"""

from __future__ import annotations

from typing import Any, ClassVar


class ApiError(Exception):
    """An error the API answers with its own status and a stable machine-readable code."""

    status: ClassVar[int] = 500
    default_code: ClassVar[str] = "internal_error"

    def __init__(self, message: str, *, code: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.code = code or self.default_code

    def body(self) -> dict[str, Any]:
        return error_body(self.code, self.message)


class BadRequestError(ApiError):
    status = 400
    default_code = "bad_request"


class NotFoundError(ApiError):
    status = 404
    default_code = "not_found"


class ConflictError(ApiError):
    status = 409
    default_code = "already_decided"


class GoneError(ApiError):
    status = 410
    default_code = "expired"


class UnsupportedMediaTypeError(ApiError):
    status = 415
    default_code = "unsupported_media_type"


class BadGatewayError(ApiError):
    """A dependency answered, but with something unusable (an error from the model, a bad body)."""

    status = 502
    default_code = "bad_gateway"


class ServiceUnavailableError(ApiError):
    """A dependency is missing, not ready or unreachable; retrying later may succeed."""

    status = 503
    default_code = "unavailable"


INTERNAL_ERROR_MESSAGE = "internal error; the request id in the logs identifies it"


def error_body(code: str, message: str) -> dict[str, Any]:
    return {"error": {"code": code, "message": message}}
