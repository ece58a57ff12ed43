"""Objects made from a Core row (:mod:`app.services.row_objects`) are what the ORM's own
loading makes: same values, persistent in the session, writable, deferred columns loaded on
reading; and the respondent context built from them is read afresh by every unit of work."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest
from sqlalchemy import inspect as sa_inspect
from sqlalchemy import select, update
from sqlalchemy.engine import Engine
from sqlalchemy.orm import defer
from sqlmodel import Session, SQLModel

from app.db import unit_of_work
from app.models import Invitation, Organisation, QuestionnaireVersion, Response, Round
from app.services import responses, row_objects
from tests import factories

RESPONSE = row_objects.Entity(Response)
VERSION = row_objects.Entity(QuestionnaireVersion, deferred={"definition"})


@dataclass(frozen=True)
class Ids:
    id: int
    round_id: int
    organisation_id: int
    invitation_id: int


@pytest.fixture
def draft(session: Session) -> Ids:
    network = factories.network(session, organisation_name="Saxony")
    invitation, _token = factories.invitation(session, network.round, network.organisation)
    row = factories.response(
        session, network.round, network.organisation, {"a": 1}, invitation_=invitation
    )
    session.flush()
    ids = Ids(row.id or 0, row.round_id, row.organisation_id, row.invitation_id or 0)
    session.commit()  # the fixture's writer holds no lock from here on: its objects are left
    return ids


def _values(row: SQLModel) -> dict[str, Any]:
    return {key: value for key, value in vars(row).items() if key != "_sa_instance_state"}


def _row(session: Session, entity: row_objects.Entity[Any], ident: int) -> Any:
    table = entity.table
    found = session.connection().execute(select(*entity.columns).where(table.c.id == ident))
    return found.one()


def test_an_object_has_what_the_orm_loads(engine: Engine, draft: Ids) -> None:
    with unit_of_work(engine, write=False) as orm:
        loaded = orm.get(Response, draft.id)
        assert loaded is not None
        expected = _values(loaded)
    with unit_of_work(engine, write=False) as session:
        made = RESPONSE.instance(session, _row(session, RESPONSE, draft.id))
        assert isinstance(made, Response)
        assert _values(made) == expected
        assert type(made.status) is type(expected["status"])
        state = sa_inspect(made)
        assert state.persistent
        assert not state.modified
        assert session.get(Response, draft.id) is made  # in the identity map: no query
        assert made not in session.dirty
        assert made not in session.new


def test_an_object_already_in_the_session_is_returned_as_it_is(engine: Engine, draft: Ids) -> None:
    with unit_of_work(engine, write=False) as session:
        loaded = session.get(Response, draft.id)
        assert loaded is not None
        row = _row(session, RESPONSE, draft.id)
        loaded.current_step = 5  # the session's object wins, as with a query
        assert RESPONSE.instance(session, row) is loaded
        assert loaded.current_step == 5
        session.rollback()


def test_changing_an_object_writes_an_update(engine: Engine, draft: Ids) -> None:
    with unit_of_work(engine, write=True) as session:
        made = RESPONSE.instance(session, _row(session, RESPONSE, draft.id))
        assert made is not None
        made.consent_version = "7"
        assert made in session.dirty
    with unit_of_work(engine, write=False) as session:
        assert session.get(Response, draft.id).consent_version == "7"  # type: ignore[union-attr]


def test_a_deferred_column_is_read_when_asked_for(engine: Engine, draft: Ids) -> None:
    with unit_of_work(engine, write=False) as orm:
        version_id = orm.get(Round, draft.round_id).questionnaire_version_id  # type: ignore[union-attr]
        loaded = orm.get(
            QuestionnaireVersion, version_id, options=[defer(QuestionnaireVersion.definition)]
        )  # type: ignore[arg-type]
        expected = _values(loaded)  # type: ignore[arg-type]
        definition = orm.get(QuestionnaireVersion, version_id).definition  # type: ignore[union-attr]
    with unit_of_work(engine, write=False) as session:
        made = VERSION.instance(session, _row(session, VERSION, version_id))
        assert made is not None
        assert _values(made) == expected  # the JSON not read yet
        assert made.definition == definition
        assert not sa_inspect(made).modified


def test_a_null_id_is_no_object(session: Session) -> None:
    assert RESPONSE.instance(session, [None] * RESPONSE.width) is None
    with pytest.raises(ValueError, match="no column"):
        row_objects.Entity(Invitation, deferred={"nothing"})


def test_every_unit_of_work_reads_the_context_afresh(engine: Engine, draft: Ids) -> None:
    """Renamed, closed, revoked: the next load shows it (nothing is kept between loads)."""
    with unit_of_work(engine, write=False) as session:
        before = responses.load(session, draft.id)
        assert before.organisation.name == "Saxony"
        assert before.open
        assert before.invitation is not None
        assert before.invitation.revoked_at is None
    with unit_of_work(engine, write=True) as session:
        session.execute(
            update(Organisation)
            .where(Organisation.id == draft.organisation_id)
            .values(name="Bavaria")  # type: ignore[arg-type]
        )
        session.execute(
            update(Round).where(Round.id == draft.round_id).values(closed_at=factories.utcnow())
        )  # type: ignore[arg-type]
        session.execute(
            update(Invitation)
            .where(Invitation.id == draft.invitation_id)
            .values(revoked_at=factories.utcnow())  # type: ignore[arg-type]
        )
    with unit_of_work(engine, write=False) as session:
        after = responses.load(session, draft.id)
        assert after.organisation.name == "Bavaria"
        assert not after.open
        assert after.invitation is not None
        assert after.invitation.revoked_at is not None
