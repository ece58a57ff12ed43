"""Migrations run on populated databases (SECURITY.md): every row survives 0001 -> head, on
SQLite (batch mode copies tables, which must not cascade into child rows) and PostgreSQL."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine

from app import migrate

MOMENT = datetime(2026, 11, 30, 17, 42, 13, tzinfo=UTC)
TABLES = (
    "project",
    "organisation",
    "questionnaire",
    "questionnaire_version",
    "round",
    "invitation",
    "response",
    "response_score",
    "web_session",
    "audit_event",
    "rate_limit_hit",
)


def _populate_0001(engine: Engine) -> None:
    """Two rounds (one anonymous), their invitations, drafts and submissions with scores and
    sessions, written with the 0001 schema (``client_key`` included)."""
    meta = sa.MetaData()
    meta.reflect(engine)
    t = meta.tables
    at = {"created_at": MOMENT}
    with engine.begin() as db:
        db.execute(
            t["project"].insert(),
            [{"id": 1, "slug": "p", "name": "P", "description": "", "min_group_size": 3, **at}],
        )
        db.execute(
            t["organisation"].insert(),
            [
                {
                    "id": 1,
                    "project_id": 1,
                    "name": "Region A",
                    "country": "DE",
                    "kind": "region",
                    **at,
                }
            ],
        )
        db.execute(t["questionnaire"].insert(), [{"id": 1, "slug": "q", **at}])
        db.execute(
            t["questionnaire_version"].insert(),
            [
                {
                    "id": 1,
                    "questionnaire_id": 1,
                    "version": "1.0",
                    "definition": {},
                    "content_hash": "h",
                    "status": "published",
                    "published_at": MOMENT,
                    "retired_at": None,
                    **at,
                }
            ],
        )
        rounds = [
            {
                "id": number,
                "project_id": 1,
                "questionnaire_version_id": 1,
                "name": name,
                "opens_at": None,
                "closes_at": None,
                "closed_at": None,
                "anonymous": anonymous,
                "privacy_notice": "",
                "notice_version": "1",
                **at,
            }
            for number, name, anonymous in ((1, "Named", False), (2, "Anonymous", True))
        ]
        db.execute(t["round"].insert(), rounds)
        db.execute(
            t["invitation"].insert(),
            [
                {
                    "id": number,
                    "round_id": round_id,
                    "organisation_id": 1,
                    "token_hash": f"t{number}",
                    "stakeholder_group": None,
                    "label": label,
                    "multi_use": False,
                    "max_uses": None,
                    "use_count": 1,
                    "expires_at": None,
                    "revoked_at": None,
                    **at,
                }
                for number, round_id, label in (
                    (1, 1, "Anna"),
                    (2, 1, "Ben"),
                    (3, 2, "Clara"),
                    (4, 2, "Dora"),
                )
            ],
        )
        db.execute(
            t["response"].insert(),
            [
                {
                    "id": number,
                    "public_id": f"pub{number}",
                    "client_key": f"key{number}",
                    "round_id": round_id,
                    "organisation_id": 1,
                    "invitation_id": number,
                    "resume_token_hash": f"r{number}",
                    "stakeholder_group": None,
                    "language": "de",
                    "status": status,
                    "answers": {"a": 1},
                    "comments": {},
                    "current_step": 1,
                    "revision": 2,
                    "consent_version": "1",
                    "consented_at": MOMENT,
                    "updated_at": MOMENT,
                    "submitted_at": MOMENT if status == "submitted" else None,
                    **at,
                }
                for number, round_id, status in (
                    (1, 1, "draft"),
                    (2, 1, "submitted"),
                    (3, 2, "draft"),
                    (4, 2, "submitted"),
                )
            ],
        )
        db.execute(
            t["response_score"].insert(),
            [
                {
                    "response_id": number,
                    "kind": "overall",
                    "target_id": "overall",
                    "score": 50.0,
                    "coverage": 1.0,
                    "band": None,
                    "reason": None,
                    "rules_version": "1",
                    "computed_at": MOMENT,
                }
                for number in (2, 4)
            ],
        )
        db.execute(
            t["web_session"].insert(),
            [
                {
                    "token_hash": f"s{number}",
                    "csrf_token": "c",
                    "user_id": None,
                    "response_id": number,
                    "data": {},
                    "last_seen_at": MOMENT,
                    "expires_at": datetime(2099, 1, 1, tzinfo=UTC),
                    **at,
                }
                for number in (1, 2, 3, 4)
            ],
        )
        db.execute(
            t["audit_event"].insert(),
            [
                {
                    "at": MOMENT,
                    "actor": "cli",
                    "action": "round.create",
                    "object_type": "round",
                    "object_id": "1",
                    "project_id": 1,
                    "detail": {},
                }
            ],
        )
        db.execute(
            t["rate_limit_hit"].insert(),
            [{"bucket": "link:1.2.3.4", "window_start": MOMENT, "count": 3}],
        )


def _counts(engine: Engine) -> dict[str, int]:
    with engine.connect() as db:
        return {
            name: int(db.execute(sa.text(f"SELECT count(*) FROM {name}")).scalar_one())
            for name in TABLES
        }


def _rows(engine: Engine, query: str) -> list[Any]:
    with engine.connect() as db:
        return list(db.execute(sa.text(query)).all())


def test_populated_0001_database_migrates_to_head_keeping_every_row(engine: Engine) -> None:
    migrate.downgrade(engine, "0001")
    _populate_0001(engine)
    before = _counts(engine)
    assert before["response"] == 4
    assert before["web_session"] == 4

    migrate.upgrade(engine)

    assert _counts(engine) == before
    assert migrate.schema_drift(engine) == []
    columns = {c["name"] for c in sa.inspect(engine).get_columns("response")}
    assert "client_key" not in columns
    responses = _rows(
        engine,
        "SELECT id, invitation_id, resume_token_hash, resume_expires_at, answers, "
        "resume_generation FROM response ORDER BY id",
    )
    by_id = {row[0]: row for row in responses}
    assert [by_id[n][1] for n in (1, 2, 3, 4)] == [1, 2, 3, None]  # anonymous submitted: unlinked
    assert by_id[1][2] == "r1"  # a live draft keeps its personal link ...
    assert by_id[1][3] is not None  # ... which now expires
    assert by_id[2][2] is None  # a submitted response's link stops working
    assert all(row[5] == 0 for row in responses)
    numbers = _rows(engine, "SELECT id, round_id, number FROM invitation ORDER BY id")
    assert [tuple(row) for row in numbers] == [(1, 1, 1), (2, 1, 2), (3, 2, 1), (4, 2, 2)]
    labels = dict(_rows(engine, "SELECT id, label FROM invitation"))
    assert labels == {1: "Anna", 2: "Ben", 3: "", 4: ""}  # anonymous single-use: no label
    sessions = _rows(
        engine, "SELECT response_id, day_only, invitation_id FROM web_session ORDER BY response_id"
    )
    assert [(row[0], bool(row[1])) for row in sessions] == [
        (1, False),
        (2, False),
        (3, False),
        (4, True),
    ]
    computed = dict(_rows(engine, "SELECT response_id, computed_at FROM response_score"))
    assert str(computed[4]).startswith("2026-11-30")
    assert "17:42" not in str(computed[4])
    assert "17:42" in str(computed[2])
    submitted = dict(_rows(engine, "SELECT id, submitted_at FROM response WHERE id IN (2, 4)"))
    assert "17:42" in str(submitted[2])
    assert "17:42" not in str(submitted[4])  # anonymous: only the day


def test_head_downgrades_to_0001_keeping_every_row(engine: Engine) -> None:
    migrate.downgrade(engine, "0001")
    _populate_0001(engine)
    before = _counts(engine)
    migrate.upgrade(engine)
    migrate.downgrade(engine, "0001")
    assert _counts(engine) == before
    keys = [row[0] for row in _rows(engine, "SELECT client_key FROM response")]
    assert len(set(keys)) == 4
    assert all(keys)


def test_invitation_numbers_are_unique_per_round_after_0007(engine: Engine) -> None:
    """Migration 0007 numbers existing links per round by id and forbids a number twice in
    one round (the same number in another round is fine)."""
    migrate.downgrade(engine, "0001")
    _populate_0001(engine)
    migrate.upgrade(engine)
    duplicate = (
        "INSERT INTO invitation (id, round_id, organisation_id, number, token_hash, label, "
        "multi_use, use_count, created_at) VALUES (:id, :round, 1, :number, :hash, '', false, "
        "0, :at)"
    )
    with engine.begin() as db:
        db.execute(
            sa.text(duplicate), {"id": 5, "round": 2, "number": 3, "hash": "t5", "at": MOMENT}
        )
    with pytest.raises(sa.exc.IntegrityError), engine.begin() as db:
        db.execute(
            sa.text(duplicate), {"id": 6, "round": 1, "number": 2, "hash": "t6", "at": MOMENT}
        )
    migrate.downgrade(engine, "0006_round_settings")
    columns = {c["name"] for c in sa.inspect(engine).get_columns("invitation")}
    assert "number" not in columns
    assert _counts(engine)["invitation"] == 5


def _populate_0005_rounds(engine: Engine) -> None:
    """A version whose default language is German and three rounds: a notice, a blank one,
    none (written with the 0005 schema, one ``privacy_notice`` per round)."""
    meta = sa.MetaData()
    meta.reflect(engine)
    t = meta.tables
    at = {"created_at": MOMENT}
    definition = {"slug": "q", "languages": ["en", "de"], "default_language": "de"}
    with engine.begin() as db:
        db.execute(
            t["project"].insert(),
            [{"id": 1, "slug": "p", "name": "P", "description": "", "min_group_size": 3, **at}],
        )
        db.execute(t["questionnaire"].insert(), [{"id": 1, "slug": "q", **at}])
        db.execute(
            t["questionnaire_version"].insert(),
            [
                {
                    "id": 1,
                    "questionnaire_id": 1,
                    "version": "1.0",
                    "definition": definition,
                    "content_hash": "h",
                    "status": "published",
                    "published_at": MOMENT,
                    "retired_at": None,
                    **at,
                }
            ],
        )
        db.execute(
            t["round"].insert(),
            [
                {
                    "id": number,
                    "project_id": 1,
                    "questionnaire_version_id": 1,
                    "name": f"R{number}",
                    "opens_at": None,
                    "closes_at": None,
                    "closed_at": None,
                    "anonymous": False,
                    "privacy_notice": notice,
                    "notice_version": "1",
                    **at,
                }
                for number, notice in ((1, "Wir speichern\n\nIhre Antworten."), (2, "  "), (3, ""))
            ],
        )


def test_a_rounds_notice_moves_under_the_versions_default_language_and_back(
    engine: Engine,
) -> None:
    migrate.downgrade(engine, "0005")
    _populate_0005_rounds(engine)

    migrate.upgrade(engine)

    assert migrate.schema_drift(engine) == []
    rows = _rows(
        engine,
        "SELECT id, privacy_notices, stakeholder_groups, min_group_size FROM round ORDER BY id",
    )
    notices = {row[0]: _json(row[1]) for row in rows}
    assert notices == {1: {"de": "Wir speichern\n\nIhre Antworten."}, 2: {}, 3: {}}
    assert all(_json(row[2]) == [] and row[3] is None for row in rows)

    migrate.downgrade(engine, "0005")
    back = dict(_rows(engine, "SELECT id, privacy_notice FROM round ORDER BY id"))
    assert back == {1: "Wir speichern\n\nIhre Antworten.", 2: "", 3: ""}


def _json(value: Any) -> Any:
    """A JSON column as read by plain SQL (SQLite gives text, psycopg the value)."""
    return json.loads(value) if isinstance(value, str) else value
