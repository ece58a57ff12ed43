"""Bearer-token authentication of the JSON API, attached per router so no route forgets it.

``Authorization: Bearer <token>`` is the only way a token is accepted (never a query value or
a cookie: those end up in logs and browser histories). :data:`bearer` declares the scheme in
the OpenAPI document. :func:`authenticate` runs once per request, first of the router's
dependencies and so before the route's own unit of work: in a short write of its own it
verifies the token, notes its use and counts the request against the token's rate limit, and
answers 401 (with ``WWW-Authenticate``) for a missing or invalid token and 429 (with
``Retry-After``) beyond the limit. :func:`needs` then checks one scope per route (403).
Objects are looked up within :attr:`Caller.project_id` by the services, so an object of
another project is a 404, never a 403; a cross-project token (project None, an admin's)
reaches every project.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Coroutine
from dataclasses import dataclass
from datetime import timedelta
from typing import Annotated, Any, ParamSpec, TypeVar

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from sqlalchemy.engine import Engine
from sqlmodel import Session
from starlette.concurrency import run_in_threadpool

from app.db import begin_write, unit_of_work
from app.errors import InsufficientScope, InvalidToken, Unauthorized
from app.services import api_tokens, rate_limit
from app.services.api_tokens import Scope

bearer = HTTPBearer(
    auto_error=False,
    bearerFormat="radar_…",
    description="An API token of one project, or an admin's of every project "
    "(`radar tokens create`, or the facilitator area), sent as "
    "`Authorization: Bearer radar_…`",
)
RATE_WINDOW = timedelta(minutes=1)
TOO_MANY_MESSAGE = "This token has made too many requests; try again after the wait given."
_COUNTS_IN_ITS_WRITE = "radar_counts_in_its_write"
P = ParamSpec("P")
R = TypeVar("R")


@dataclass(frozen=True)
class Caller:
    """Who is calling: the token's id, its project (None: every project) and its scopes."""

    token_id: int
    project_id: int | None
    scopes: frozenset[str]


@dataclass
class _Count:
    """A request's rate count while it waits to join the request's own write."""

    bucket: str
    allowed: rate_limit.Limit
    joined: bool = False

    def join(self, session: Session) -> None:
        """Count the request in the write it begins (:func:`app.db.join_write`); 429 beyond
        the limit (a concurrent request took the last one since the look-up)."""
        if rate_limit.record(session, self.bucket, self.allowed) > self.allowed.attempts:
            raise rate_limit.refusal(self.allowed, message=TOO_MANY_MESSAGE)
        self.joined = True

    def alone(self, engine: Engine) -> None:
        """Count the request in a short write of its own; 429 beyond the limit."""
        with unit_of_work(engine, write=True) as session:
            counted = rate_limit.record(session, self.bucket, self.allowed)
        if counted > self.allowed.attempts:
            raise rate_limit.refusal(self.allowed, message=TOO_MANY_MESSAGE)


def counts_in_its_write(route: Callable[P, R]) -> Callable[P, R]:
    """Mark a route that reads first (:data:`app.deps.READS_FIRST`) and ends in one short write
    (:func:`app.deps.commits_at_return`): :func:`authenticate` then counts its request in that
    write instead of in a write of its own before it (on SQLite one hand-over of the write lock
    per request instead of two). Apply it outermost (the endpoint FastAPI calls is marked)."""
    setattr(route, _COUNTS_IN_ITS_WRITE, True)
    return route


async def authenticate(
    request: Request,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)],
) -> AsyncIterator[Caller]:
    """The caller behind the request's bearer token; raises 401 or 429.

    On a route marked :func:`counts_in_its_write`, a token whose window is not used up yet is
    counted in the route's own write; when that write is not made or not committed (an error,
    a replay) the count is written alone afterwards, so a refused request counts as before."""
    if credentials is None or credentials.scheme.lower() != "bearer":
        raise Unauthorized("this operation needs an API token: Authorization: Bearer <token>")
    joins = getattr(request.scope.get("endpoint"), _COUNTS_IN_ITS_WRITE, False)
    caller, pending = await run_in_threadpool(_verified, request, credentials.credentials, joins)
    if pending is None:
        yield caller
        return
    request.state.joins_write = [pending.join]
    engine: Engine = request.app.state.engine
    try:
        yield caller
    except Exception:
        await run_in_threadpool(pending.alone, engine)  # the route's write rolled back
        raise
    if not pending.joined:
        await run_in_threadpool(pending.alone, engine)


def _verified(request: Request, presented: str, joins: bool) -> tuple[Caller, _Count | None]:
    """The caller, counted in a short write; or, if ``joins`` and its window is not used up,
    not counted yet (the count it will make)."""
    engine: Engine = request.app.state.engine
    settings = request.app.state.settings
    allowed = rate_limit.Limit(settings.api_requests_per_minute, RATE_WINDOW)
    with unit_of_work(engine, write=True, read_first=True) as session:
        grant = api_tokens.verify(session, presented)
        if grant is None:
            raise InvalidToken("the API token is unknown, revoked or expired")
        caller = Caller(grant.id, grant.project_id, grant.scopes)
        pending = _Count(f"api:{grant.id}", allowed)
        if joins and rate_limit.count(session, pending.bucket, allowed) < allowed.attempts:
            return caller, pending
        begin_write(session)  # the token is read without a lock; the count is one statement
        counted = rate_limit.record(session, pending.bucket, allowed)
    if counted > allowed.attempts:
        raise rate_limit.refusal(allowed, message=TOO_MANY_MESSAGE)
    return caller, None


Authenticated = Depends(authenticate, scope="function")
"""For ``APIRouter(dependencies=[Authenticated])``: every route of the router needs a token.
``scope="function"``: left before the answer is sent, and after the route's unit of work (so
a count that joined a failed write is written again), as :data:`app.deps.SessionDep`."""
CallerDep = Annotated[Caller, Authenticated]
"""The caller, from the same (cached) :func:`authenticate` as the router's dependency."""


def needs(scope: Scope) -> Callable[[Caller], Coroutine[Any, Any, Caller]]:
    """A dependency giving the caller if its token has ``scope``, else 403."""

    async def check(caller: CallerDep) -> Caller:
        # async: a set lookup needs no worker thread (each hop to one costs a request time)
        if scope.value not in caller.scopes:
            raise InsufficientScope(scope.value, sorted(caller.scopes))
        return caller

    check.__name__ = f"needs_{scope.name.lower()}"
    return check


ResultsReader = Annotated[Caller, Depends(needs(Scope.RESULTS_READ))]
ResponsesWriter = Annotated[Caller, Depends(needs(Scope.RESPONSES_WRITE))]
QuestionnairesReader = Annotated[Caller, Depends(needs(Scope.QUESTIONNAIRES_READ))]
ExportsReader = Annotated[Caller, Depends(needs(Scope.EXPORTS_READ))]
