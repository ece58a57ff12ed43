"""A small version of the HTTP benchmark's driver: respondents at once through a real server.

``radar serve`` runs in a process of its own on the test database; a few respondents fill in the
flagship questionnaire at the same time over HTTP (invitation, consent, every page, submit),
each in a browser session of its own. Not timed: it checks that under concurrent writers
nothing the server acknowledged is lost and that every submission is stored with its scores.
"""

from __future__ import annotations

import os
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from sqlalchemy import text
from sqlalchemy.engine import Engine

from app.db import writer_session
from app.models import Round
from app.services import invitations, projects, rounds
from app.settings import PROJECT_ROOT, Settings
from benchmarks import respondent_path as driver
from benchmarks.http import free_port, server

RESPONDENTS = 6


def invitation_tokens(engine: Engine, count: int) -> list[str]:
    """A round of the flagship questionnaire with ``count`` single-use invitations."""
    with writer_session(engine) as session:
        project = projects.create_project(session, "load", "Load test", min_group_size=3)
        organisation = projects.add_organisation(session, project, "City of Tests", country="DE")
        round_: Round = rounds.create_round(
            session, project, "intercultural-integration", "1.0", "Concurrent"
        )
        tokens = [
            invitations.create_invitation(session, round_, organisation)[1] for _ in range(count)
        ]
        session.commit()
    return tokens


def test_concurrent_respondents_lose_nothing_acknowledged(
    settings: Settings, engine: Engine, tmp_path: Path
) -> None:
    port = free_port()
    env = {
        **os.environ,
        "RADAR_DATABASE_URL": settings.effective_database_url,
        "RADAR_DATA_DIR": str(tmp_path / "data"),
        "RADAR_SECRET_KEY": "test-secret-key-not-for-production",
        "RADAR_QUESTIONNAIRES_DIR": str(PROJECT_ROOT / "questionnaires"),
        "RADAR_PORT": str(port),
        "RADAR_LOG_LEVEL": "warning",
        "RADAR_DEMO_ON_FIRST_RUN": "false",
    }
    command = [sys.executable, "-m", "app.cli", "serve"]
    with server("radar serve", command, env, port, tmp_path, "/readyz") as running:
        *tokens, unused = invitation_tokens(engine, RESPONDENTS + 1)
        definition = driver.flagship()
        answers = driver.answer_sets(definition, RESPONDENTS + 1)
        expected = dict(zip([*tokens, unused], answers, strict=True))
        bodies = {t: driver.step_bodies(definition, a) for t, a in expected.items()}
        with ThreadPoolExecutor(max_workers=RESPONDENTS) as pool:
            outcomes = list(pool.map(lambda t: driver.walk(running.url, t, bodies[t]), tokens))

    refused = [p for o in outcomes for p in o.problems if not p.split(": ", 1)[1].startswith("503")]
    assert refused == [], refused  # a writer may be told to retry (503), never anything else
    acknowledged = [o.token for o in outcomes if o.acknowledged]
    assert acknowledged, [o.problems for o in outcomes]
    assert all(o.saved_steps == len(definition.dimensions) for o in outcomes if o.acknowledged)
    verified = driver.verify(settings.effective_database_url, acknowledged, expected)
    assert verified.lost == []
    assert verified.stored_with_scores == len(acknowledged)
    never_sent = driver.verify(settings.effective_database_url, [unused], expected)
    assert never_sent.lost == [f"{unused[:8]}: no response stored"]  # the check can fail
    with engine.connect() as connection:
        submitted = connection.execute(
            text("SELECT count(*) FROM response WHERE status = 'submitted'")
        ).scalar_one()
    assert submitted == len(acknowledged)
