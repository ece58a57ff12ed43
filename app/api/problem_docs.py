"""OpenAPI documentation of error responses: every API error is RFC 9457 problem+json.

Each documented status carries the problem schema and an example whose ``type`` is the one
the app really sends for it (the error class of :mod:`app.errors` named beside the status),
so a generic client can trust the document.
"""

from __future__ import annotations

from typing import Any

from app import errors

PROBLEM_SCHEMA: dict[str, Any] = {
    "type": "object",
    "title": "Problem",
    "properties": {
        "type": {"type": "string", "description": "URI reference naming the kind of problem"},
        "title": {"type": "string"},
        "status": {"type": "integer"},
        "detail": {"type": "string", "description": "What went wrong, for people"},
        "field": {
            "type": ["string", "null"],
            "description": "The body member or parameter the problem is about",
        },
        "allowed": {"type": ["array", "null"], "description": "The values it allows"},
        "errors": {
            "type": "array",
            "items": {"type": "object"},
            "description": "Each problem: a parameter's or member's (`loc`, `field`, `message`, "
            "`type`, `allowed`) or an answer's (`item_id`, `code`, `message`, `allowed`, "
            "`severity`); at most 100",
        },
        "errors_not_listed": {
            "type": "integer",
            "description": "How many problems more there were than `errors` lists",
        },
        "available": {
            "type": "array",
            "items": {"type": "string"},
            "description": "The languages offered, when one asked for is not",
        },
        "current_revision": {
            "type": "integer",
            "description": "The stored revision, when the one sent is stale",
        },
    },
    "required": ["type", "title", "status", "detail"],
    "additionalProperties": True,
}

LOCATION_HEADER: dict[str, Any] = {
    "Location": {
        "description": "The path of what was created",
        "required": True,
        "schema": {"type": "string"},
    }
}
ETAG_HEADER: dict[str, Any] = {
    "ETag": {
        "description": "The response's revision, for If-Match",
        "required": True,
        "schema": {"type": "string"},
    }
}
REPLAYED_HEADER: dict[str, Any] = {
    "Idempotent-Replayed": {
        "description": "`true` when this is the stored answer to an earlier request with the "
        "same Idempotency-Key (nothing new was done)",
        "schema": {"type": "string", "enum": ["true"]},
    }
}
RETRY_AFTER_HEADER: dict[str, Any] = {
    "Retry-After": {
        "description": "Seconds to wait before trying again",
        "required": True,
        "schema": {"type": "integer", "minimum": 0},
    }
}
CHALLENGE_HEADER: dict[str, Any] = {
    "WWW-Authenticate": {
        "description": "The Bearer challenge (RFC 6750)",
        "required": True,
        "schema": {"type": "string"},
    }
}


def problem(
    description: str,
    kind: type[errors.AppError] | None = None,
    example: dict[str, Any] | None = None,
    **extra: Any,
) -> dict[str, Any]:
    """A documented problem response; ``kind`` gives the example's type, title and status."""
    content: dict[str, Any] = {"schema": PROBLEM_SCHEMA}
    if kind is not None:
        content["example"] = {
            "type": f"/problems/{kind.type_slug}",
            "title": kind.title,
            "status": kind.status_code,
            "detail": description,
            **(example or {}),
        }
    return {"description": description, "content": {"application/problem+json": content}, **extra}


PROBLEM_RESPONSES: dict[int | str, dict[str, Any]] = {
    404: problem("Not found", errors.NotFound),
    413: problem("Request body too large", errors.PayloadTooLarge),
    422: problem(
        "Invalid input; `errors` lists each problem",
        errors.InvalidInput,
        {"errors": [{"loc": ["query", "limit"], "message": "too large", "type": "less_than"}]},
    ),
    500: problem("An unexpected error; no internals are shown", errors.InternalError),
    503: problem(
        "The database is unreachable; nothing was saved",
        errors.DatabaseUnavailable,
        headers=RETRY_AFTER_HEADER,
    ),
}

TOKEN_RESPONSES: dict[int | str, dict[str, Any]] = {
    401: problem(
        "No token, or one that is unknown, revoked or expired",
        errors.InvalidToken,
        headers=CHALLENGE_HEADER,
    ),
    403: problem(
        "The token lacks the scope this operation needs",
        errors.InsufficientScope,
        {"required": "results:read", "granted": ["responses:write"]},
        headers=CHALLENGE_HEADER,
    ),
    429: problem(
        "The token made too many requests in this minute",
        errors.TooManyRequests,
        headers=RETRY_AFTER_HEADER,
    ),
}
"""What every route behind a token can answer besides :data:`PROBLEM_RESPONSES`."""
