"""Request dependencies: the request's unit of work, and guards that count failed attempts.

Each request is one unit of work (:func:`app.db.unit_of_work`). Its session dependency has
``scope="function"``: FastAPI leaves it right after the route function has returned its
response object and *before* that response is sent, so the commit (or the rollback after an
error) has happened when the client gets an answer, and a commit that fails becomes an error
response (503 for an unreachable database, 409 for a concurrent change) instead of a success
for data that was lost. GET, HEAD and OPTIONS get a read session (never SQLite's write lock);
other methods, and the few GET routes that must write (:data:`WriterSessionDep`), a writer.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Annotated

from fastapi import Depends, Request
from fastapi.params import Depends as DependsParam
from sqlalchemy.engine import Engine
from sqlmodel import Session

from app.db import unit_of_work
from app.services import rate_limit

READ_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def _engine(request: Request) -> Engine:
    engine: Engine = request.app.state.engine
    return engine


def get_session(request: Request) -> Iterator[Session]:
    """The request's unit of work: a reader for GET/HEAD/OPTIONS, else a writer."""
    with unit_of_work(_engine(request), write=request.method not in READ_METHODS) as session:
        yield session


def get_writer_session(request: Request) -> Iterator[Session]:
    """A writer whatever the method, for GET routes that must write (opening a link)."""
    with unit_of_work(_engine(request), write=True) as session:
        yield session


SessionDep = Annotated[Session, Depends(get_session, scope="function")]
WriterSessionDep = Annotated[Session, Depends(get_writer_session, scope="function")]


def failed_attempts_guard(
    bucket: Callable[[Request], str],
    limit: Callable[[Request], rate_limit.Limit],
    failures: tuple[type[Exception], ...],
) -> DependsParam:
    """A route dependency (``dependencies=[...]``) that counts every attempt ending in one of
    ``failures`` and, beyond ``limit``'s attempts, answers such a failure with 429.

    It never refuses before the route ran: a valid token always works, however many invalid
    ones came from the same client (issue 9.7). The count is a unit of work of its own: the
    guard is entered before the route's session and left after it, so the failed attempt's
    transaction has been rolled back (releasing SQLite's write lock) before the hit is
    recorded and committed, and the hit stays although the request fails. Route-level
    dependencies are solved before parameter dependencies, which gives that order.
    """

    def guard(request: Request) -> Iterator[None]:
        name, allowed = bucket(request), limit(request)
        try:
            yield
        except failures:
            with unit_of_work(_engine(request), write=True) as session:
                counted = rate_limit.record(session, name, allowed)
            if counted > allowed.attempts:
                raise rate_limit.refusal(allowed) from None
            raise

    dependency: DependsParam = Depends(guard, scope="function")
    return dependency
