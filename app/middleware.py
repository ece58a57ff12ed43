"""HTTP middleware: security headers on every response, one answer for every escaped error,
trusted hosts, request size limit before parsing.

Order, outermost first: :class:`SecurityHeaders` -> :class:`ErrorBoundary` ->
:class:`TrustedHosts` -> :class:`BodySizeLimit` -> the app (its exception handlers, routers).
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence

from starlette.middleware.trustedhost import TrustedHostMiddleware
from starlette.requests import Request
from starlette.responses import PlainTextResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app.errors import AppError, PayloadTooLarge, UntrustedHost
from app.problems import error_response, unexpected_error_response

log = logging.getLogger(__name__)

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
    """Starlette's :class:`TrustedHostMiddleware` check (:class:`UntrustedHost`, 400, for a
    ``Host`` header not in ``allowed_hosts``), except on ``open_paths``.

    Links built in a request use its ``Host`` header when no base URL is configured, so a
    forged header must not get that far. The health probes build no links and are open, since
    load balancers and orchestrators call them by IP address.
    """

    def __init__(
        self, app: ASGIApp, allowed_hosts: Sequence[str], open_paths: Iterable[str]
    ) -> None:
        self.app = app
        self.check = TrustedHostMiddleware(
            _accepted, allowed_hosts=allowed_hosts, www_redirect=False
        )
        self.open_paths = frozenset(open_paths)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] in ("http", "websocket") and scope["path"] not in self.open_paths:
            # Starlette answers a refused host itself; its answer becomes our error instead
            await self.check(scope, receive, _refuse_host)
        await self.app(scope, receive, send)


async def _accepted(scope: Scope, receive: Receive, send: Send) -> None:
    """The host was accepted: nothing to do here, the app runs next."""


async def _refuse_host(message: Message) -> None:
    raise UntrustedHost()


class BodySizeLimit:
    """Refuses bodies above ``max_bytes`` with :class:`PayloadTooLarge` before any parser reads
    them: by the declared ``Content-Length``, or while streaming (whatever the app made of the
    cut-off body is discarded). :class:`ErrorBoundary` outside answers the error."""

    def __init__(self, app: ASGIApp, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = dict(scope.get("headers", [])).get(b"content-length")
        if declared is not None and (not declared.isdigit() or int(declared) > self.max_bytes):
            raise PayloadTooLarge(self.max_bytes)
        received = 0
        too_large = False

        async def limited_receive() -> Message:
            nonlocal received, too_large
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.max_bytes:
                    too_large = True
                    raise PayloadTooLarge(self.max_bytes)
            return message

        async def send_unless_too_large(message: Message) -> None:
            if not too_large:  # e.g. a 400 that a parser made of the cut-off body
                await send(message)

        try:
            await self.app(scope, limited_receive, send_unless_too_large)
        except Exception:
            if not too_large:
                raise
        if too_large:
            raise PayloadTooLarge(self.max_bytes)


class ErrorBoundary:
    """Answers every exception that escapes the app and its inner middleware.

    Routes' errors are answered by the handlers in :mod:`app.problems`; what is left (an
    error raised by middleware, such as :class:`PayloadTooLarge`, or an exception nobody
    expected) gets the same mapping here, inside :class:`SecurityHeaders`, so even a 500
    carries the security headers and the face the request asks for (problem+json or a page),
    never a traceback. The traceback is logged; the server sees a finished response.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = False

        async def tracking_send(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, receive, tracking_send)
        except Exception as exc:
            if started:  # too late to answer: let the server close the connection
                raise
            request = Request(scope)
            try:
                if isinstance(exc, AppError):
                    response = error_response(request, exc)
                else:
                    response = unexpected_error_response(request, exc)
            except Exception:
                log.exception("the error response itself failed")
                response = PlainTextResponse("Internal error", status_code=500)
            if isinstance(exc, PayloadTooLarge):  # the rest of the body is not read
                response.headers["Connection"] = "close"
            await response(scope, receive, send)
