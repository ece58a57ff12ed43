"""Stored scores: written with the submission, stamped with the rules, rebuildable."""

from __future__ import annotations

from typing import Any

import pytest
from sqlmodel import Session, col, select, update

from app.errors import InvalidInput, NotFound
from app.models import Organisation, Response, ResponseScore, Round, ScoreKind
from app.services import questionnaires, scores
from scoring import RULES_VERSION, Definition, parse_definition, score_response
from tests import factories
from tests.helpers import minimal_definition

ANSWERS = {
    "leadership.mandate": 4,
    "leadership.has_budget": "yes",
    "leadership.budget_size": 1,
    "services.training": 2,
}


@pytest.fixture
def mini(session: Session) -> Definition:
    definition = factories.questionnaire(session)
    session.commit()
    return definition


@pytest.fixture
def network(session: Session, mini: Definition) -> factories.Network:
    return factories.network(session)


@pytest.fixture
def round_(network: factories.Network) -> Round:
    return network.round


def _response(
    session: Session, round_: Round, answers: dict[str, Any], *, submitted: bool = True
) -> Response:
    organisation = session.exec(
        select(Organisation).where(Organisation.project_id == round_.project_id)
    ).one()
    return factories.response(session, round_, organisation, answers, submitted=submitted)


def _stored(session: Session, response: Response) -> dict[tuple[str, str], ResponseScore]:
    rows = session.exec(select(ResponseScore).where(ResponseScore.response_id == response.id)).all()
    return {(row.kind, row.target_id): row for row in rows}


def test_store_scores_writes_every_part(session: Session, round_: Round, mini: Definition) -> None:
    response = _response(session, round_, ANSWERS)
    scores.store_scores(session, response, mini)
    stored = _stored(session, response)
    profile = score_response(mini, ANSWERS)
    assert set(stored) == {
        (ScoreKind.DIMENSION, "leadership"),
        (ScoreKind.DIMENSION, "services"),
        (ScoreKind.OVERALL, "overall"),
    }
    leadership = stored[(ScoreKind.DIMENSION, "leadership")]
    assert leadership.score == pytest.approx(profile.dimensions["leadership"].score)
    assert leadership.band == profile.dimensions["leadership"].band
    assert leadership.coverage == 1.0
    assert leadership.rules_version == RULES_VERSION
    overall = stored[(ScoreKind.OVERALL, "overall")]
    assert overall.score == pytest.approx(profile.overall.score)
    assert overall.coverage == 1.0


def test_store_scores_does_not_commit(session: Session, round_: Round, mini: Definition) -> None:
    response = _response(session, round_, ANSWERS)
    scores.store_scores(session, response, mini)
    session.rollback()
    assert session.exec(select(ResponseScore)).all() == []


def test_store_scores_replaces_old_rows(session: Session, round_: Round, mini: Definition) -> None:
    response = _response(session, round_, ANSWERS)
    scores.store_scores(session, response, mini)
    response.answers = {"leadership.mandate": 0, "leadership.has_budget": "no"}
    scores.store_scores(session, response, mini)
    session.commit()
    stored = _stored(session, response)
    assert len(stored) == 3
    services = stored[(ScoreKind.DIMENSION, "services")]
    assert (services.score, services.coverage, services.reason) == (None, 0.0, "low_coverage")
    overall = stored[(ScoreKind.OVERALL, "overall")]
    assert overall.coverage == 0.5  # one of two dimensions has a score


def _age(session: Session) -> None:
    session.exec(update(ResponseScore).values(rules_version="0"))
    session.commit()


def test_rebuild_rescores_submitted_responses(
    session: Session, round_: Round, mini: Definition, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(scores, "BATCH_SIZE", 2)  # several batches
    submitted = [_response(session, round_, ANSWERS) for _ in range(5)]
    for response in submitted:
        scores.store_scores(session, response, mini)
    draft = _response(session, round_, ANSWERS, submitted=False)
    session.commit()
    _age(session)
    assert scores.stale_count(session) == 5 * 3
    assert scores.rebuild(session) == 5
    assert scores.stale_count(session) == 0
    assert _stored(session, draft) == {}
    assert scores.unscored_count(session) == 0


def test_unscored_submitted_responses_are_counted_and_rebuilt(
    session: Session, round_: Round
) -> None:
    _response(session, round_, ANSWERS)
    _response(session, round_, ANSWERS, submitted=False)
    session.commit()
    assert scores.unscored_count(session) == 1
    assert scores.rebuild(session, slug="mini", version="1.0") == 1
    assert scores.unscored_count(session) == 0


def test_rebuild_filters_by_questionnaire_and_version(
    session: Session, round_: Round, network: factories.Network
) -> None:
    questionnaires.publish(session, parse_definition(minimal_definition() | {"version": "1.1"}))
    session.commit()
    later = factories.round_(session, network.project, slug="mini", version="1.1")
    _response(session, round_, ANSWERS)
    _response(session, later, ANSWERS)
    _response(session, later, ANSWERS)
    session.commit()
    assert scores.rebuild(session, slug="mini", version="1.1") == 2
    assert scores.rebuild(session, slug="mini") == 3
    versions = session.exec(select(col(ResponseScore.rules_version)).distinct()).all()
    assert versions == [RULES_VERSION]


def test_rebuild_refuses_unknown_or_incomplete_filters(session: Session, mini: Definition) -> None:
    with pytest.raises(NotFound, match="no questionnaire 'nope'"):
        scores.rebuild(session, slug="nope")
    with pytest.raises(NotFound, match="no version"):
        scores.rebuild(session, slug="mini", version="7.0")
    with pytest.raises(InvalidInput, match="only be chosen together with its questionnaire"):
        scores.rebuild(session, version="1.0")
