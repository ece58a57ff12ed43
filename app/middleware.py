"""HTTP middleware: security headers on every response, request size limit before parsing,
trusted hosts."""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence

from starlette.middleware.trustedhost import TrustedHostMiddleware
from starlette.types import ASGIApp, Message, Receive, Scope, Send

CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none'; "
    "form-action 'self'; frame-ancestors 'none'"
)
SECURITY_HEADERS = [
    (b"content-security-policy", CONTENT_SECURITY_POLICY.encode()),
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    (b"referrer-policy", b"no-referrer"),
    (b"cross-origin-opener-policy", b"same-origin"),
    (b"permissions-policy", b"camera=(), microphone=(), geolocation=()"),
]


class SecurityHeaders:
    """Adds the headers above unless a route set its own value."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                present = {name.lower() for name, _ in headers}
                headers += [(n, v) for n, v in SECURITY_HEADERS if n not in present]
                message["headers"] = headers
            await send(message)

        await self.app(scope, receive, send_with_headers)


class TrustedHosts:
    """Starlette's :class:`TrustedHostMiddleware` (400 for a ``Host`` header not in
    ``allowed_hosts``), except on ``open_paths``.

    Links built in a request use its ``Host`` header when no base URL is configured, so a
    forged header must not get that far. The health probes build no links and are open, since
    load balancers and orchestrators call them by IP address.
    """

    def __init__(
        self, app: ASGIApp, allowed_hosts: Sequence[str], open_paths: Iterable[str]
    ) -> None:
        self.app = app
        self.checked = TrustedHostMiddleware(app, allowed_hosts=allowed_hosts, www_redirect=False)
        self.open_paths = frozenset(open_paths)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["path"] in self.open_paths:
            await self.app(scope, receive, send)
        else:
            await self.checked(scope, receive, send)


class BodySizeLimit:
    """Rejects bodies above ``max_bytes`` with 413 before any parser reads them."""

    def __init__(self, app: ASGIApp, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = dict(scope.get("headers", [])).get(b"content-length")
        if declared is not None and (not declared.isdigit() or int(declared) > self.max_bytes):
            await _reject(scope, send, self.max_bytes)
            return
        received = 0
        too_large = False

        async def limited_receive() -> Message:
            nonlocal received, too_large
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.max_bytes:
                    too_large = True
                    raise _TooLarge
            return message

        try:
            await self.app(scope, limited_receive, send)
        except _TooLarge:
            await _reject(scope, send, self.max_bytes)


class _TooLarge(Exception):
    pass


_TOO_LARGE_PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Request too large</title>
<link rel="stylesheet" href="/static/radar.css"></head><body><main>
<h1>Request too large</h1><p>What you sent is larger than this service accepts ({limit} bytes).
Nothing was saved. Please go back and shorten long texts.</p>
<p lang="de">Die gesendeten Daten sind größer, als dieser Dienst annimmt ({limit} Bytes).
Es wurde nichts gespeichert. Bitte gehen Sie zurück und kürzen Sie lange Texte.</p>
</main></body></html>"""


async def _reject(scope: Scope, send: Send, max_bytes: int) -> None:
    """413 as problem+json under /api, as a small page elsewhere (before any parsing)."""
    if str(scope.get("path", "")).startswith("/api/"):
        content_type = b"application/problem+json"
        body = json.dumps(
            {
                "type": "/problems/payload-too-large",
                "title": "Request too large",
                "status": 413,
                "detail": f"the request body is larger than {max_bytes} bytes",
            }
        ).encode()
    else:
        content_type = b"text/html; charset=utf-8"
        body = _TOO_LARGE_PAGE.format(limit=max_bytes).encode()
    await send(
        {
            "type": "http.response.start",
            "status": 413,
            "headers": [
                (b"content-type", content_type),
                (b"content-length", str(len(body)).encode()),
                (b"cache-control", b"no-store"),
                (b"connection", b"close"),
                *SECURITY_HEADERS,
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})
