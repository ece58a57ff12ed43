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

from collections.abc import Callable, Coroutine
from dataclasses import dataclass
from datetime import timedelta
from typing import Annotated, Any

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from sqlalchemy.engine import Engine

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


@dataclass(frozen=True)
class Caller:
    """Who is calling: the token's id, its project (None: every project) and its scopes."""

    token_id: int
    project_id: int | None
    scopes: frozenset[str]


def authenticate(
    request: Request,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)],
) -> Caller:
    """The caller behind the request's bearer token; raises 401 or 429."""
    if credentials is None or credentials.scheme.lower() != "bearer":
        raise Unauthorized("this operation needs an API token: Authorization: Bearer <token>")
    engine: Engine = request.app.state.engine
    settings = request.app.state.settings
    allowed = rate_limit.Limit(settings.api_requests_per_minute, RATE_WINDOW)
    with unit_of_work(engine, write=True, read_first=True) as session:
        grant = api_tokens.verify(session, credentials.credentials)
        if grant is None:
            raise InvalidToken("the API token is unknown, revoked or expired")
        begin_write(session)  # the token is read without a lock; the count is one statement
        counted = rate_limit.record(session, f"api:{grant.id}", allowed)
        caller = Caller(grant.id, grant.project_id, grant.scopes)
    if counted > allowed.attempts:
        raise rate_limit.refusal(allowed, message=TOO_MANY_MESSAGE)
    return caller


def needs(scope: Scope) -> Callable[[Caller], Coroutine[Any, Any, Caller]]:
    """A dependency giving the caller if its token has ``scope``, else 403."""

    async def check(caller: Annotated[Caller, Depends(authenticate)]) -> Caller:
        # async: a set lookup needs no worker thread (each hop to one costs a request time)
        if scope.value not in caller.scopes:
            raise InsufficientScope(scope.value, sorted(caller.scopes))
        return caller

    check.__name__ = f"needs_{scope.name.lower()}"
    return check


Authenticated = Depends(authenticate)
"""For ``APIRouter(dependencies=[Authenticated])``: every route of the router needs a token."""
ResultsReader = Annotated[Caller, Depends(needs(Scope.RESULTS_READ))]
ResponsesWriter = Annotated[Caller, Depends(needs(Scope.RESPONSES_WRITE))]
QuestionnairesReader = Annotated[Caller, Depends(needs(Scope.QUESTIONNAIRES_READ))]
ExportsReader = Annotated[Caller, Depends(needs(Scope.EXPORTS_READ))]
