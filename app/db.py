"""Database engine, sessions and the unit of work, for SQLite (embedded default) and PostgreSQL
(psycopg 3). Knows nothing of the web: request dependencies live in :mod:`app.deps`.

SQLite gets WAL, a busy timeout and foreign keys on every connection. Writers start with
``BEGIN IMMEDIATE``, so that two writers queue for the lock instead of failing half-way with
"database is locked"; readers start a deferred transaction and never take the lock. Within one
process, writers first queue on a :class:`WriteLock` of the database file and only then ask
SQLite: a waiting writer is woken the moment the lock is free, instead of polling SQLite's busy
handler with growing sleeps (which made the tail of writes under load 20 times longer, see
docs/performance.md). Other processes (the CLI beside ``radar serve``) still meet SQLite's own
lock and its busy timeout.

The pool holds :data:`WORKER_THREADS` connections, the threads that run synchronous routes:
every request thread gets a connection without waiting and none is opened and closed per
request.

One owner per transaction: services flush, never commit. :func:`unit_of_work` is the owner (one
web request, one CLI command): it commits once at its end, or rolls back wholly on error.

A unit of work may also *read first* (``read_first=True``): it starts as a reader, so looking
things up, parsing, validating and scoring take no lock, and :func:`begin_write` ends that read
and begins the one short write transaction. Only writes that check what they read (a
compare-and-set on a revision) may use it: the rows read before may have changed since.
"""

from __future__ import annotations

import logging
import sqlite3
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.orm import ORMExecuteState, UOWTransaction
from sqlalchemy.orm import Session as OrmSession
from sqlmodel import Session, create_engine

from app.errors import ConflictingData

log = logging.getLogger(__name__)

SQLITE_BUSY_TIMEOUT_MS = 15_000
WORKER_THREADS = 40
"""Threads that run synchronous routes and dependencies (anyio's default, set explicitly by
:func:`app.main.create_app`); the pool is sized to them."""
POOL_OVERFLOW = 8  # CLI commands and the rare second unit of work (a rate-limit count)
READ_ONLY = "radar_read_only"
READ_FIRST = "radar_read_first"
SIDE_WRITES = "radar_side_writes"
JOINS_WRITE = "radar_joins_write"

SideWrite = Callable[[Session], None]


class ReadOnlySessionError(RuntimeError):
    """A read session was asked to write: a programming error, the route needs a writer."""


def normalise_url(url: str) -> str:
    """Use psycopg 3 for plain ``postgresql://`` URLs."""
    parsed = make_url(url)
    if parsed.drivername in ("postgresql", "postgres"):
        parsed = parsed.set(drivername="postgresql+psycopg")
    return parsed.render_as_string(hide_password=False)


def make_engine(url: str, **kwargs: Any) -> Engine:
    url = normalise_url(url)
    parsed = make_url(url)
    if parsed.database not in (None, "", ":memory:") and "poolclass" not in kwargs:
        kwargs.setdefault("pool_size", WORKER_THREADS)
        kwargs.setdefault("max_overflow", POOL_OVERFLOW)
    if url.startswith("sqlite"):
        engine = create_engine(
            url,
            connect_args={"check_same_thread": False, "timeout": SQLITE_BUSY_TIMEOUT_MS / 1000},
            **kwargs,
        )
        _configure_sqlite(engine)
        return engine
    return create_engine(url, pool_pre_ping=True, **kwargs)


class WriteLock:
    """One process's queue for SQLite's write lock on one database file.

    Held from a writer's ``BEGIN IMMEDIATE`` until its connection goes back to the pool (after
    the commit or rollback), by the connection that took it: a connection that begins again
    while holding it does not wait for itself. Released from whichever thread returns the
    connection (FastAPI may end a dependency on another thread than it started it on), which a
    plain :class:`threading.Lock` allows.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._holder: object | None = None

    def acquire(self, holder: object, timeout: float) -> None:
        """Wait up to ``timeout`` seconds; then fail as SQLite would ("database is locked"),
        which :func:`app.errors` answers with 503 and Retry-After."""
        if self._holder is holder:
            return
        if not self._lock.acquire(timeout=timeout):
            raise OperationalError(
                "BEGIN IMMEDIATE", None, sqlite3.OperationalError("database is locked")
            )
        self._holder = holder

    def release(self, holder: object) -> None:
        if holder is not None and self._holder is holder:
            self._holder = None
            self._lock.release()

    @property
    def held(self) -> bool:
        return self._lock.locked()


_WRITE_LOCKS: dict[str, WriteLock] = {}
_WRITE_LOCKS_GUARD = threading.Lock()
_KEPT_LOCK = "_radar_write_lock"
_KEPT_WRITING = "_radar_writing_engine"


def write_lock(engine: Engine) -> WriteLock | None:
    """The process's :class:`WriteLock` of an SQLite file database (shared by all engines on
    the same file); None for PostgreSQL and in-memory databases. Found once per engine (every
    writing request asks; resolving the file's path is a system call)."""
    if hasattr(engine, _KEPT_LOCK):
        kept: WriteLock | None = getattr(engine, _KEPT_LOCK)
        return kept
    database = engine.url.database
    lock = None
    if engine.dialect.name == "sqlite" and database not in (None, "", ":memory:"):
        key = str(Path(database).resolve())
        with _WRITE_LOCKS_GUARD:
            lock = _WRITE_LOCKS.setdefault(key, WriteLock())
    setattr(engine, _KEPT_LOCK, lock)  # kept on the engine: it goes when the engine goes
    return lock


def _writing(engine: Engine) -> Engine:
    """``engine`` with the option that makes a transaction take SQLite's write lock at once,
    made once per engine: a new option engine per request joined the engine's event
    dispatchers anew each time (a few percent of an API submission)."""
    writing: Engine | None = getattr(engine, _KEPT_WRITING, None)
    if writing is None:
        writing = engine.execution_options(sqlite_immediate=True)
        setattr(engine, _KEPT_WRITING, writing)
    return writing


def _configure_sqlite(engine: Engine) -> None:
    lock = write_lock(engine)
    timeout = SQLITE_BUSY_TIMEOUT_MS / 1000

    @event.listens_for(engine, "connect")
    def on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None  # let SQLAlchemy's BEGIN below decide
        cursor = dbapi_connection.cursor()
        if engine.url.database not in (None, "", ":memory:"):
            cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def on_begin(connection: Any) -> None:
        immediate = connection.get_execution_options().get("sqlite_immediate", False)
        if immediate and lock is not None:
            lock.acquire(connection.connection.dbapi_connection, timeout)
        connection.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")

    if lock is None:
        return

    def release(dbapi_connection: Any, *_args: Any) -> None:
        lock.release(dbapi_connection)

    # back in the pool (committed or rolled back), or gone: the transaction has ended
    for name in ("checkin", "invalidate", "close"):
        event.listen(engine, name, release)


def writer_session(engine: Engine, **options: Any) -> Session:
    """A session whose transaction takes SQLite's write lock at once (no-op on PostgreSQL)."""
    return Session(_writing(engine), **options)


def reader_session(engine: Engine, **options: Any) -> Session:
    """A session that only reads: a deferred transaction on SQLite, and any write it is asked
    for (a flush with changes, an INSERT, UPDATE or DELETE) raises
    :class:`ReadOnlySessionError` at once instead of being lost when the reader ends."""
    session = Session(engine, **options)
    session.info[READ_ONLY] = True
    return session


def begin_write(session: Session) -> None:
    """Turn a read-first session (:func:`unit_of_work` with ``read_first``) into a writer.

    Its read transaction ends (its connection goes back to the pool; on SQLite it never took
    the write lock) and its next statement begins the write transaction (``BEGIN IMMEDIATE``),
    which the unit of work commits at its end. Objects loaded so far stay in the session with
    the values read, never reloaded: the write must check that they are still current (a
    compare-and-set on the revision, :mod:`app.services.responses`). Bookkeeping queued while
    reading (:func:`side_write`) joins the write. A no-op for a session that already writes;
    raises :class:`ReadOnlySessionError` for a plain reader.
    """
    engine: Engine | None = session.info.pop(READ_FIRST, None)
    if engine is None:
        if not is_writer(session):
            raise ReadOnlySessionError("a read session cannot begin writing; use a writer")
        return
    session.commit()  # ends the read (nothing to flush: a reader refuses changes)
    session.bind = _writing(engine)
    del session.info[READ_ONLY]
    for action in session.info.pop(JOINS_WRITE, []):
        action(session)
    for action in session.info.pop(SIDE_WRITES, []):
        action(session)


def join_write(session: Session, action: SideWrite) -> None:
    """Run ``action`` first in the write of a read-first ``session`` if it begins one
    (:func:`begin_write`), in the same transaction, and never otherwise: unlike
    :func:`side_write`, whoever queues it must write it themselves when the unit of work ends
    without writing or fails (e.g. the API's rate count, :mod:`app.api.auth`), so that one
    transaction, and on SQLite one hand-over of the write lock, does both."""
    session.info.setdefault(JOINS_WRITE, []).append(action)


def settled(session: Session) -> bool:
    """Whether ending ``session``'s unit of work needs no database: no transaction open (it
    was committed, or never began), nothing pending to flush, no side write queued. Such a
    unit can be left without a worker thread (:mod:`app.deps`)."""
    return not (
        session.in_transaction()
        or session.info.get(SIDE_WRITES)
        or session.new
        or session.deleted
        or session.dirty
    )


def end_read(session: Session) -> None:
    """End a reader's transaction now: its connection goes back to the pool (on SQLite its
    snapshot of the WAL ends), the objects it loaded stay as read (no expiry, unlike a
    rollback) and side writes it queued still run when its unit of work ends. A later
    statement begins a new read. A no-op for a writer, whose unit commits it."""
    if is_writer(session):
        return
    transaction = session.get_transaction()
    if transaction is not None:
        transaction.close()


def is_writer(session: OrmSession) -> bool:
    return not session.info.get(READ_ONLY, False)


@event.listens_for(Session, "before_flush")
def _refuse_flush(session: Session, _context: UOWTransaction, _instances: object) -> None:
    if not is_writer(session) and (
        session.new or session.deleted or any(session.is_modified(row) for row in session.dirty)
    ):
        raise ReadOnlySessionError("a read session cannot store changes; use a writer")


@event.listens_for(Session, "do_orm_execute")
def _refuse_statement(state: ORMExecuteState) -> None:
    if not is_writer(state.session) and (state.is_insert or state.is_update or state.is_delete):
        raise ReadOnlySessionError("a read session cannot run INSERT, UPDATE or DELETE")


def side_write(session: Session, action: SideWrite) -> None:
    """Bookkeeping beside the unit of work (e.g. a browser session's "last seen").

    In a writer, ``action`` joins the transaction now. A reader queues it: it runs in a short
    write unit of work of its own after the reader has ended successfully, so a reader never
    holds two connections or takes SQLite's write lock. That separate write is best effort:
    its failure is logged, never raised (the request already has its answer).
    """
    if is_writer(session):
        action(session)
    else:
        session.info.setdefault(SIDE_WRITES, []).append(action)


@contextmanager
def unit_of_work(engine: Engine, *, write: bool, read_first: bool = False) -> Iterator[Session]:
    """One transaction owned by its caller (a request, a CLI command, a test's set-up).

    A writer commits once when the block ends and rolls back wholly when it raises; a reader
    never writes (see :func:`reader_session`). With ``read_first`` a writer starts as a reader
    and writes only after :func:`begin_write` (then commits like a writer; else it ends like a
    reader). A unique or foreign-key violation, which means
    a concurrent change won, becomes :class:`~app.errors.ConflictingData` (409). Errors of the
    clean-up itself (a rollback or close on a dropped connection) are logged, never raised over
    the error that caused them. Objects stay readable after the block (no expiry on commit).
    """
    make = writer_session if write and not read_first else reader_session
    session = make(engine, expire_on_commit=False)
    if write and read_first:
        session.info[READ_FIRST] = engine
    try:
        try:
            yield session
            if is_writer(session):
                session.commit()
        finally:
            _release(session)  # rolls back whatever was not committed
    except IntegrityError as exc:
        log.warning("concurrent change refused: %s", type(exc.orig).__name__)
        raise ConflictingData() from exc
    _run_side_writes(engine, session.info.pop(SIDE_WRITES, []))


def _run_side_writes(engine: Engine, actions: list[SideWrite]) -> None:
    if not actions:
        return
    try:
        with unit_of_work(engine, write=True) as session:
            for action in actions:
                action(session)
    except Exception:
        log.warning("a bookkeeping write failed and was skipped", exc_info=True)


def _release(session: Session) -> None:
    """Close the session (rolling back anything uncommitted). On a connection that is gone
    (terminated by the server, a failover) even that fails: log it and drop the connection
    from the pool instead of raising over the error, or the response, that came first."""
    try:
        session.close()
    except Exception:
        log.warning("database clean-up failed; the connection is dropped", exc_info=True)
        try:
            session.invalidate()
        except Exception:
            log.warning("dropping the connection failed too", exc_info=True)
