"""Secrets out of the logs. Uvicorn's access log writes every request's path, and the paths of
invitation and resume links carry their token: :func:`redact_link_tokens` replaces those
path segments with ``[token]`` before any handler sees the record."""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable, Iterator

from starlette.routing import BaseRoute
from starlette.types import ASGIApp

ACCESS_LOGGER = "uvicorn.access"
TOKEN_PARAMETER = "{token}"  # noqa: S105 (a path parameter's name, not a secret)
REDACTED = "[token]"


class RedactTokens(logging.Filter):
    """Rewrites a record's message and arguments so no token segment of a link path remains."""

    def __init__(self, pattern: re.Pattern[str]) -> None:
        super().__init__()
        self.pattern = pattern

    def redact(self, text: str) -> str:
        return self.pattern.sub(lambda found: found.group(1) + REDACTED, text)

    def filter(self, record: logging.LogRecord) -> bool:
        record.msg = self.redact(str(record.msg))
        if isinstance(record.args, tuple):
            record.args = tuple(
                self.redact(arg) if isinstance(arg, str) else arg for arg in record.args
            )
        return True


def token_paths(routes: Iterable[BaseRoute]) -> Iterator[str]:
    """The path prefix before ``{token}`` of every route that takes a token (``/r/``, ...)."""
    for route in routes:
        inner = getattr(route, "original_router", None)
        if inner is not None:
            yield from token_paths(inner.routes)
            continue
        path = str(getattr(route, "path", ""))
        if TOKEN_PARAMETER in path:
            yield path.split(TOKEN_PARAMETER)[0]


def redact_link_tokens(application: ASGIApp, logger: str = ACCESS_LOGGER) -> RedactTokens:
    """Install (once per logger) the filter for the token routes of ``application``."""
    target = logging.getLogger(logger)
    for existing in target.filters:
        if isinstance(existing, RedactTokens):
            target.removeFilter(existing)
    prefixes = sorted(set(token_paths(getattr(application, "routes", []))), key=len, reverse=True)
    alternatives = "|".join(re.escape(prefix) for prefix in prefixes) or r"(?!)"
    redactor = RedactTokens(re.compile(rf"({alternatives})[^/?#\s\"]+"))
    target.addFilter(redactor)
    return redactor
