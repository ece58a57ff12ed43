"""Units of work that read first: looking up and checking take no lock, the write begins at
:func:`app.db.begin_write` and is one short transaction; a change made by someone else in
between is a conflict (nothing of the late write is stored), never lost."""

from __future__ import annotations

import pytest
from sqlalchemy import text
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from app.db import (
    ReadOnlySessionError,
    begin_write,
    make_engine,
    side_write,
    unit_of_work,
    write_lock,
)
from app.deps import commits_at_return
from app.models import Project, Response, ResponseScore, ResponseStatus
from app.services import projects, responses
from app.services.responses import StaleRevision
from tests import factories

ANSWERS = {"leadership.mandate": 3, "leadership.has_budget": "no"}


def test_a_read_first_unit_writes_only_after_begin_write(engine: Engine) -> None:
    with unit_of_work(engine, write=True) as session:
        projects.create_project(session, "net", "Network")
    with unit_of_work(engine, write=True, read_first=True) as session:
        project = session.exec(select(Project)).one()
        with pytest.raises(ReadOnlySessionError):
            projects.create_project(session, "other", "Other network")
        session.rollback()
        begin_write(session)
        begin_write(session)  # a second call changes nothing
        assert project.name == "Network", "what was read stays readable, not reloaded"
        projects.create_project(session, "other", "Other network")
    with Session(engine) as check:
        assert sorted(check.exec(select(Project.slug)).all()) == ["net", "other"]


def test_a_read_first_unit_that_never_writes_stores_nothing(engine: Engine) -> None:
    with unit_of_work(engine, write=True) as session:
        projects.create_project(session, "net", "Network")

    def rename(writer: Session) -> None:
        writer.exec(text("UPDATE project SET name = 'Renamed'"))  # type: ignore[call-overload]

    with unit_of_work(engine, write=True, read_first=True) as session:
        side_write(session, rename)  # bookkeeping of a request that then wrote nothing
    with Session(engine) as check:
        assert check.exec(select(Project.name)).one() == "Renamed"


def test_bookkeeping_queued_while_reading_joins_the_write(engine: Engine) -> None:
    with unit_of_work(engine, write=True) as session:
        projects.create_project(session, "net", "Network")
    seen: list[Session] = []
    with unit_of_work(engine, write=True, read_first=True) as session:
        side_write(session, seen.append)
        assert seen == []
        begin_write(session)
        assert seen == [session]


def test_a_plain_reader_cannot_begin_writing(engine: Engine) -> None:
    with unit_of_work(engine, write=False) as session, pytest.raises(ReadOnlySessionError):
        begin_write(session)


def test_reading_first_takes_no_write_lock_until_the_write(sqlite_url: str) -> None:
    engine = make_engine(sqlite_url)
    lock = write_lock(engine)
    assert lock is not None
    with unit_of_work(engine, write=True, read_first=True) as session:
        session.execute(text("SELECT count(*) FROM project"))
        assert not lock.held
        with unit_of_work(engine, write=True) as other:  # another writer is not kept waiting
            projects.create_project(other, "net", "Network")
        begin_write(session)
        assert not lock.held  # nothing has begun yet
        session.execute(text("SELECT 1"))
        assert lock.held
    assert not lock.held
    engine.dispose()


def test_a_change_between_the_read_and_the_write_is_a_conflict(engine: Engine) -> None:
    """A page checked in a reader, then saved in another tab before its write: the late write
    stores nothing and says so (the revision check), the other tab's answers stay."""
    with unit_of_work(engine, write=True) as session:
        made = factories.network(session)
        row = factories.response(session, made.round, made.organisation)
    assert row.id is not None

    def save_late() -> None:
        with unit_of_work(engine, write=True, read_first=True) as late:
            context = responses.load(late, row.id or 0)
            with unit_of_work(engine, write=True) as other:
                page = responses.load(other, row.id or 0)
                responses.save_page(other, page, 1, ANSWERS, None, dimension_id="leadership")
            changed = {"leadership.mandate": 1}
            responses.save_page(late, context, 1, changed, None, dimension_id="leadership")

    with pytest.raises(StaleRevision):
        save_late()
    with Session(engine) as check:
        stored = check.get(Response, row.id)
        assert stored is not None
        assert (stored.revision, stored.answers) == (2, ANSWERS)


def test_a_submission_scored_before_its_write_is_stored_whole(engine: Engine) -> None:
    with unit_of_work(engine, write=True) as session:
        made = factories.network(session)
        complete = ANSWERS | {"services.training": 4}
        row = factories.response(session, made.round, made.organisation, answers=complete)
    assert row.id is not None
    with unit_of_work(engine, write=True, read_first=True) as session:
        assert responses.submit(session, responses.load(session, row.id), 1)
    with Session(engine) as check:
        stored = check.get(Response, row.id)
        assert stored is not None
        assert (stored.status, stored.revision) == (ResponseStatus.SUBMITTED, 2)
        found = check.exec(select(ResponseScore).where(ResponseScore.response_id == row.id))
        assert found.all() != []


def test_a_route_that_reads_first_commits_its_write_when_it_returns(sqlite_url: str) -> None:
    """The short write is committed in the route's own thread (and SQLite's write lock let go)
    before the request's unit of work ends; the unit then has nothing left to commit."""
    engine = make_engine(sqlite_url)
    lock = write_lock(engine)
    assert lock is not None

    @commits_at_return
    def route(*, session: Session) -> str:
        session.exec(select(Project)).all()
        begin_write(session)
        projects.create_project(session, "net", "Network")
        return "answered"

    with unit_of_work(engine, write=True, read_first=True) as session:
        assert route(session=session) == "answered"
        assert not lock.held
        with Session(engine) as other:
            assert other.exec(select(Project.slug)).all() == ["net"]
    engine.dispose()
