"""Request dependencies: the request's unit of work, and guards that count failed attempts.

Each request is one unit of work (:func:`app.db.unit_of_work`). Its session dependency has
``scope="function"``: FastAPI leaves it right after the route function has returned its
response object and *before* that response is sent, so the commit (or the rollback after an
error) has happened when the client gets an answer, and a commit that fails becomes an error
response (503 for an unreachable database, 409 for a concurrent change) instead of a success
for data that was lost. GET, HEAD and OPTIONS get a read session (never SQLite's write lock);
other methods, and the few GET routes that must write (:data:`WriterSessionDep`), a writer.
A writing route whose writes check what they read (a compare-and-set on a revision) can
declare :data:`READS_FIRST`: its unit of work then reads without any lock and writes only from
:func:`app.db.begin_write` on, in one short transaction.
"""

from __future__ import annotations

import functools
from collections.abc import AsyncIterator, Callable, Iterator, Sequence
from contextlib import AbstractContextManager, asynccontextmanager, nullcontext
from typing import Annotated, Any, ParamSpec, TypeVar

from anyio import CancelScope, CapacityLimiter, to_thread
from fastapi import Depends, Request
from fastapi.params import Depends as DependsParam
from sqlalchemy.engine import Engine
from sqlmodel import Session
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData

from app import forms
from app.db import (
    WORKER_THREADS,
    end_read,
    is_writer,
    join_write,
    settled,
    unit_of_work,
    write_lock,
)
from app.errors import TooManyRequests
from app.services import rate_limit

READ_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def _engine(request: Request) -> Engine:
    engine: Engine = request.app.state.engine
    return engine


async def get_session(request: Request) -> AsyncIterator[Session]:
    """The request's unit of work: a reader for GET/HEAD/OPTIONS, else a writer (reading
    first on routes that declare :data:`READS_FIRST`)."""
    async with _unit(request, write=request.method not in READ_METHODS) as session:
        yield session


async def _reads_first(request: Request) -> None:  # async: no worker thread for a flag
    request.state.reads_first = True


READS_FIRST: DependsParam = Depends(_reads_first)
"""A route dependency (``dependencies=[READS_FIRST]``): the request's writer starts as a
reader (:func:`app.db.unit_of_work` with ``read_first``), so looking up, parsing, validating
and scoring hold no connection for writing and, on SQLite, not the write lock; the route's
service calls :func:`app.db.begin_write` right before its one short write. Only for writes
that check what they read (a compare-and-set on the revision): rows read before may change
in between. Route-level dependencies are solved before parameter dependencies, so the mark
is set before the session is made."""


async def get_writer_session(request: Request) -> AsyncIterator[Session]:
    """A writer whatever the method, for GET routes that must write (opening a link)."""
    async with _unit(request, write=True) as session:
        yield session


P = ParamSpec("P")
R = TypeVar("R")


def ends_at_return(route: Callable[P, R]) -> Callable[P, R]:
    """For a synchronous route: end its unit's transaction in the route's own thread as soon as
    it returns, instead of in the session dependency's exit, which runs on another thread after
    a turn of the event loop.

    A writer (a route with :data:`READS_FIRST`) commits its short write: on SQLite the hop had
    held the write lock all that while. The unit of work still owns the transaction: a failing
    commit raises from the route into it (503, or 409 for a unique violation), and the
    dependency's own commit then finds nothing left to do. A reader (a page) ends its read
    (:func:`app.db.end_read`), so that its unit is :func:`~app.db.settled` and is left on the
    event loop: one hop to a worker thread fewer per page (under load a hop cost as much as a
    query). The route's session parameter must be called ``session``."""

    @functools.wraps(route)
    def ending(*args: P.args, **kwargs: P.kwargs) -> R:
        answer = route(*args, **kwargs)
        session = kwargs.get("session")
        if isinstance(session, Session):
            if is_writer(session):
                session.commit()
            else:
                end_read(session)
        return answer

    return ending


commits_at_return = ends_at_return
"""The name the write routes use (:func:`ends_at_return`: they commit at return)."""


@asynccontextmanager
async def _unit(request: Request, *, write: bool) -> AsyncIterator[Session]:
    """:func:`app.db.unit_of_work`, entered and left on worker threads (its commit may wait
    for the database). On SQLite a writer first waits for its turn on the event loop: at most
    ``WORKER_THREADS - 1`` writing requests are admitted at once, so requests waiting for the
    process's write lock can never hold every worker thread while the request that holds the
    lock needs one to run its route (that stalled form posts until the busy timeout). Writes
    queued for it (``request.state.joins_write``, :func:`app.db.join_write`) join a read-first
    unit's write."""
    engine = _engine(request)
    turns = _writer_turns(request.app) if write and write_lock(engine) is not None else None
    read_first = write and getattr(request.state, "reads_first", False)
    async with (
        turns if turns is not None else nullcontext(),
        _on_the_loop_when_idle(unit_of_work(engine, write=write, read_first=read_first)) as session,
    ):
        if read_first:
            for action in getattr(request.state, "joins_write", ()):
                join_write(session, action)
        yield session


@asynccontextmanager
async def _on_the_loop_when_idle(unit: AbstractContextManager[Session]) -> AsyncIterator[Session]:
    """FastAPI's ``contextmanager_in_threadpool`` for the unit of work, without the worker
    threads it needs no more: entering only makes a :class:`Session` (it connects at its first
    statement), and leaving a unit that has nothing left to do (:func:`app.db.settled`: its
    route committed at return, or it never began) touches no database, so both run on the
    event loop. Each hop to a worker thread and back cost a request as much as a query under
    load (a turn of the loop and a wait for the GIL); the hot API route had six. Any other
    exit (a commit, a rollback, a side write) still runs on a worker thread."""
    session = unit.__enter__()
    try:
        yield session
    except BaseException as exc:
        with CancelScope(shield=True):
            swallowed = await to_thread.run_sync(
                unit.__exit__, type(exc), exc, exc.__traceback__, limiter=CapacityLimiter(1)
            )
        if not swallowed:
            raise
    else:
        if settled(session):
            unit.__exit__(None, None, None)
        else:
            with CancelScope(shield=True):
                await to_thread.run_sync(
                    unit.__exit__, None, None, None, limiter=CapacityLimiter(1)
                )


def _writer_turns(app: Any) -> CapacityLimiter:
    turns: CapacityLimiter | None = getattr(app.state, "writer_turns", None)
    if turns is None:
        turns = app.state.writer_turns = CapacityLimiter(WORKER_THREADS - 1)
    return turns


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


Buckets = Sequence[tuple[str, rate_limit.Limit]]


def mark_failed_attempt(request: Request) -> None:
    """Tell :func:`login_guard` that this request was a failed attempt (the route answers it
    itself, e.g. with the login form and one generic message, instead of raising)."""
    request.state.failed_attempt = True


def login_guard(buckets: Callable[[Request, FormData], Buckets], message: str) -> DependsParam:
    """A route dependency that throttles failed logins in every bucket ``buckets`` names (per
    account and per client).

    Unlike :func:`failed_attempts_guard` it refuses *before* the route runs once a bucket is
    used up (429 with ``message``), even for the right password: a guesser must not learn
    which guess was right. A failure (:func:`mark_failed_attempt`) is counted after the route's
    unit of work has ended, in one of its own, as there.
    """

    async def guard(request: Request) -> AsyncIterator[None]:
        named = buckets(request, await forms.read_form(request))
        try:
            await run_in_threadpool(_check_buckets, request, named, message)
        except TooManyRequests:
            request.state.retry_kind = "login"
            raise
        yield
        if getattr(request.state, "failed_attempt", False):
            await run_in_threadpool(_record_buckets, request, named)

    dependency: DependsParam = Depends(guard, scope="function")
    return dependency


def _check_buckets(request: Request, named: Buckets, message: str) -> None:
    with unit_of_work(_engine(request), write=False) as session:
        for name, allowed in named:
            rate_limit.check(session, name, allowed, message=message)


def _record_buckets(request: Request, named: Buckets) -> None:
    with unit_of_work(_engine(request), write=True) as session:
        for name, allowed in named:
            rate_limit.record(session, name, allowed)
