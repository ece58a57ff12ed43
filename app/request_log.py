"""Request logging: one structured line per request, with a request id, and no secrets in it.

Paths can carry secrets: invitation links ``/r/<token>``, personal links ``/resume/<token>``,
shared partner reports ``/report/<token>`` and whatever token path comes next.
:func:`redact_path` is the one place that removes them, for every logged path: the known
token routes by prefix, plus any path segment or query value that looks like a token (long,
URL-safe, mixed case), so a new token route is covered before anyone remembers to list it.
``radar serve`` switches uvicorn's own access log off (it prints raw paths) and uses
:func:`logging_config` instead.

Client addresses are logged shortened (IPv4 /24, IPv6 /48): enough to see abuse from a network,
not enough to name a respondent's computer.
"""

from __future__ import annotations

import ipaddress
import logging
import re
import secrets
import time
from functools import lru_cache
from typing import Any
from urllib.parse import parse_qsl, urlencode

import structlog
from starlette.types import Scope

TOKEN_PATH_PREFIXES = ("/r/", "/resume/", "/report/")
REDACTED = "[redacted]"
SECRET_QUERY_KEYS = re.compile(r"token|key|secret|code|password|sig", re.IGNORECASE)
_URL_SAFE = re.compile(r"[A-Za-z0-9_-]{32,}")
_REQUEST_ID = re.compile(r"[A-Za-z0-9._-]{1,64}")
LOGGER = "radar.access"

if not structlog.is_configured():
    structlog.configure(
        processors=[
            structlog.stdlib.add_log_level,
            structlog.processors.TimeStamper(fmt="iso", utc=True),
            structlog.stdlib.ProcessorFormatter.wrap_for_formatter,
        ],
        logger_factory=structlog.stdlib.LoggerFactory(),
        wrapper_class=structlog.stdlib.BoundLogger,
        cache_logger_on_first_use=True,
    )


def _looks_like_token(value: str) -> bool:
    """Long, URL-safe and mixed case: a random token, not a slug (lowercase) or hex id."""
    return (
        _URL_SAFE.fullmatch(value) is not None
        and any(c.isupper() for c in value)
        and any(c.islower() for c in value)
    )


def redact_path(path: str, query: str = "") -> str:
    """``path`` (and ``query``) as they may be logged: tokens replaced by ``[redacted]``.

    >>> redact_path("/r/abc")
    '/r/[redacted]'
    >>> redact_path("/respond/step/2", "more=1&token=x")
    '/respond/step/2?more=1&token=%5Bredacted%5D'
    """
    segments = path.split("/")
    for prefix in TOKEN_PATH_PREFIXES:
        if path.startswith(prefix) and len(segments) > 2:
            segments[2] = REDACTED
    segments = [REDACTED if _looks_like_token(part) else part for part in segments]
    shown = "/".join(segments)
    if not query:
        return shown
    pairs = [
        (key, REDACTED if SECRET_QUERY_KEYS.search(key) or _looks_like_token(value) else value)
        for key, value in parse_qsl(query, keep_blank_values=True)
    ]
    return f"{shown}?{urlencode(pairs)}"


@lru_cache(maxsize=4096)  # parsing an address costs more than the rest of a log line
def shorten_address(host: str | None) -> str:
    """The client's network, not its address: IPv4 /24, IPv6 /48 ("-" when unknown)."""
    if not host:
        return "-"
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return "-"
    prefix = 24 if address.version == 4 else 48
    return str(ipaddress.ip_network(f"{address}/{prefix}", strict=False))


def request_id(incoming: bytes | None) -> str:
    """The request's id: ``X-Request-ID`` from a proxy when it is a plain short value (so that
    one request can be followed through proxy and service logs), else a new random one."""
    if incoming is not None:
        text = incoming.decode("latin-1")
        if _REQUEST_ID.fullmatch(text):
            return text
    return secrets.token_hex(8)


class AccessLog:
    """One line per answered HTTP request (:class:`app.middleware.Edge` calls it): request id,
    method, redacted path, status, duration and the client's network."""

    def __init__(self) -> None:
        self.log = structlog.get_logger(LOGGER)
        self._logger = logging.getLogger(LOGGER)

    @property
    def enabled(self) -> bool:
        """Whether request lines are logged at all (``RADAR_LOG_LEVEL`` info or lower): when
        not, no line is built (structlog would build it and the logger drop it)."""
        return self._logger.isEnabledFor(logging.INFO)

    def write(self, scope: Scope, request_id: str, status: int, started: float) -> None:
        """``started``: :func:`time.perf_counter` when the request came in."""
        client = scope.get("client")
        self.log.info(
            "request",
            request_id=request_id,
            method=scope.get("method", ""),
            path=redact_path(
                str(scope.get("path", "")), scope.get("query_string", b"").decode("latin-1")
            ),
            status=status,
            duration_ms=round((time.perf_counter() - started) * 1000, 1),
            client=shorten_address(client[0] if client else None),
        )


def logging_config(level: str = "info", fmt: str = "text") -> dict[str, Any]:
    """A :func:`logging.config.dictConfig` for ``radar serve``: the request log and uvicorn's
    messages rendered alike, as ``key=value`` lines (``fmt="text"``) or JSON lines."""
    renderer: Any = (
        structlog.processors.JSONRenderer()
        if fmt == "json"
        else structlog.processors.KeyValueRenderer(
            key_order=["timestamp", "level", "event", "request_id", "method", "path", "status"],
            drop_missing=True,
        )
    )
    foreign = [
        structlog.stdlib.add_log_level,
        structlog.processors.TimeStamper(fmt="iso", utc=True),
    ]
    handler = {"class": "logging.StreamHandler", "formatter": "radar", "stream": "ext://sys.stderr"}
    loggers = {
        name: {"handlers": ["radar"], "level": level.upper(), "propagate": False}
        for name in (LOGGER, "app", "uvicorn", "uvicorn.error")
    }
    loggers["uvicorn.error"]["handlers"] = []  # uvicorn.error propagates to uvicorn
    loggers["uvicorn.error"]["propagate"] = True
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {
            "radar": {
                "()": structlog.stdlib.ProcessorFormatter,
                "processors": [
                    structlog.stdlib.ProcessorFormatter.remove_processors_meta,
                    renderer,
                ],
                "foreign_pre_chain": foreign,
            }
        },
        "handlers": {"radar": handler},
        "loggers": {**loggers, "uvicorn.access": {"handlers": [], "propagate": False}},
    }
