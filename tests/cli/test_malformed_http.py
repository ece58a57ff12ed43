"""uvicorn's own answer to a request it cannot parse (400, before any app code) carries the
security headers too, through ``radar serve``'s protocol; the app's answers get them once."""

from __future__ import annotations

import asyncio
from typing import Any

from uvicorn.config import Config
from uvicorn.server import ServerState

from app.cli.serve import SecureHttpToolsProtocol
from app.middleware import SECURITY_HEADERS
from tests.helpers import run_coroutine


class _Transport(asyncio.Transport):
    """Collects what the protocol writes."""

    def __init__(self) -> None:
        super().__init__()
        self.written = b""
        self.closed = False

    def write(self, data: Any) -> None:
        self.written += bytes(data)

    def close(self) -> None:
        self.closed = True

    def is_closing(self) -> bool:
        return self.closed

    def get_extra_info(self, name: str, default: Any = None) -> Any:
        return {"peername": ("127.0.0.1", 50000), "sockname": ("127.0.0.1", 8000)}.get(
            name, default
        )


async def _app(scope: Any, receive: Any, send: Any) -> None:  # never reached
    raise AssertionError("a malformed request reached the app")


def _answer_to(raw: bytes) -> tuple[bytes, list[tuple[bytes, bytes]]]:
    """The status line and headers the protocol writes for ``raw``, in a loop of its own
    (in a thread of its own: the browser tests' loop lives in the main one)."""

    async def exchange() -> bytes:
        config = Config(app=_app, http=SecureHttpToolsProtocol, log_level="critical")
        config.load()
        state = ServerState()
        state.default_headers = [(b"server", b"uvicorn")]
        protocol = SecureHttpToolsProtocol(config=config, server_state=state, app_state={})
        transport = _Transport()
        protocol.connection_made(transport)
        protocol.data_received(raw)
        assert state.default_headers == [(b"server", b"uvicorn")]  # restored at once
        return transport.written

    written = run_coroutine(exchange())
    head = written.split(b"\r\n\r\n", 1)[0].split(b"\r\n")
    headers = [line.partition(b": ") for line in head[1:]]
    return head[0], [(name.lower(), value) for name, _sep, value in headers]


def test_a_request_uvicorn_cannot_parse_gets_the_security_headers() -> None:
    status, headers = _answer_to(b"GET /\x00 HTTP/1.1\r\nHost: x\r\n\r\n")
    assert status == b"HTTP/1.1 400 Bad Request"
    for name, value in SECURITY_HEADERS:
        assert (name, value) in headers, name
        assert [n for n, _ in headers].count(name) == 1
