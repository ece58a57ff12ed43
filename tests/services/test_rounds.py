"""Rounds: pinned to a published version, refused for retired ones, state from the window."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlmodel import Session

from app.db_types import utcnow
from app.errors import Conflict, InvalidInput, NotFound
from app.models import Project, Round
from app.services import questionnaires, rounds
from tests import factories

SLUG = factories.MINI


@pytest.fixture
def project(session: Session) -> Project:
    factories.questionnaire(session)
    return factories.project(session, "net")


def test_create_round_pins_the_version(session: Session, project: Project) -> None:
    round_ = rounds.create_round(session, project, SLUG, "1.0", "Baseline", anonymous=True)
    version = rounds.version_of(session, round_)
    assert (version.version, round_.anonymous) == ("1.0", True)
    assert rounds.get_round(session, project, "Baseline").id == round_.id
    assert [r.name for r in rounds.list_rounds(session, project)] == ["Baseline"]


def test_unknown_questionnaire_and_version(session: Session, project: Project) -> None:
    with pytest.raises(NotFound, match="no questionnaire 'nope'"):
        rounds.create_round(session, project, "nope", "1.0", "R")
    with pytest.raises(NotFound, match=r"no version '9\.9' of questionnaire"):
        rounds.create_round(session, project, SLUG, "9.9", "R")


def test_retired_version_is_refused(session: Session, project: Project) -> None:
    questionnaires.retire(session, SLUG, "1.0")
    with pytest.raises(Conflict, match=f"questionnaire {SLUG} 1.0 is retired: no new rounds"):
        rounds.create_round(session, project, SLUG, "1.0", "R")


def test_duplicate_round_name(session: Session, project: Project) -> None:
    rounds.create_round(session, project, SLUG, "1.0", "R")
    with pytest.raises(Conflict, match="already has a round 'R'"):
        rounds.create_round(session, project, SLUG, "1.0", "R")


def test_window_must_be_sane(session: Session, project: Project) -> None:
    now = utcnow()
    with pytest.raises(InvalidInput, match="close after it opens"):
        rounds.create_round(session, project, SLUG, "1.0", "R", opens_at=now, closes_at=now)
    with pytest.raises(InvalidInput, match="time zone"):
        rounds.create_round(session, project, SLUG, "1.0", "R", closes_at=datetime(2030, 1, 1))


def test_unknown_round(session: Session, project: Project) -> None:
    with pytest.raises(NotFound, match="project 'net' has no round 'Later'"):
        rounds.get_round(session, project, "Later")


def test_round_state() -> None:
    now = datetime(2026, 5, 1, tzinfo=UTC)
    day = timedelta(days=1)
    assert rounds.round_state(Round(name="r"), now) == "open"
    assert rounds.round_state(Round(name="r", opens_at=now + day), now) == "not_yet_open"
    assert rounds.round_state(Round(name="r", opens_at=now - day), now) == "open"
    assert rounds.round_state(Round(name="r", closes_at=now), now) == "closed"
    assert rounds.round_state(Round(name="r", closes_at=now + day), now) == "open"
    assert rounds.round_state(Round(name="r", closed_at=now - day), now) == "closed"


def test_close_round_is_idempotent(session: Session, project: Project) -> None:
    round_ = rounds.create_round(session, project, SLUG, "1.0", "R")
    closed = rounds.close_round(session, round_)
    first = closed.closed_at
    assert first is not None
    assert rounds.round_state(closed) == "closed"
    assert rounds.close_round(session, closed).closed_at == first
