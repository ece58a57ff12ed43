"""HTTP middleware: one pure ASGI layer, :class:`Edge`, around the app.

It does, per HTTP request, what five layers did before (outermost first: request log,
security headers, error boundary, trusted hosts, body size limit), in one wrapper of ``send``
and, only when a body may come unannounced, one of ``receive``:

* a request id (``X-Request-ID`` from a proxy when it is a plain short value, else a new one),
  echoed in the response, and one access-log line once the request is answered
  (:mod:`app.request_log`);
* the security headers below on every answer, unless a route set its own value;
* the trusted ``Host`` check (:class:`UntrustedHost`, 400) except on ``open_paths``;
* the request size limit before any parser reads the body (:class:`PayloadTooLarge`, 413), by
  the declared ``Content-Length`` or while streaming;
* one answer for every exception that escapes the app (its own handlers answer routes'
  errors): problem+json or an error page, never a traceback, with the headers above;
* ``HEAD`` answered as the ``GET`` of the same address without its body (RFC 9110 9.3.2: load
  balancers and link previews ask so), since FastAPI's routes declare ``GET`` only.

Why one layer: each pure ASGI layer costs a call, a closure per request and a look through the
request's headers; five of them were about a third of the time ``/healthz`` spends in Python
(docs/performance.md, "Reads", 2026-12-01). Here the headers are read once, the security
headers are one precomputed list, and the host verdict is kept per ``Host`` value.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterable, Sequence

from starlette.middleware.trustedhost import TrustedHostMiddleware
from starlette.requests import Request
from starlette.responses import PlainTextResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app import request_log
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
_SECURITY_NAMES = frozenset(name for name, _ in SECURITY_HEADERS)
_HOST_VERDICTS_KEPT = 1024
"""Distinct ``Host`` values whose verdict is kept (then the map starts again): a client may
send any value, so the map is bounded."""


class Edge:
    """The one middleware (see the module docstring); ``allowed_hosts`` as Starlette's
    :class:`~starlette.middleware.trustedhost.TrustedHostMiddleware` takes them (``*``,
    ``*.example.org``), ``open_paths`` exempt from that check (the health probes: load
    balancers call them by IP address), ``max_bytes`` the largest body accepted."""

    def __init__(
        self,
        app: ASGIApp,
        *,
        allowed_hosts: Sequence[str],
        open_paths: Iterable[str],
        max_bytes: int,
    ) -> None:
        self.app = app
        self.open_paths = frozenset(open_paths)
        self.max_bytes = max_bytes
        self._host_check = TrustedHostMiddleware(
            _accepted, allowed_hosts=allowed_hosts, www_redirect=False
        )
        self._host_verdicts: dict[bytes | None, bool] = {}
        self.access_log = request_log.AccessLog()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        kind = scope["type"]
        if kind != "http":
            if kind == "websocket" and scope["path"] not in self.open_paths:
                host = _header(scope, b"host")
                if not await self._host_allowed(host):
                    raise UntrustedHost()
            await self.app(scope, receive, send)
            return
        host = declared = incoming = None
        for name, value in scope["headers"]:  # one pass; the first Host, the last of the others
            if name == b"host":
                if host is None:
                    host = value
            elif name == b"content-length":
                declared = value
            elif name == b"x-request-id":
                incoming = value
        request_id = request_log.request_id(incoming)
        scope.setdefault("state", {})["request_id"] = request_id
        answer_headers = [*SECURITY_HEADERS, (b"x-request-id", request_id.encode("ascii"))]
        started_at = time.perf_counter()
        status = 500
        started = False
        too_large = False
        max_bytes = self.max_bytes
        head = scope["method"] == "HEAD"
        app_scope = {**scope, "method": "GET"} if head else scope

        async def answer(message: Message) -> None:
            nonlocal status, started
            if too_large:  # e.g. a 400 that a parser made of the cut-off body
                return
            if message["type"] == "http.response.start":
                started = True
                status = int(message["status"])
                message["headers"] = _with_headers(message.get("headers", []), answer_headers)
            elif head and message["type"] == "http.response.body" and message.get("body"):
                message = {**message, "body": b""}  # the GET's headers, Content-Length too
            await send(message)

        received = 0

        async def limited_receive() -> Message:
            nonlocal received, too_large
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > max_bytes:
                    too_large = True
                    raise PayloadTooLarge(max_bytes)
            return message

        try:
            try:
                if scope["path"] not in self.open_paths and not await self._host_allowed(host):
                    raise UntrustedHost()
                if declared is not None:
                    if not declared.isdigit() or int(declared) > max_bytes:
                        raise PayloadTooLarge(max_bytes)
                    # the server delivers no more than the declared length
                    await self.app(app_scope, receive, answer)
                else:
                    await self.app(app_scope, limited_receive, answer)
                if too_large:
                    raise PayloadTooLarge(max_bytes)
            except Exception as exc:
                if too_large and not isinstance(exc, PayloadTooLarge):
                    exc = PayloadTooLarge(max_bytes)
                if started:  # too late to answer: let the server close the connection
                    raise
                too_large = False  # the app is done: from here on `answer` sends the error
                await self._answer_error(scope, receive, answer, exc)
        finally:
            if self.access_log.enabled:
                self.access_log.write(scope, request_id, status, started_at)

    async def _host_allowed(self, host: bytes | None) -> bool:
        """Starlette's verdict on this ``Host`` value, kept per value."""
        verdict = self._host_verdicts.get(host)
        if verdict is None:
            probe: Scope = {"type": "http", "headers": [] if host is None else [(b"host", host)]}
            try:
                await self._host_check(probe, _nothing_to_receive, _refuse_host)
                verdict = True
            except UntrustedHost:
                verdict = False
            if len(self._host_verdicts) >= _HOST_VERDICTS_KEPT:
                self._host_verdicts.clear()
            self._host_verdicts[host] = verdict
        return verdict

    async def _answer_error(
        self, scope: Scope, receive: Receive, send: Send, exc: Exception
    ) -> None:
        """Routes' errors are answered by the handlers in :mod:`app.problems`; what is left
        (an error raised here, such as :class:`PayloadTooLarge`, or an exception nobody
        expected) gets the same mapping, with the face the request asks for (problem+json or
        a page). The traceback of an unexpected one is logged."""
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


def _with_headers(
    headers: Iterable[tuple[bytes, bytes]], added: list[tuple[bytes, bytes]]
) -> list[tuple[bytes, bytes]]:
    """The response's headers, then the security headers it does not set itself and the
    request id."""
    headers = list(headers)
    if any(name.lower() in _SECURITY_NAMES for name, _ in headers):
        present = {name.lower() for name, _ in headers}
        return headers + [(n, v) for n, v in added if n not in present or n == b"x-request-id"]
    return headers + added


def _header(scope: Scope, wanted: bytes) -> bytes | None:
    for name, value in scope.get("headers", []):
        if name == wanted:
            return bytes(value)
    return None


async def _accepted(scope: Scope, receive: Receive, send: Send) -> None:
    """The host was accepted: nothing to do here."""


async def _nothing_to_receive() -> Message:
    return {"type": "http.disconnect"}


async def _refuse_host(message: Message) -> None:
    raise UntrustedHost()
