"""OpenAPI documentation of error responses: every API error is RFC 9457 problem+json."""

from __future__ import annotations

from typing import Any

PROBLEM_SCHEMA: dict[str, Any] = {
    "type": "object",
    "title": "Problem",
    "properties": {
        "type": {"type": "string", "description": "URI reference naming the kind of problem"},
        "title": {"type": "string"},
        "status": {"type": "integer"},
        "detail": {"type": "string", "description": "What went wrong, for people"},
    },
    "required": ["type", "title", "status", "detail"],
    "additionalProperties": True,
}


def problem(description: str) -> dict[str, Any]:
    return {
        "description": description,
        "content": {"application/problem+json": {"schema": PROBLEM_SCHEMA}},
    }


RETRY_AFTER_HEADER: dict[str, Any] = {
    "Retry-After": {
        "description": "Seconds to wait before trying again",
        "required": True,
        "schema": {"type": "integer", "minimum": 0},
    }
}

PROBLEM_RESPONSES: dict[int | str, dict[str, Any]] = {
    404: problem("Not found"),
    413: problem("Request body too large"),
    422: problem("Invalid input; `errors` lists each problem"),
    500: problem("An unexpected error; no internals are shown"),
    503: {
        **problem("The database is unreachable; nothing was saved"),
        "headers": RETRY_AFTER_HEADER,
    },
}
