"""One owner per transaction: services flush, the unit of work commits once or rolls back."""

from __future__ import annotations

import ast
import logging
from pathlib import Path

import pytest
from sqlalchemy import update
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from app.db import ReadOnlySessionError, end_read, settled, side_write, unit_of_work
from app.errors import Conflict, InvalidInput
from app.models import Organisation, Project
from app.services import projects
from app.settings import PROJECT_ROOT

SERVICES = PROJECT_ROOT / "app" / "services"
TRANSACTION_CALLS = {"commit", "rollback", "begin"}
CLOSERS = {"session", "connection", "db", "conn"}
"""Receivers whose ``.close()`` would end a unit of work (a file's or workbook's may close)."""


def _ends_transaction(call: ast.Call) -> bool:
    if not isinstance(call.func, ast.Attribute):
        return False
    if call.func.attr in TRANSACTION_CALLS:
        return True
    receiver = ast.unparse(call.func.value).rsplit(".", 1)[-1]
    return call.func.attr == "close" and (receiver in CLOSERS or receiver.endswith("session"))


def _transaction_calls(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return [
        f"{path.name}:{node.lineno} .{node.func.attr}()"
        for node in ast.walk(tree)
        if isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and _ends_transaction(node)
    ]


def test_no_service_ends_a_transaction() -> None:
    """In addition to the behaviour tests below: no service module commits or rolls back."""
    found = [call for path in sorted(SERVICES.glob("*.py")) for call in _transaction_calls(path)]
    assert found == []


def _names(engine: Engine) -> tuple[list[str], list[str]]:
    with Session(engine) as session:
        return (
            list(session.exec(select(Project.slug)).all()),
            list(session.exec(select(Organisation.name)).all()),
        )


def _network(engine: Engine, country: str) -> Project:
    """Two services in one unit of work; a bad ``country`` makes the second one fail."""
    with unit_of_work(engine, write=True) as session:
        project = projects.create_project(session, "net", "Network")
        projects.add_organisation(session, project, "Saxony", country=country)
    return project


def test_two_services_land_together(engine: Engine) -> None:
    project = _network(engine, "DE")
    assert _names(engine) == (["net"], ["Saxony"])
    assert project.slug == "net", "objects stay readable after the unit of work"


def test_an_error_in_the_second_service_undoes_the_first(engine: Engine) -> None:
    with pytest.raises(InvalidInput):
        _network(engine, "Germany")
    assert _names(engine) == ([], [])


def test_a_unique_violation_is_a_conflict_and_stores_nothing(engine: Engine) -> None:
    _network(engine, "DE")

    def same_slug_past_the_check() -> None:
        with unit_of_work(engine, write=True) as session:
            session.add(Project(slug="other", name="Other"))
            session.add(Project(slug="net", name="Same slug"))

    with pytest.raises(Conflict, match="nothing was saved"):
        same_slug_past_the_check()
    assert _names(engine) == (["net"], ["Saxony"])


def test_a_reader_refuses_to_write(engine: Engine) -> None:
    with unit_of_work(engine, write=False) as session:
        with pytest.raises(ReadOnlySessionError):
            projects.create_project(session, "net", "Network")
        session.rollback()
        with pytest.raises(ReadOnlySessionError):
            session.exec(update(Project).values(name="x"))
    assert _names(engine) == ([], [])


def test_side_writes_of_a_reader_run_after_it(engine: Engine) -> None:
    """A reader's bookkeeping waits until the reader has ended, then commits on its own."""
    with unit_of_work(engine, write=True) as session:
        projects.create_project(session, "net", "Network")

    def rename(writer: Session) -> None:
        assert writer is not reader
        writer.exec(update(Project).values(name="Renamed"))

    with unit_of_work(engine, write=False) as reader:
        side_write(reader, rename)
        assert reader.exec(select(Project.name)).one() == "Network"
    with Session(engine) as session:
        assert session.exec(select(Project.name)).one() == "Renamed"


def test_side_writes_are_skipped_when_the_reader_fails(engine: Engine) -> None:
    def failing_read() -> None:
        with unit_of_work(engine, write=False) as reader:
            side_write(reader, lambda writer: writer.add(Project(slug="net", name="Network")))
            raise ValueError("boom")

    with pytest.raises(ValueError, match="boom"):
        failing_read()
    assert _names(engine) == ([], [])


def test_a_failing_side_write_is_logged_not_raised(
    engine: Engine, caplog: pytest.LogCaptureFixture
) -> None:
    def fail(_writer: Session) -> None:
        raise RuntimeError("disk full")

    with unit_of_work(engine, write=False) as reader:
        side_write(reader, fail)
    assert "bookkeeping write failed" in caplog.text


def test_cleanup_errors_never_hide_the_real_error(
    engine: Engine, caplog: pytest.LogCaptureFixture
) -> None:
    """Closing on a dropped connection fails too: that is logged and the connection dropped
    from the pool (not leaked); the error that came first is what propagates."""

    def failing_write() -> None:
        with unit_of_work(engine, write=True) as session:
            session.close = dead_connection  # type: ignore[method-assign]
            projects.create_project(session, "net", "Network", min_group_size=0)

    def dead_connection() -> None:
        raise ConnectionError("terminating connection due to administrator command")

    caplog.set_level(logging.WARNING, logger="app.db")
    with pytest.raises(InvalidInput):
        failing_write()
    assert "clean-up failed; the connection is dropped" in caplog.text
    assert engine.pool.checkedout() == 0  # type: ignore[attr-defined]
    assert _names(engine) == ([], [])


def test_a_unit_is_settled_only_when_ending_it_needs_no_database(engine: Engine) -> None:
    """``settled`` decides that a request's unit of work is left on the event loop, without a
    worker thread (app.deps): only when its end touches no database. A unit that still has a
    transaction, an object to flush or a queued side write must not be settled, or its commit
    or rollback would block the loop (and an unsettled one claimed settled would lose it)."""
    with unit_of_work(engine, write=True) as session:
        assert settled(session), "nothing begun yet"
        project = projects.create_project(session, "net", "Network")
        assert not settled(session), "an open write transaction"
        session.commit()
        assert settled(session), "committed at the route's return"
        project.name = "Renamed"
        assert not settled(session), "a change waiting for a flush"
    with unit_of_work(engine, write=False) as reader:
        assert reader.exec(select(Project.name)).one() == "Renamed"
        assert not settled(reader), "a read transaction is still open"
    with unit_of_work(engine, write=True, read_first=True) as session:
        side_write(session, lambda writer: None)
        assert not settled(session), "a side write is queued"


def test_a_page_ends_its_read_where_it_ran_and_keeps_what_it_read(engine: Engine) -> None:
    """A page's route ends its read transaction at its return (``app.deps.ends_at_return``),
    so that its unit is left on the event loop: the connection is back in the pool, the rows
    read keep their values (no expiry: the response is still rendered from them), a later
    statement reads again, and a queued "last seen" write still happens after the unit."""
    with unit_of_work(engine, write=True) as session:
        projects.create_project(session, "net", "Network")
    noted: list[str] = []
    with unit_of_work(engine, write=False) as reader:
        project = reader.exec(select(Project)).one()
        side_write(reader, lambda writer: noted.append("last seen"))
        end_read(reader)
        assert not reader.in_transaction()
        assert engine.pool.checkedout() == 0  # type: ignore[attr-defined]
        assert project.name == "Network", "read values stay without a query"
        assert not settled(reader), "the queued side write still needs the database"
        assert noted == []
        assert reader.exec(select(Project.slug)).one() == "net", "a later read begins anew"
        end_read(reader)
    assert noted == ["last seen"]
    with unit_of_work(engine, write=False) as reader:
        reader.exec(select(Project)).one()
        end_read(reader)
        assert settled(reader)
