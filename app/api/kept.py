"""Routes that answer a request from a complete answer kept in memory, when they can.

FastAPI's own handling of a request, once the route is matched (a :class:`Request`, two exit
stacks, the exception wrapper, solving every parameter through the dependency machinery,
running the endpoint, building the :class:`Response`), costs about as much as all the rest of
a small answer (docs/performance.md, "The read path without FastAPI's request handling").
For an answer that is the same for every request with the same few inputs (the health probe,
a version's definition JSON), that work only finds the bytes already known.

A router with ``route_class=KeptAnswerRoute`` lets an endpoint marked with
:func:`kept_answer` name a *finder*: a plain function that reads what it needs straight from
the ASGI scope (path parameters, the query string, a header) and returns the complete answer
(:class:`KeptAnswer`: status, headers, body) or None. None means "not a request the finder
knows for certain": the request then goes through FastAPI as before, and so does every
method but GET. The endpoint stays what OpenAPI documents and what answers everything else
(errors, first requests, unusual query strings), and a finder keeps answers made by the
endpoint's own code, so both paths send the same bytes (``tests/api/test_kept_answers.py``
compares them). What the middleware adds (security headers, request id, log line) is added
to both alike.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from fastapi.routing import APIRoute
from starlette.responses import Response
from starlette.types import Receive, Scope, Send

_FINDER = "__kept_answer__"
Endpoint = TypeVar("Endpoint", bound=Callable[..., Any])


@dataclass(frozen=True, slots=True)
class KeptAnswer:
    """A complete HTTP answer as the route sends it (before the middleware adds its headers):
    ``headers`` as Starlette's ``raw_headers``, lower-case names and values in bytes."""

    status: int
    headers: tuple[tuple[bytes, bytes], ...]
    body: bytes

    @classmethod
    def of(cls, response: Response) -> KeptAnswer:
        """The answer ``response`` sends (it must have no background task)."""
        assert response.background is None
        return cls(response.status_code, tuple(response.raw_headers), bytes(response.body))

    async def send(self, send: Send) -> None:
        """The two ASGI messages that :meth:`Response.__call__` sends (a fresh header list
        each time: a middleware may change the list it gets)."""
        headers = [*self.headers]
        await send({"type": "http.response.start", "status": self.status, "headers": headers})
        await send({"type": "http.response.body", "body": self.body})


Finder = Callable[[Scope], KeptAnswer | None]
"""The kept answer for a GET request's scope, or None to let the endpoint answer."""


def kept_answer(finder: Finder) -> Callable[[Endpoint], Endpoint]:
    """Marks an endpoint whose GET requests ``finder`` may answer (put it below the route
    decorator, so that the route sees the mark)."""

    def mark(endpoint: Endpoint) -> Endpoint:
        setattr(endpoint, _FINDER, finder)
        return endpoint

    return mark


class KeptAnswerRoute(APIRoute):
    """An :class:`APIRoute` that asks its endpoint's finder first (see the module docstring);
    a route without one is an ordinary APIRoute."""

    def __init__(self, path: str, endpoint: Callable[..., Any], **kwargs: Any) -> None:
        super().__init__(path, endpoint, **kwargs)
        self.finder: Finder | None = getattr(endpoint, _FINDER, None)
        if self.finder is not None and "GET" not in (self.methods or ()):
            raise ValueError(f"{path}: a kept answer needs a GET route")

    async def handle(self, scope: Scope, receive: Receive, send: Send) -> None:
        finder = self.finder
        if finder is not None and scope["method"] == "GET":
            answer = finder(scope)
            if answer is not None:
                await answer.send(send)
                return
        await super().handle(scope, receive, send)
