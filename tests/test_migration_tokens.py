"""Migration 0006 (cross-project tokens) on a database with tokens, on SQLite (batch mode copies
``api_token``) and PostgreSQL: project tokens survive both ways; going back deletes only the
cross-project tokens, which the old schema cannot hold."""

from __future__ import annotations

from datetime import UTC, datetime

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from app import migrate

MOMENT = datetime(2026, 11, 30, 17, 42, 13, tzinfo=UTC)


def _token(token_id: int, project_id: int | None) -> dict[str, object]:
    return {
        "id": token_id,
        "project_id": project_id,
        "name": f"token {token_id}",
        "token_hash": f"{token_id:064d}",
        "prefix": "radar_abcdefgh",
        "scopes": ["results:read"],
        "created_at": MOMENT,
    }


def _tokens(engine: Engine) -> list[tuple[int, int | None]]:
    with engine.connect() as db:
        rows = db.execute(sa.text("SELECT id, project_id FROM api_token ORDER BY id")).all()
    return [(row[0], row[1]) for row in rows]


def test_cross_project_tokens_come_and_go_with_0008(engine: Engine) -> None:
    migrate.downgrade(engine, "0005")
    meta = sa.MetaData()
    meta.reflect(engine)
    with engine.begin() as db:
        db.execute(
            meta.tables["project"].insert(),
            [
                {
                    "id": 1,
                    "slug": "p",
                    "name": "P",
                    "description": "",
                    "min_group_size": 3,
                    "created_at": MOMENT,
                }
            ],
        )
        db.execute(meta.tables["api_token"].insert(), [_token(1, 1)])

    migrate.upgrade(engine)
    assert migrate.schema_drift(engine) == []
    assert _tokens(engine) == [(1, 1)]
    meta = sa.MetaData()
    meta.reflect(engine)
    with engine.begin() as db:
        db.execute(meta.tables["api_token"].insert(), [_token(2, None)])
    assert _tokens(engine) == [(1, 1), (2, None)]

    migrate.downgrade(engine, "0005")
    assert _tokens(engine) == [(1, 1)]
    columns = {c["name"]: c for c in sa.inspect(engine).get_columns("api_token")}
    assert columns["project_id"]["nullable"] is False
    migrate.upgrade(engine)
    assert _tokens(engine) == [(1, 1)]
