"""Domain errors with their HTTP status. Mapped once to problem+json (API) or an error page (web).

Services raise these; they never import FastAPI. ``detail`` is a human sentence, ``extra``
holds machine-readable fields (e.g. the list of answer problems) returned as-is.
"""

from __future__ import annotations

from typing import Any


class AppError(Exception):
    status_code = 400
    title = "Bad request"
    type_slug = "bad-request"

    def __init__(self, detail: str, **extra: Any) -> None:
        super().__init__(detail)
        self.detail = detail
        self.extra = extra


class NotFound(AppError):
    status_code = 404
    title = "Not found"
    type_slug = "not-found"


class Conflict(AppError):
    """A stale revision or a state that does not allow the change; nothing was written."""

    status_code = 409
    title = "Conflict"
    type_slug = "conflict"


class InvalidInput(AppError):
    status_code = 422
    title = "Invalid input"
    type_slug = "invalid-input"


class InvalidAnswers(InvalidInput):
    title = "Invalid answers"
    type_slug = "invalid-answers"


class Gone(AppError):
    """A link that was valid once: expired, revoked or a closed round."""

    status_code = 410
    title = "No longer available"
    type_slug = "gone"


class Forbidden(AppError):
    status_code = 403
    title = "Forbidden"
    type_slug = "forbidden"


class Unauthorized(AppError):
    status_code = 401
    title = "Authentication required"
    type_slug = "unauthorized"


class TooManyRequests(AppError):
    status_code = 429
    title = "Too many requests"
    type_slug = "too-many-requests"

    def __init__(self, detail: str, retry_after: int, **extra: Any) -> None:
        super().__init__(detail, **extra)
        self.retry_after = retry_after


class PayloadTooLarge(AppError):
    status_code = 413
    title = "Request too large"
    type_slug = "payload-too-large"


class DatabaseUnavailable(AppError):
    status_code = 503
    title = "Service unavailable"
    type_slug = "unavailable"
