"""The migrations build exactly the schema the models describe, on SQLite and PostgreSQL."""

from __future__ import annotations

from sqlalchemy import inspect
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from app import migrate
from app.models import Organisation, Project


def test_migrated_schema_has_no_drift(engine: Engine) -> None:
    assert migrate.is_current(engine)
    assert migrate.schema_drift(engine) == []


def test_downgrade_and_upgrade_again(engine: Engine) -> None:
    migrate.downgrade(engine, "base")
    assert "response" not in inspect(engine).get_table_names()
    migrate.upgrade(engine)
    assert migrate.schema_drift(engine) == []


def test_readiness_sees_pending_migrations(engine: Engine) -> None:
    migrate.downgrade(engine, "base")
    assert not migrate.is_current(engine)


def test_foreign_keys_cascade(engine: Engine) -> None:
    """Deleting a project removes its organisations (SQLite needs foreign_keys=ON for this)."""
    with Session(engine) as session:
        project = Project(slug="p", name="P")
        session.add(project)
        session.flush()
        assert project.id is not None
        session.add(Organisation(project_id=project.id, name="Region A"))
        session.commit()
        session.delete(project)
        session.commit()
        assert session.exec(select(Organisation)).all() == []
