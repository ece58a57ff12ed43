"""``radar responses``: one respondent's export and erasure, and retention; erasure reaches
stored scores, sessions and the organisation's aggregate, and every action is audited without
personal data."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select, update

from app.db_types import utcnow
from app.models import AuditEvent, Response, ResponseScore, WebSession
from app.services import responses, results, web_sessions
from tests import factories
from tests.cli.helpers import Radar, fails

ANSWERS = {
    "leadership.mandate": 4,
    "leadership.has_budget": "yes",
    "leadership.budget_size": 1,
    "services.training": 2,
}
COMMENT = "Line one\nline two <b>&</b>"
POLICY = web_sessions.SessionPolicy(idle=timedelta(hours=1), absolute=timedelta(hours=8))


@dataclass(frozen=True)
class Made:
    """The network's rows and the values the tests compare with, read while the set-up's
    transaction was open (reading a row later would start a writer and lock the CLI out)."""

    network: factories.Network
    slug: str
    organisation: str
    notice_version: str
    project_id: int
    round_id: int


@dataclass(frozen=True)
class Respondent:
    id: int
    public_id: str


@pytest.fixture
def made(session: Session) -> Made:
    factories.questionnaire(session)
    network = factories.network(session, min_group_size=2, round_name="Baseline")
    assert network.project.id is not None
    assert network.round.id is not None
    values = Made(
        network,
        network.project.slug,
        network.organisation.name,
        network.round.notice_version,
        network.project.id,
        network.round.id,
    )
    session.commit()
    return values


def _respond(session: Session, made: Made, mandate: int = 4) -> Respondent:
    network = made.network
    response = factories.response(
        session,
        network.round,
        network.organisation,
        {**ANSWERS, "leadership.mandate": mandate},
        submitted=True,
        scored=True,
        comments={"leadership": COMMENT},
    )
    assert response.id is not None
    web_sessions.start_session(session, POLICY, response_id=response.id)
    respondent = Respondent(response.id, response.public_id)
    session.commit()
    return respondent


def _group_size(engine: Engine, response_id: int) -> int:
    with Session(engine) as session:
        return results.organisation_group(session, responses.load(session, response_id)).count


def _audit(engine: Engine) -> list[AuditEvent]:
    with Session(engine) as session:
        return list(session.exec(select(AuditEvent).order_by(col(AuditEvent.id))).all())


def test_export_gives_one_respondents_data(radar: Radar, session: Session, made: Made) -> None:
    mine = _respond(session, made)
    _respond(session, made, mandate=1)
    result = radar("responses", "export", mine.public_id)
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["public_id"] == mine.public_id
    assert data["round"] == "Baseline"
    assert data["organisation"] == made.organisation
    assert {a["item"]: a["value"] for a in data["answers"]} == ANSWERS
    assert {a["counted"] for a in data["answers"]} == {True}
    assert data["times"] == "precise"
    assert data["comments"] == {"leadership": COMMENT}
    assert data["consent"]["version"] == made.notice_version
    assert data["consent"]["at"] is not None
    assert data["status"] == "submitted"
    assert data["submitted_at"].startswith(str(utcnow().year))
    assert {score["target"] for score in data["scores"]} >= {"leadership", "services"}
    assert "token" not in result.stdout
    assert "client_key" not in data
    fails(radar("responses", "export", "nobody"), "no response 'nobody'")


def test_erase_reaches_scores_sessions_and_aggregates(
    radar: Radar, session: Session, engine: Engine, made: Made
) -> None:
    mine = _respond(session, made)
    other = _respond(session, made, mandate=1)
    assert _group_size(engine, other.id) == 2
    result = radar("responses", "erase", mine.public_id)
    assert result.exit_code == 0, result.output
    assert result.stdout == f"erased response {mine.public_id}\n"
    with Session(engine) as reader:
        assert reader.get(Response, mine.id) is None
        gone = [
            reader.exec(select(ResponseScore).where(ResponseScore.response_id == mine.id)).all(),
            reader.exec(select(WebSession).where(WebSession.response_id == mine.id)).all(),
        ]
        assert gone == [[], []]
        assert reader.exec(select(ResponseScore).where(ResponseScore.response_id == other.id)).all()
    assert _group_size(engine, other.id) == 1  # the aggregate no longer counts it
    fails(radar("responses", "erase", mine.public_id), f"no response {mine.public_id!r}")


def test_purge_removes_old_responses_only(
    radar: Radar, session: Session, engine: Engine, made: Made
) -> None:
    old = _respond(session, made)
    recent = _respond(session, made, mandate=1)
    draft = factories.response(session, made.network.round, made.network.organisation, {})
    session.exec(
        update(Response)
        .where(col(Response.id).in_([old.id, draft.id]))
        .values(updated_at=utcnow() - timedelta(days=400))
    )
    session.commit()
    result = radar("responses", "purge", made.slug, "Baseline", "--older-than", "365")
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("removed 2 response(s) of 'Baseline' last changed before ")
    with Session(engine) as reader:
        left = reader.exec(select(Response.id)).all()
        scored = set(reader.exec(select(ResponseScore.response_id)).all())
    assert left == [recent.id]
    assert scored == {recent.id}
    fails(
        radar("responses", "purge", made.slug, "Baseline", "--older-than", "-1"),
        "the retention must be 0 to 36500 days (about 100 years), not -1",
    )
    for days in ("1000000", "99999999999"):  # dates before year 1 were an OverflowError
        fails(
            radar("responses", "purge", made.slug, "Baseline", "--older-than", days),
            f"the retention must be 0 to 36500 days (about 100 years), not {days}",
        )
    fails(
        radar("responses", "purge", made.slug, "Nope", "--older-than", "1"),
        f"project {made.slug!r} has no round 'Nope'",
    )


def test_data_rights_are_audited_without_personal_data(
    radar: Radar, session: Session, engine: Engine, made: Made
) -> None:
    mine = _respond(session, made)
    assert radar("responses", "export", mine.public_id).exit_code == 0
    assert radar("responses", "erase", mine.public_id).exit_code == 0
    purge = radar("responses", "purge", made.slug, "Baseline", "--older-than", "30")
    assert purge.exit_code == 0
    events = [event for event in _audit(engine) if event.action.startswith("response")]
    assert [(e.action, e.actor, e.object_id) for e in events] == [
        ("response.export", "operator", mine.public_id),
        ("response.erase", "operator", mine.public_id),
        ("responses.purge", "operator", str(made.round_id)),
    ]
    assert events[-1].detail == {"older_than_days": "30", "removed": "0"}
    assert all(event.project_id == made.project_id for event in events)
    assert all(event.at is not None for event in events)
    stored = " ".join(f"{e.actor} {e.object_id} {e.detail}" for e in events)
    assert "Line one" not in stored
    assert "\n" not in stored


def test_export_marks_an_answer_to_a_hidden_question_as_not_counted(
    radar: Radar, session: Session, made: Made
) -> None:
    network = made.network
    response = factories.response(
        session,
        network.round,
        network.organisation,
        {**ANSWERS, "leadership.has_budget": "no"},  # budget_size stays stored, now hidden
        submitted=True,
        scored=True,
    )
    public_id = response.public_id
    session.commit()
    data = json.loads(radar("responses", "export", public_id).stdout)
    marks = {a["item"]: (a["value"], a["counted"], a["reason"]) for a in data["answers"]}
    assert marks["leadership.budget_size"] == (1, False, "hidden")
    assert marks["leadership.has_budget"] == ("no", True, None)
    scores = {s["target"]: s["score"] for s in data["scores"] if s["kind"] == "dimension"}
    assert scores["leadership"] == 50.0  # mandate 4 -> 100, budget "no" -> 0; the 1 ignored


def test_export_of_an_anonymous_response_writes_dates_only(radar: Radar, session: Session) -> None:
    """Day-only times are dates in the export ("2026-11-30"), never "2026-11-30T00:00:00"."""
    factories.questionnaire(session)
    network = factories.network(session, round_name="Anonymous", anonymous=True)
    day = datetime(2026, 11, 30, tzinfo=UTC)  # as an anonymous round keeps it
    response = factories.response(
        session,
        network.round,
        network.organisation,
        ANSWERS,
        submitted=True,
        created_at=day,
        updated_at=day,
    )
    response.submitted_at = response.consented_at = day
    session.add(response)
    public_id = response.public_id
    session.commit()
    data = json.loads(radar("responses", "export", public_id).stdout)
    assert data["times"] == "day_only"
    assert [data[key] for key in ("created_at", "updated_at", "submitted_at")] == ["2026-11-30"] * 3
    assert data["consent"]["at"] == "2026-11-30"
